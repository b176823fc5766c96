#pragma once

#include "core/nn/attention.hpp"

namespace pretrainlab::nn {

// One transformer block: self-attention, optionally cross-attention over the encoder's states,
// and a GELU MLP, each with a residual connection and a LayerNorm. Pre-LN (GPT-2) normalizes the
// input of each sublayer; post-LN (BERT, GPT-1) normalizes after each residual sum.
struct TransformerBlock {
    bool preNorm = true;
    bool hasCross = false;
    LayerNorm norm1;
    MultiHeadAttention attention;
    LayerNorm crossNorm;
    MultiHeadAttention crossAttention;
    LayerNorm norm2;
    Linear fc;          // d -> 4d
    Linear projection;  // 4d -> d
    double dropout = 0;
    GeluForm gelu = GeluForm::Exact;

    template <typename S>
    struct Cache {
        Matrix<S> input;  // the block's input x0 (post-LN only)
        Matrix<S> normed1, normedCross, normed2;
        typename LayerNorm::Cache<S> norm1, crossNorm, norm2;
        typename MultiHeadAttention::Cache<S> attention, crossAttention;
        Matrix<S> attended, crossed, mlpOut;   // sublayer outputs (after dropout)
        Matrix<S> afterAttention, afterCross;  // the residual stream between sublayers
        Matrix<S> hidden, activated, slope;    // MLP: fc output h, GELU(h), GELU'(h)
        Dropout<S> dropAttention, dropCross, dropMlp;
        Matrix<S> dA, dB, dHidden, dNormed;    // backward scratch
    };

    template <typename S>
    static TransformerBlock create(Parameters<S>& parameters, const std::string& name, const std::string& group,
                                   Index width, Index heads, Index feedForward, bool preNorm, bool cross,
                                   double dropout);

    // x: [B·T, d] in place; memory (cross only): the encoder's output [B·Tk, d], whose padding
    // crossMask hides. random: dropout's source while training; nullptr for inference (no dropout)
    template <typename S>
    void forward(const Parameters<S>& p, Matrix<S>& x, const std::type_identity_t<Matrix<S>>* memory, const AttentionShape& self,
                 const AttentionMask& selfMask, const AttentionShape& crossShape, const AttentionMask& crossMask,
                 Cache<S>& cache, std::mt19937_64* random) const;
    // dx: [B·T, d] in place, from the gradient of the block's output to that of its input;
    // cross blocks add the memory's gradient into *dMemory.
    template <typename S>
    void backward(const Parameters<S>& p, Gradients<S>& g, Matrix<S>& dx, const std::type_identity_t<Matrix<S>>* memory,
                  const AttentionShape& self, const AttentionMask& selfMask, const AttentionShape& crossShape,
                  const AttentionMask& crossMask, Cache<S>& cache, std::type_identity_t<Matrix<S>>* dMemory) const;
};

}  // namespace pretrainlab::nn
