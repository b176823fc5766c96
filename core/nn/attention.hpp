#pragma once

#include <cstdint>
#include <vector>

#include "core/nn/layers.hpp"

namespace pretrainlab::nn {

// Which keys a query may look at (the lecture: decoders cannot look at the future).
enum class MaskKind {
    Bidirectional,  // every key (an encoder; cross-attention)
    Causal,         // keys at or before the query (a decoder)
    PrefixLm,       // the prefix sees itself whole; after it, causal
};

struct AttentionMask {
    MaskKind kind = MaskKind::Bidirectional;
    Index prefixLength = 0;
    // Padding keys nobody may look at: one byte per sequence and key position (1 = padding).
    const std::vector<std::uint8_t>* keyPadding = nullptr;

    // How many keys, from the first, query `position` may look at (before padding).
    Index visibleKeys(Index position, Index keys) const;
    bool allows(Index sequence, Index query, Index key, Index keys) const;
};

// Sequences of the batch and their lengths: activations stack the sequences' rows.
struct AttentionShape {
    Index sequences = 1;
    Index queryLength = 1;
    Index keyLength = 1;  // = queryLength for self-attention
};

// Multi-head scaled dot-product attention: softmax(Q Kᵀ / √d_head + mask) V, then the output
// projection. Self-attention projects q, k and v from x with one fused [d, 3d] matrix;
// cross-attention takes q from x and k, v from the encoder's states (`memory`).
struct MultiHeadAttention {
    bool cross = false;
    Linear qkv;        // self:  x -> [q | k | v]
    Linear query;      // cross: x -> q
    Linear keyValue;   // cross: memory -> [k | v]
    Linear output;     // context -> y
    Index width = 0;
    Index heads = 1;

    template <typename S>
    struct Cache {
        Matrix<S> projected;        // self: [n, 3d] (q | k | v); cross: q [n, d]
        Matrix<S> memoryProjected;  // cross: [m, 2d] (k | v)
        Matrix<S> probabilities;    // softmax weights: [sequences · heads · Tq, Tk]
        Matrix<S> context;          // [n, d]
        Matrix<S> dProjected;
        Matrix<S> dMemoryProjected;
        Matrix<S> dContext;
        Matrix<S> dScores;          // one head's block of query rows at a time: [≤ Tq, Tk]
        Matrix<S> queryInput;       // forwardRows: the rows of x asked for, [r, d]
        Matrix<S> dQueryInput;
    };

    template <typename S>
    static MultiHeadAttention create(Parameters<S>& parameters, const std::string& name, const std::string& group,
                                     Index width, Index heads, bool cross);

    // x: [B·Tq, d], memory (cross only): [B·Tk, d] -> y: [B·Tq, d]
    template <typename S>
    void forward(const Parameters<S>& p, In<S> x, const std::type_identity_t<Matrix<S>>* memory, const AttentionShape& shape,
                 const AttentionMask& mask, Matrix<S>& y, Cache<S>& cache) const;
    // dy: [B·Tq, d] -> dx: [B·Tq, d] (added to dx when `accumulate`); cross adds dmemory into
    // *dMemory. Accumulates every projection's gradient.
    template <typename S>
    void backward(const Parameters<S>& p, Gradients<S>& g, In<S> x, const std::type_identity_t<Matrix<S>>* memory,
                  const AttentionShape& shape, const AttentionMask& mask, Cache<S>& cache, In<S> dy,
                  Matrix<S>& dx, std::type_identity_t<Matrix<S>>* dMemory, bool accumulate = false) const;

    // Self-attention answered for some rows only (bidirectional, as a masked LM's last block needs
    // at its masked rows): every row's keys and values, the queries of `rows` (ascending indices
    // into x's stacked sequences). x: [B·T, d] -> y: [rows, d]. The probabilities are kept per
    // head as [heads · rows, Tk].
    template <typename S>
    void forwardRows(const Parameters<S>& p, In<S> x, const std::vector<Index>& rows, const AttentionShape& shape,
                     const AttentionMask& mask, Matrix<S>& y, Cache<S>& cache) const;
    // dy: [rows, d] -> dx: [B·T, d]; accumulates the projections' gradients.
    template <typename S>
    void backwardRows(const Parameters<S>& p, Gradients<S>& g, In<S> x, const std::vector<Index>& rows,
                      const AttentionShape& shape, Cache<S>& cache, In<S> dy, Matrix<S>& dx) const;

    // One head's weights for one sequence, [Tq, Tk], as the last forward computed them.
    template <typename S>
    Matrix<S> weights(const Cache<S>& cache, const AttentionShape& shape, Index sequence, Index head) const;
};

}  // namespace pretrainlab::nn
