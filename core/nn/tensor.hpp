#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace pretrainlab::nn {

using Index = Eigen::Index;

// Row-major throughout: row t of an activation matrix is token t.
template <typename S>
using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename S>
using RowVector = Eigen::Matrix<S, 1, Eigen::Dynamic>;
template <typename S>
using MatrixMap = Eigen::Map<Matrix<S>>;
template <typename S>
using ConstMatrixMap = Eigen::Map<const Matrix<S>>;
template <typename S>
using RowVectorMap = Eigen::Map<RowVector<S>>;
template <typename S>
using ConstRowVectorMap = Eigen::Map<const RowVector<S>>;

// A flat array of values (parameters, gradients, Adam's moments), aligned as Eigen's widest loads
// want. Vectorised loops then split it the same way wherever it lands in memory, so a run gives
// the same bits every time (the scalar head of a misaligned loop rounds differently).
template <typename S>
using FlatArray = std::vector<S, Eigen::aligned_allocator<S>>;

// A matrix or a block of one (a head's columns, a sequence's rows), as the products take them.
template <typename S>
using MatrixRef = Eigen::Ref<Matrix<S>, 0, Eigen::OuterStride<>>;
template <typename S>
using ConstMatrixRef = Eigen::Ref<const Matrix<S>, 0, Eigen::OuterStride<>>;

// Arguments of the layers' functions: S is deduced from the Parameters argument, and these
// accept any matrix or block of one.
template <typename S>
using In = typename std::type_identity<ConstMatrixRef<S>>::type;
template <typename S>
using Out = typename std::type_identity<MatrixRef<S>>::type;

// C = alpha op(A) op(B) + beta C; op is the transpose when asked for. With one BLAS thread (inside
// a training shard) Eigen's kernel computes it on the calling thread; with more, BLAS's threads do.
template <typename S>
void gemm(S alpha, ConstMatrixRef<S> a, bool transposeA, ConstMatrixRef<S> b, bool transposeB, S beta,
          MatrixRef<S> c);

// Sets how many threads one product may use (training runs one per shard).
void setBlasThreads(int threads);

}  // namespace pretrainlab::nn
