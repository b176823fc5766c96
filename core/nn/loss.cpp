#include "core/nn/loss.hpp"

#include <cmath>

namespace pretrainlab::nn {

template <typename S>
double crossEntropy(Matrix<S>& logits, const std::int32_t* targets, S scale, bool gradient, Index* counted) {
    double total = 0;
    Index rows = 0;
    for (Index r = 0; r < logits.rows(); ++r) {
        auto row = logits.row(r).array();
        const std::int32_t target = targets[r];
        if (target < 0) {
            if (gradient) row.setZero();
            continue;
        }
        // log softmax = x − max − log Σ exp(x − max)
        const S largest = row.maxCoeff();
        const S target_logit = row(target);
        ++rows;
        if (!gradient) {  // the logits stay as they are
            total += static_cast<double>(std::log((row - largest).exp().sum()) - (target_logit - largest));
            continue;
        }
        row = (row - largest).exp();
        const S sum = row.sum();
        total += static_cast<double>(std::log(sum) - (target_logit - largest));
        row *= scale / sum;  // scale · softmax
        row(target) -= scale;
    }
    if (counted) *counted = rows;
    return total;
}

template <typename S>
std::vector<double> softmaxOf(const RowVector<S>& logits, double temperature) {
    std::vector<double> probabilities(static_cast<std::size_t>(logits.size()));
    const double largest = static_cast<double>(logits.maxCoeff());
    double sum = 0;
    for (Index i = 0; i < logits.size(); ++i) {
        probabilities[static_cast<std::size_t>(i)] = std::exp((static_cast<double>(logits[i]) - largest) / temperature);
        sum += probabilities[static_cast<std::size_t>(i)];
    }
    for (double& p : probabilities) p /= sum;
    return probabilities;
}

template double crossEntropy<float>(Matrix<float>&, const std::int32_t*, float, bool, Index*);
template double crossEntropy<double>(Matrix<double>&, const std::int32_t*, double, bool, Index*);
template std::vector<double> softmaxOf<float>(const RowVector<float>&, double);
template std::vector<double> softmaxOf<double>(const RowVector<double>&, double);

}  // namespace pretrainlab::nn
