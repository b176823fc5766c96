// The machine's single-precision matrix-product speed through both kernels the engine uses: the
// ceiling against which the training benchmark reports its own GFLOP/s. BLAS: one product shared
// by N threads (what a product outside training uses). Eigen: N threads each computing its own
// product on one thread (what a training shard uses). The ceiling is the faster of the two.
//
//   bench_sgemm_peak [--threads N] [--size N]
//   prints {"threads":N,"size":N,"blas_gflops":X,"eigen_gflops":Y,"gflops":max(X,Y)}
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "core/nn/tensor.hpp"

using namespace pretrainlab::nn;

namespace {

struct Product {
    Matrix<float> a, b, c;
    explicit Product(Index size)
        : a(Matrix<float>::Random(size, size)), b(Matrix<float>::Random(size, size)), c(Matrix<float>::Zero(size, size)) {}
    void run() { gemm<float>(1.0f, a, false, b, false, 0.0f, c); }
};

// Best GFLOP/s of five rounds; each round runs `products` (one per thread) together.
double best(std::vector<Product>& products, Index size) {
    const auto round = [&] {
        std::vector<std::thread> others;
        for (std::size_t i = 1; i < products.size(); ++i) others.emplace_back([&products, i] { products[i].run(); });
        products[0].run();
        for (std::thread& t : others) t.join();
    };
    round();  // warm up
    double gflops = 0;
    for (int r = 0; r < 5; ++r) {
        const auto start = std::chrono::steady_clock::now();
        round();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        gflops = std::max(gflops, double(products.size()) * 2.0 * double(size) * double(size) * double(size) / seconds / 1e9);
    }
    return gflops;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2;
    Index size = 2048;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
        if (std::strcmp(argv[i], "--size") == 0) size = std::atol(argv[i + 1]);
    }
    if (threads < 1 || size < 64) {
        std::fprintf(stderr, "bench_sgemm_peak: --threads must be at least 1 and --size at least 64\n");
        return 2;
    }
    std::vector<Product> shared;
    shared.emplace_back(size);
    setBlasThreads(threads);
    const bool blasKernel = threads > 1;  // one BLAS thread would take Eigen's kernel
    const double blas = blasKernel ? best(shared, size) : 0.0;
    std::vector<Product> own;
    for (int t = 0; t < threads; ++t) own.emplace_back(size);
    setBlasThreads(1);
    const double eigen = best(own, size);
    std::printf("{\"threads\":%d,\"size\":%ld,\"blas_gflops\":%.1f,\"eigen_gflops\":%.1f,\"gflops\":%.1f}\n", threads,
                static_cast<long>(size), blas, eigen, std::max(blas, eigen));
    return shared[0].c(0, 0) == 12345.0f ? 1 : 0;  // keeps the products from being optimised away
}
