#pragma once

// The building blocks, forward and backward side by side. A layer holds only which parameters it
// uses; the activations it needs for backward live in a cache the caller keeps, so one model can
// run several shards of a batch at once.

#include <cstdint>
#include <random>
#include <vector>

#include "core/nn/parameters.hpp"

namespace pretrainlab::nn {

template <typename S>
using Gradients = FlatArray<S>;

// y = x W + b
struct Linear {
    ParameterId weight = 0;  // W: [in, out]
    ParameterId bias = 0;    // b: [1, out]
    Index in = 0;
    Index out = 0;

    template <typename S>
    static Linear create(Parameters<S>& parameters, const std::string& name, const std::string& group, Index in,
                         Index out);

    // x: [n, in] -> y: [n, out]
    template <typename S>
    void forward(const Parameters<S>& p, In<S> x, Out<S> y) const;
    // dy: [n, out] -> dx: [n, in] (added to dx when `accumulate`); accumulates dW, db.
    // dx may be skipped (nullptr) when nothing needs it.
    template <typename S>
    void backward(const Parameters<S>& p, Gradients<S>& g, In<S> x, In<S> dy, Matrix<S>* dx,
                  bool accumulate = false) const;
};

// y = γ ⊙ (x − μ) / sqrt(σ² + ε) + β, each row normalized on its own.
struct LayerNorm {
    ParameterId gain = 0;  // γ: [1, width]
    ParameterId bias = 0;  // β: [1, width]
    Index width = 0;
    double epsilon = 1e-5;

    template <typename S>
    struct Cache {
        Matrix<S> normalized;   // x̂: [n, width]
        RowVector<S> inverseStd;  // 1 / sqrt(σ² + ε): one per row
    };

    template <typename S>
    static LayerNorm create(Parameters<S>& parameters, const std::string& name, const std::string& group, Index width);

    // x: [n, width] -> y: [n, width]
    template <typename S>
    void forward(const Parameters<S>& p, In<S> x, Matrix<S>& y, Cache<S>& cache) const;
    // dy: [n, width] -> dx (added to dx when `accumulate`); accumulates dγ, dβ
    template <typename S>
    void backward(const Parameters<S>& p, Gradients<S>& g, const Cache<S>& cache, In<S> dy, Matrix<S>& dx,
                  bool accumulate = false) const;
};

// Which GELU: the exact one, h Φ(h) (BERT, PyTorch's default), or GPT-2's tanh approximation
// ½ h (1 + tanh(√(2/π) (h + 0.044715 h³))).
enum class GeluForm { Exact, Tanh };

// GELU(h) = h Φ(h) = ½ h (1 + erf(h / √2)), or its tanh form.
// h: [n, m] -> y: [n, m]; keeps the slope GELU'(h) (exact: Φ(h) + h φ(h)) in *slope when given,
// for the backward pass (the forward pass has what it needs in hand already).
template <typename S>
void geluForward(const Matrix<S>& h, Matrix<S>& y, Matrix<S>* slope = nullptr, GeluForm form = GeluForm::Exact);
// dy: [n, m] -> dh = dy ⊙ GELU'(h); the slope from the forward pass when given, else computed.
template <typename S>
void geluBackward(const Matrix<S>& h, const Matrix<S>& dy, Matrix<S>& dh, const Matrix<S>* slope = nullptr,
                  GeluForm form = GeluForm::Exact);

// Inverted dropout: keep each value with probability 1 − rate and scale it by 1 / (1 − rate).
template <typename S>
struct Dropout {
    double rate = 0;
    Matrix<S> keep;  // the mask of the last forward, already scaled

    // x: [n, m] in place
    void forward(Matrix<S>& x, std::mt19937_64& random);
    // dx: in place, the same mask
    void backward(Matrix<S>& dx) const;
};

// Softmax of each row over the columns [0, allowed) (the rest become 0), in place.
template <typename S>
void softmaxRow(S* row, Index allowed, Index width);

}  // namespace pretrainlab::nn
