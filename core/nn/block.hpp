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

    // A pre-LN self-attention block answered at some rows only (a masked LM's last block, whose
    // output counts only where a token is predicted): every row's keys and values, the rest of
    // the block at `rows` (ascending). x: [B·T, d] -> out: [rows, d]; bidirectional masks only.
    template <typename S>
    void forwardRows(const Parameters<S>& p, const Matrix<S>& x, const std::vector<Index>& rows,
                     const AttentionShape& self, const AttentionMask& selfMask, Matrix<S>& out, Cache<S>& cache,
                     std::mt19937_64* random) const;
    // dx: in, the gradient of the rows' outputs [rows, d]; out, that of the block's input [B·T, d].
    template <typename S>
    void backwardRows(const Parameters<S>& p, Gradients<S>& g, Matrix<S>& dx, const std::vector<Index>& rows,
                      const AttentionShape& self, Cache<S>& cache) const;

private:
    // mlpOut = GELU(in Wfc + b) Wproj + b, then dropout while training
    template <typename S>
    void mlpForward(const Parameters<S>& p, const Matrix<S>& in, Cache<S>& cache, std::mt19937_64* random) const;
    // from d mlpOut (before dropout's mask) to d in, added to dIn when `accumulate`
    template <typename S>
    void mlpBackward(const Parameters<S>& p, Gradients<S>& g, const Matrix<S>& in, const Matrix<S>& dOut, Matrix<S>& dIn,
                     bool accumulate, Cache<S>& cache) const;
    // The gradient of a sublayer's output: dx itself, or (with dropout) dx through its mask.
    template <typename S>
    const Matrix<S>& throughDropout(const Dropout<S>& drop, const Matrix<S>& dx, Cache<S>& cache) const;
};

}  // namespace pretrainlab::nn
