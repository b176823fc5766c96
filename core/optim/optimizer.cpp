#include "core/optim/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

namespace pretrainlab::optim {

std::string_view optimizerName(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd: return "sgd";
        case OptimizerKind::Momentum: return "momentum";
        case OptimizerKind::RmsProp: return "rmsprop";
        case OptimizerKind::Adam: return "adam";
        case OptimizerKind::AdamW: return "adamw";
    }
    return "adamw";
}

const std::vector<OptimizerKind>& optimizerKinds() {
    static const std::vector<OptimizerKind> kinds{OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::RmsProp,
                                                  OptimizerKind::Adam, OptimizerKind::AdamW};
    return kinds;
}

std::optional<OptimizerKind> parseOptimizer(std::string_view name) {
    for (const OptimizerKind kind : optimizerKinds()) {
        if (optimizerName(kind) == name) return kind;
    }
    return std::nullopt;
}

template <typename S>
Optimizer<S>::Optimizer(OptimizerOptions options, std::size_t parameterCount)
    : options_(options), parameterCount_(parameterCount), trainableCount_(parameterCount),
      stretches_{{0, parameterCount, 0}} {
    allocateState();
}

template <typename S>
void Optimizer<S>::allocateState() {
    m_.clear();
    v_.clear();
    switch (options_.kind) {
        case OptimizerKind::Sgd: break;
        case OptimizerKind::Momentum: m_.assign(trainableCount_, S(0)); break;
        case OptimizerKind::RmsProp: v_.assign(trainableCount_, S(0)); break;
        case OptimizerKind::Adam:
        case OptimizerKind::AdamW:
            m_.assign(trainableCount_, S(0));
            v_.assign(trainableCount_, S(0));
            break;
    }
}

template <typename S>
void Optimizer<S>::setFrozen(std::vector<std::pair<std::size_t, std::size_t>> frozen) {
    std::sort(frozen.begin(), frozen.end());
    stretches_.clear();
    std::size_t from = 0;
    trainableCount_ = 0;
    const auto keep = [&](std::size_t begin, std::size_t end) {
        if (begin >= end) return;
        stretches_.push_back({begin, end, trainableCount_});
        trainableCount_ += end - begin;
    };
    for (const auto& [frozenBegin, frozenEnd] : frozen) {
        keep(from, std::min(frozenBegin, parameterCount_));
        from = std::max(from, frozenEnd);
    }
    keep(from, parameterCount_);
    allocateState();
}

template <typename S>
void Optimizer<S>::step(nn::FlatArray<S>& parameters, const nn::FlatArray<S>& gradients, double learningRate) {
    beginStep();
    update(parameters, gradients, learningRate, 0, parameters.size());
}

template <typename S>
void Optimizer<S>::update(nn::FlatArray<S>& parameters, const nn::FlatArray<S>& gradients, double learningRate,
                          std::size_t begin, std::size_t end) {
    // The trainable stretches that meet [begin, end), each with its part of the state.
    for (const Stretch& stretch : stretches_) {
        const std::size_t from = std::max(begin, stretch.begin);
        const std::size_t to = std::min(end, stretch.end);
        if (from >= to) continue;
        const std::size_t state = stretch.state + (from - stretch.begin);
        updateRange(parameters.data() + from, gradients.data() + from, m_.empty() ? nullptr : m_.data() + state,
                    v_.empty() ? nullptr : v_.data() + state, to - from, S(learningRate));
    }
}

