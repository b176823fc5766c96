#include <cassert>
#include <cblas.h>

#include "core/nn/tensor.hpp"

namespace pretrainlab::nn {

template <>
void gemm<float>(float alpha, ConstMatrixRef<float> a, bool transposeA, ConstMatrixRef<float> b,
                 bool transposeB, float beta, MatrixRef<float> c) {
    const Index m = transposeA ? a.cols() : a.rows();
    const Index k = transposeA ? a.rows() : a.cols();
    const Index n = transposeB ? b.rows() : b.cols();
    assert(c.rows() == m && c.cols() == n && (transposeB ? b.cols() : b.rows()) == k);
    if (m == 0 || n == 0) return;
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
    cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a.data(),
                static_cast<int>(a.outerStride()), b.data(), static_cast<int>(b.outerStride()), beta, c.data(),
                static_cast<int>(c.outerStride()));
}

void setBlasThreads(int threads) { openblas_set_num_threads(threads); }

}  // namespace pretrainlab::nn
