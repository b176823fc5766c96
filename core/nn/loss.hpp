#pragma once

#include <cstdint>
#include <vector>

#include "core/nn/tensor.hpp"

namespace pretrainlab::nn {

// Cross-entropy −log softmax(logits)[target] of each row whose target is not −1.
// logits: [n, classes]. Returns the sum over counted rows and how many were counted. With
// `gradient`, turns `logits` into d(scale · sum)/d logits = scale (softmax − onehot) for counted
// rows and 0 for the others, in place (the logits are not needed after); without, leaves them.
template <typename S>
double crossEntropy(Matrix<S>& logits, const std::int32_t* targets, S scale, bool gradient, Index* counted);

// The probability of each class for one row of logits (for probes and generation).
template <typename S>
std::vector<double> softmaxOf(const RowVector<S>& logits, double temperature = 1.0);

}  // namespace pretrainlab::nn
