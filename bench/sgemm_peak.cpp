// The machine's single-precision matrix-product speed through the BLAS the engine uses: the
// ceiling against which the training benchmark reports its own GFLOP/s.
//
//   bench_sgemm_peak [--threads N] [--size N]   prints {"threads":N,"size":N,"gflops":X}
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "core/nn/tensor.hpp"

using namespace pretrainlab::nn;

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
    setBlasThreads(threads);
    Matrix<float> a = Matrix<float>::Random(size, size);
    Matrix<float> b = Matrix<float>::Random(size, size);
    Matrix<float> c = Matrix<float>::Zero(size, size);
    gemm<float>(1.0f, a, false, b, false, 0.0f, c);  // warm up
    double best = 0;
    for (int round = 0; round < 5; ++round) {
        const auto start = std::chrono::steady_clock::now();
        gemm<float>(1.0f, a, false, b, false, 0.0f, c);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::max(best, 2.0 * double(size) * double(size) * double(size) / seconds / 1e9);
    }
    std::printf("{\"threads\":%d,\"size\":%ld,\"gflops\":%.1f}\n", threads, static_cast<long>(size), best);
    return c(0, 0) == 12345.0f ? 1 : 0;  // keeps the product from being optimised away
}
