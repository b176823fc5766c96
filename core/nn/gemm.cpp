#include <atomic>
#include <cassert>
#include <cblas.h>

#include "core/nn/tensor.hpp"

namespace pretrainlab::nn {

namespace {

// C = alpha op(A) op(B) + beta C on the calling thread, with Eigen's own kernel: on one thread it
// uses the widest vector instructions the build targets (AVX-512 where the CPU has it), which the
// BLAS kernels of this build may not, and it packs less for the small products of a training shard.
template <typename S>
void eigenGemm(S alpha, ConstMatrixRef<S> a, bool transposeA, ConstMatrixRef<S> b, bool transposeB, S beta,
               MatrixRef<S> c) {
    if (beta == S(0)) {
        c.setZero();
    } else if (beta != S(1)) {
        c *= beta;
    }
    if (transposeA && transposeB) {
        c.noalias() += alpha * a.transpose() * b.transpose();
    } else if (transposeA) {
        c.noalias() += alpha * a.transpose() * b;
    } else if (transposeB) {
        c.noalias() += alpha * a * b.transpose();
    } else {
        c.noalias() += alpha * a * b;
    }
}

// How many threads BLAS may use now; 0 until set here (the library's default then).
std::atomic<int> blasThreadsNow{0};

bool oneThread() {
    int threads = blasThreadsNow.load(std::memory_order_relaxed);
    if (threads == 0) threads = openblas_get_num_threads();
    return threads <= 1;
}

}  // namespace

template <>
void gemm<float>(float alpha, ConstMatrixRef<float> a, bool transposeA, ConstMatrixRef<float> b,
                 bool transposeB, float beta, MatrixRef<float> c) {
    const Index m = transposeA ? a.cols() : a.rows();
    const Index k = transposeA ? a.rows() : a.cols();
    const Index n = transposeB ? b.rows() : b.cols();
    assert(c.rows() == m && c.cols() == n && (transposeB ? b.cols() : b.rows()) == k);
    if (m == 0 || n == 0) return;
    if (oneThread()) {
        eigenGemm<float>(alpha, a, transposeA, b, transposeB, beta, c);
        return;
    }
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a.data(),
                static_cast<int>(a.outerStride()), b.data(), static_cast<int>(b.outerStride()), beta, c.data(),
                static_cast<int>(c.outerStride()));
}

template <>
void gemm<double>(double alpha, ConstMatrixRef<double> a, bool transposeA, ConstMatrixRef<double> b,
                  bool transposeB, double beta, MatrixRef<double> c) {
    const Index m = transposeA ? a.cols() : a.rows();
    const Index k = transposeA ? a.rows() : a.cols();
    const Index n = transposeB ? b.rows() : b.cols();
    assert(c.rows() == m && c.cols() == n && (transposeB ? b.cols() : b.rows()) == k);
    if (m == 0 || n == 0) return;
    if (oneThread()) {
        eigenGemm<double>(alpha, a, transposeA, b, transposeB, beta, c);
        return;
    }
    cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a.data(),
                static_cast<int>(a.outerStride()), b.data(), static_cast<int>(b.outerStride()), beta, c.data(),
                static_cast<int>(c.outerStride()));
}

void setBlasThreads(int threads) {
    openblas_set_num_threads(threads);
    blasThreadsNow.store(threads, std::memory_order_relaxed);
}

}  // namespace pretrainlab::nn