// The update of n parameters, written element by element as the lecture writes it, over Eigen
// arrays so it runs vectorised. m and v are their state (null where the optimizer keeps none).
template <typename S>
void Optimizer<S>::updateRange(S* thetaAt, const S* gAt, S* mAt, S* vAt, std::size_t count, S eta) {
    using Array = Eigen::Array<S, Eigen::Dynamic, 1>;
    const auto n = static_cast<Eigen::Index>(count);
    Eigen::Map<Array> theta(thetaAt, n);
    const Eigen::Map<const Array> g(gAt, n);
    const S lambda = S(options_.weightDecay);
    switch (options_.kind) {
        case OptimizerKind::Sgd:
            // θ_t = θ_{t−1} − η g_t   (with L2: g_t + λ θ)
            theta -= eta * (g + lambda * theta);
            break;
        case OptimizerKind::Momentum: {
            // b_t = μ b_{t−1} + g_t;  θ_t = θ_{t−1} − η b_t   (PyTorch's SGD with momentum)
            Eigen::Map<Array> b(mAt, n);
            if (t_ == 1) {
                b = g + lambda * theta;
            } else {
                b = S(options_.momentum) * b + (g + lambda * theta);
            }
            theta -= eta * b;
            break;
        }
        case OptimizerKind::RmsProp: {
            // v_t = α v_{t−1} + (1 − α) g_t²;  θ_t = θ_{t−1} − η g_t / (√v_t + ε)   (PyTorch's RMSprop)
            Eigen::Map<Array> v(vAt, n);
            const S alpha = S(options_.beta2);
            const Array g_t = g + lambda * theta;
            v = alpha * v + (S(1) - alpha) * g_t.square();
            theta -= eta * g_t / (v.sqrt() + S(options_.epsilon));
            break;
        }
        case OptimizerKind::Adam:
        case OptimizerKind::AdamW: {
            const S beta1 = S(options_.beta1);
            const S beta2 = S(options_.beta2);
            const S epsilon = S(options_.epsilon);
            // β₁ᵗ and β₂ᵗ; without bias correction the moment is used as it is (1 − 0 = 1).
            const S beta1_t = options_.correctFirstMoment ? S(std::pow(options_.beta1, double(t_))) : S(0);
            const S beta2_t = options_.correctSecondMoment ? S(std::pow(options_.beta2, double(t_))) : S(0);
            Eigen::Map<Array> m(mAt, n);
            Eigen::Map<Array> v(vAt, n);
            if (options_.kind == OptimizerKind::AdamW) {
                theta *= S(1) - eta * lambda;           // AdamW: θ ← θ − η λ θ, apart from the gradient
                m = beta1 * m + (S(1) - beta1) * g;     // (1) m_t = β₁ m_{t−1} + (1 − β₁) g_t
                v = beta2 * v + (S(1) - beta2) * g.square();  // (2) v_t = β₂ v_{t−1} + (1 − β₂) g_t²
            } else {
                const Array g_t = g + lambda * theta;   // Adam: L2 in the gradient
                m = beta1 * m + (S(1) - beta1) * g_t;   // (1)
                v = beta2 * v + (S(1) - beta2) * g_t.square();  // (2)
            }
            const auto m_hat = m / (S(1) - beta1_t);  // (3) m̂_t = m_t / (1 − β₁ᵗ)
            const auto v_hat = v / (S(1) - beta2_t);  //     v̂_t = v_t / (1 − β₂ᵗ)
            theta -= eta * m_hat / (v_hat.sqrt() + epsilon);  // (4) θ_t = θ_{t−1} − η m̂_t / (√v̂_t + ε)
            break;
        }
    }
}

template <typename S>
void Optimizer<S>::restore(std::size_t steps, nn::FlatArray<S> firstMoment, nn::FlatArray<S> secondMoment) {
    t_ = steps;
    if (!m_.empty() && firstMoment.size() == m_.size()) m_ = std::move(firstMoment);
    if (!v_.empty() && secondMoment.size() == v_.size()) v_ = std::move(secondMoment);
}

template <typename S>
double gradientNorm(const nn::FlatArray<S>& gradients) {
    double sum = 0;
    for (const S g : gradients) sum += double(g) * double(g);
    return std::sqrt(sum);
}

template <typename S>
double clipGradientNorm(nn::FlatArray<S>& gradients, double maxNorm) {
    const double norm = gradientNorm(gradients);
    if (maxNorm > 0 && norm > maxNorm) {
        const S scale = S(maxNorm / (norm + 1e-6));
        for (S& g : gradients) g *= scale;
    }
    return norm;
}

template class Optimizer<float>;
template class Optimizer<double>;
template double clipGradientNorm<float>(nn::FlatArray<float>&, double);
template double clipGradientNorm<double>(nn::FlatArray<double>&, double);
template double gradientNorm<float>(const nn::FlatArray<float>&);
template double gradientNorm<double>(const nn::FlatArray<double>&);

}  // namespace pretrainlab::optim
