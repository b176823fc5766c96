#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/nn/tensor.hpp"

namespace pretrainlab::optim {

enum class OptimizerKind { Sgd, Momentum, RmsProp, Adam, AdamW };

std::string_view optimizerName(OptimizerKind kind);  // "sgd", "momentum", "rmsprop", "adam", "adamw"
// Every kind, in the order above.
const std::vector<OptimizerKind>& optimizerKinds();
std::optional<OptimizerKind> parseOptimizer(std::string_view name);

struct OptimizerOptions {
    OptimizerKind kind = OptimizerKind::AdamW;
    double beta1 = 0.9;     // β₁: how long the mean of gradients remembers
    double beta2 = 0.999;   // β₂: how long the mean of squared gradients remembers (RMSProp's α)
    double epsilon = 1e-8;  // ε
    double momentum = 0.9;  // SGD with momentum
    // AdamW: decoupled, θ ← θ − η λ θ. SGD, momentum and Adam: λ θ added to the gradient (L2).
    double weightDecay = 0.0;
    // Adam's bias correction (3), each moment apart: off, m̂ = m and v̂ = v, as the lesson shows.
    bool correctFirstMoment = true;
    bool correctSecondMoment = true;
};

// The lecture's optimizers over flat arrays of parameters and gradients. Adam keeps two more
// arrays of the trainable parameters' size (m and v): the memory cost of Adam against SGD. Frozen
// parameters get no state at all (a linear probe's optimizer holds only the head's).
template <typename S>
class Optimizer {
public:
    Optimizer(OptimizerOptions options, std::size_t parameterCount);

    // One update with the learning rate η. Parameters in frozen ranges stay put.
    void step(nn::FlatArray<S>& parameters, const nn::FlatArray<S>& gradients, double learningRate);
    // The same in parts, so threads can share it: beginStep() once, then update() on ranges that
    // together cover the parameters.
    void beginStep() { ++t_; }
    void update(nn::FlatArray<S>& parameters, const nn::FlatArray<S>& gradients, double learningRate, std::size_t begin,
                std::size_t end);
    // Ranges [begin, end) of parameters that do not train; the state is laid out again (and zero)
    // for the others.
    void setFrozen(std::vector<std::pair<std::size_t, std::size_t>> ranges);
    std::size_t trainableCount() const { return trainableCount_; }

    const OptimizerOptions& options() const { return options_; }
    std::size_t steps() const { return t_; }
    // Adam's m and v (momentum's velocity is m), for inspection and checkpoints: the trainable
    // parameters' in order (all of them when nothing is frozen, at the parameters' own offsets).
    const nn::FlatArray<S>& firstMoment() const { return m_; }
    const nn::FlatArray<S>& secondMoment() const { return v_; }
    void restore(std::size_t steps, nn::FlatArray<S> firstMoment, nn::FlatArray<S> secondMoment);
    std::size_t stateBytes() const { return (m_.size() + v_.size()) * sizeof(S); }

private:
    // A stretch of trainable parameters and where its state starts.
    struct Stretch {
        std::size_t begin = 0, end = 0, state = 0;
    };
    void allocateState();
    void updateRange(S* theta, const S* g, S* m, S* v, std::size_t n, S eta);

    OptimizerOptions options_;
    std::size_t parameterCount_ = 0;
    std::size_t trainableCount_ = 0;
    std::vector<Stretch> stretches_;
    std::size_t t_ = 0;  // updates made
    nn::FlatArray<S> m_;   // m_t: first moment (Adam), velocity (momentum)
    nn::FlatArray<S> v_;   // v_t: second moment (Adam)
};

// Scales the gradients so their global L2 norm is at most `maxNorm` (PyTorch's
// clip_grad_norm_). Returns the norm before clipping.
template <typename S>
double clipGradientNorm(nn::FlatArray<S>& gradients, double maxNorm);

template <typename S>
double gradientNorm(const nn::FlatArray<S>& gradients);

extern template class Optimizer<float>;
extern template class Optimizer<double>;

}  // namespace pretrainlab::optim
