#include "core/nn/block.hpp"

namespace pretrainlab::nn {

template <typename S>
TransformerBlock TransformerBlock::create(Parameters<S>& parameters, const std::string& name,
                                          const std::string& group, Index width, Index heads, Index feedForward,
                                          bool preNorm, bool cross, double dropout) {
    TransformerBlock block;
    block.preNorm = preNorm;
    block.hasCross = cross;
    block.dropout = dropout;
    block.norm1 = LayerNorm::create(parameters, name + ".norm1", group, width);
    block.attention = MultiHeadAttention::create(parameters, name + ".attention", group, width, heads, false);
    if (cross) {
        block.crossNorm = LayerNorm::create(parameters, name + ".cross_norm", group, width);
        block.crossAttention =
            MultiHeadAttention::create(parameters, name + ".cross_attention", group, width, heads, true);
    }
    block.norm2 = LayerNorm::create(parameters, name + ".norm2", group, width);
    block.fc = Linear::create(parameters, name + ".mlp.fc", group, width, feedForward);
    block.projection = Linear::create(parameters, name + ".mlp.projection", group, feedForward, width);
    return block;
}

template <typename S>
void TransformerBlock::forward(const Parameters<S>& p, Matrix<S>& x, const std::type_identity_t<Matrix<S>>* memory,
                               const AttentionShape& self, const AttentionMask& selfMask,
                               const AttentionShape& crossShape, const AttentionMask& crossMask, Cache<S>& cache,
                               std::mt19937_64* random) const {
    // Dropout is a training-time regularizer: without a random source (inference) nothing is dropped.
    cache.dropAttention.rate = cache.dropCross.rate = cache.dropMlp.rate = random ? dropout : 0.0;
    const auto drop = [&](Dropout<S>& layer, Matrix<S>& out) {
        if (random) layer.forward(out, *random);
    };
    const auto mlp = [&](const Matrix<S>& in) { mlpForward(p, in, cache, random); };
    if (preNorm) {
        // x1 = x0 + Attention(LN1(x0))
        norm1.forward(p, x, cache.normed1, cache.norm1);
        attention.forward(p, cache.normed1, nullptr, self, selfMask, cache.attended, cache.attention);
        drop(cache.dropAttention, cache.attended);
        x += cache.attended;
        if (hasCross) {
            // x2 = x1 + CrossAttention(LNc(x1), encoder)
            crossNorm.forward(p, x, cache.normedCross, cache.crossNorm);
            crossAttention.forward(p, cache.normedCross, memory, crossShape, crossMask, cache.crossed,
                                   cache.crossAttention);
            drop(cache.dropCross, cache.crossed);
            x += cache.crossed;
        }
        // x3 = x2 + MLP(LN2(x2))
        norm2.forward(p, x, cache.normed2, cache.norm2);
        mlp(cache.normed2);
        x += cache.mlpOut;
        return;
    }
    // post-LN: x1 = LN1(x0 + Attention(x0)); backward needs x0, x1 and x2
    cache.input = x;
    attention.forward(p, x, nullptr, self, selfMask, cache.attended, cache.attention);
    drop(cache.dropAttention, cache.attended);
    cache.dA = x + cache.attended;
    norm1.forward(p, cache.dA, x, cache.norm1);
    cache.afterAttention = x;
    if (hasCross) {
        // x2 = LNc(x1 + CrossAttention(x1, encoder))
        crossAttention.forward(p, x, memory, crossShape, crossMask, cache.crossed, cache.crossAttention);
        drop(cache.dropCross, cache.crossed);
        cache.dA = x + cache.crossed;
        crossNorm.forward(p, cache.dA, x, cache.crossNorm);
        cache.afterCross = x;
    }
    // x3 = LN2(x2 + MLP(x2))
    mlp(x);
    cache.dA = x + cache.mlpOut;
    norm2.forward(p, cache.dA, x, cache.norm2);
}

template <typename S>
void TransformerBlock::backward(const Parameters<S>& p, Gradients<S>& g, Matrix<S>& dx, const std::type_identity_t<Matrix<S>>* memory,
                                const AttentionShape& self, const AttentionMask& selfMask,
                                const AttentionShape& crossShape, const AttentionMask& crossMask, Cache<S>& cache,
                                std::type_identity_t<Matrix<S>>* dMemory) const {
    const auto throughDropout = [&](const Dropout<S>& drop) -> const Matrix<S>& {
        return this->throughDropout(drop, dx, cache);
    };
    const auto mlpBackward = [&](const Matrix<S>& in, Matrix<S>& dIn, bool accumulate) {
        this->mlpBackward(p, g, in, dx, dIn, accumulate, cache);
    };
    if (preNorm) {
        // forward: x3 = x2 + MLP(LN2(x2))
        mlpBackward(cache.normed2, cache.dNormed, false);
        norm2.backward(p, g, cache.norm2, cache.dNormed, dx, true);         // dx2 = dx3 + through LN2
        if (hasCross) {
            // forward: x2 = x1 + Cross(LNc(x1), encoder)
            crossAttention.backward(p, g, cache.normedCross, memory, crossShape, crossMask, cache.crossAttention,
                                    throughDropout(cache.dropCross), cache.dB, dMemory);
            crossNorm.backward(p, g, cache.crossNorm, cache.dB, dx, true);  // dx1
        }
        // forward: x1 = x0 + Attention(LN1(x0))
        attention.backward(p, g, cache.normed1, nullptr, self, selfMask, cache.attention,
                           throughDropout(cache.dropAttention), cache.dB, nullptr);
        norm1.backward(p, g, cache.norm1, cache.dB, dx, true);              // dx0
        return;
    }
    // forward: x3 = LN2(s3), s3 = x2 + MLP(x2)
    Matrix<S>& dSum = cache.dNormed;
    norm2.backward(p, g, cache.norm2, dx, dSum);
    dx = dSum;  // ds3 reaches x2 through the residual ...
    mlpBackward(hasCross ? cache.afterCross : cache.afterAttention, dx, true);  // ... and through the MLP
    if (hasCross) {
        // forward: x2 = LNc(s2), s2 = x1 + Cross(x1, encoder)
        crossNorm.backward(p, g, cache.crossNorm, dx, dSum);
        dx = dSum;
        cache.dA = dSum;
        cache.dropCross.backward(cache.dA);
        crossAttention.backward(p, g, cache.afterAttention, memory, crossShape, crossMask, cache.crossAttention,
                                cache.dA, dx, dMemory, true);
    }
    // forward: x1 = LN1(s1), s1 = x0 + Attention(x0)
    norm1.backward(p, g, cache.norm1, dx, dSum);
    dx = dSum;
    cache.dA = dSum;
    cache.dropAttention.backward(cache.dA);
    attention.backward(p, g, cache.input, nullptr, self, selfMask, cache.attention, cache.dA, dx, nullptr, true);
}

template <typename S>
void TransformerBlock::mlpForward(const Parameters<S>& p, const Matrix<S>& in, Cache<S>& cache,
                                  std::mt19937_64* random) const {
    cache.hidden.resize(in.rows(), fc.out);
    fc.forward(p, in, cache.hidden);                                 // h = x Wfc + b
    geluForward(cache.hidden, cache.activated, &cache.slope, gelu);  // GELU(h)
    cache.mlpOut.resize(in.rows(), projection.out);
    projection.forward(p, cache.activated, cache.mlpOut);            // GELU(h) Wproj + b
    if (random) cache.dropMlp.forward(cache.mlpOut, *random);
}

template <typename S>
void TransformerBlock::mlpBackward(const Parameters<S>& p, Gradients<S>& g, const Matrix<S>& in, const Matrix<S>& dOut,
                                   Matrix<S>& dIn, bool accumulate, Cache<S>& cache) const {
    // forward: mlpOut = GELU(in Wfc + b) Wproj + b
    projection.backward(p, g, cache.activated, throughDropout(cache.dropMlp, dOut, cache), &cache.dB);  // d GELU(h)
    geluBackward(cache.hidden, cache.dB, cache.dHidden, &cache.slope);                                   // dh
    fc.backward(p, g, in, cache.dHidden, &dIn, accumulate);
}

template <typename S>
const Matrix<S>& TransformerBlock::throughDropout(const Dropout<S>& drop, const Matrix<S>& dx, Cache<S>& cache) const {
    if (dropout <= 0) return dx;
    cache.dA = dx;
    drop.backward(cache.dA);
    return cache.dA;
}

template <typename S>
void TransformerBlock::forwardRows(const Parameters<S>& p, const Matrix<S>& x, const std::vector<Index>& rows,
                                   const AttentionShape& self, const AttentionMask& selfMask, Matrix<S>& out,
                                   Cache<S>& cache, std::mt19937_64* random) const {
    cache.dropAttention.rate = cache.dropCross.rate = cache.dropMlp.rate = random ? dropout : 0.0;
    // r = x[rows] + Attention(LN1(x))[rows]: every row is a key and a value, only `rows` ask
    norm1.forward(p, x, cache.normed1, cache.norm1);
    attention.forwardRows(p, cache.normed1, rows, self, selfMask, cache.attended, cache.attention);
    if (random) cache.dropAttention.forward(cache.attended, *random);
    out.resize(static_cast<Index>(rows.size()), x.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Index>(i)) = x.row(rows[i]);
    out += cache.attended;
    // out = r + MLP(LN2(r))
    norm2.forward(p, out, cache.normed2, cache.norm2);
    mlpForward(p, cache.normed2, cache, random);
    out += cache.mlpOut;
}

template <typename S>
void TransformerBlock::backwardRows(const Parameters<S>& p, Gradients<S>& g, Matrix<S>& dx, const std::vector<Index>& rows,
                                    const AttentionShape& self, Cache<S>& cache) const {
    // forward: out = r + MLP(LN2(r))
    mlpBackward(p, g, cache.normed2, dx, cache.dNormed, false, cache);
    norm2.backward(p, g, cache.norm2, cache.dNormed, dx, true);  // dr = dout + through LN2
    // forward: r = x[rows] + Attention(LN1(x))[rows]
    attention.backwardRows(p, g, cache.normed1, rows, self, cache.attention, throughDropout(cache.dropAttention, dx, cache),
                           cache.dB);                          // d LN1(x), every row
    cache.dHidden = dx;                                        // dr, for the residual
    norm1.backward(p, g, cache.norm1, cache.dB, dx);           // dx through LN1, every row
    for (std::size_t i = 0; i < rows.size(); ++i) dx.row(rows[i]) += cache.dHidden.row(static_cast<Index>(i));
}

template TransformerBlock TransformerBlock::create<float>(Parameters<float>&, const std::string&, const std::string&,
                                                          Index, Index, Index, bool, bool, double);
template TransformerBlock TransformerBlock::create<double>(Parameters<double>&, const std::string&,
                                                           const std::string&, Index, Index, Index, bool, bool, double);
template void TransformerBlock::forward<float>(const Parameters<float>&, Matrix<float>&, const Matrix<float>*,
                                               const AttentionShape&, const AttentionMask&, const AttentionShape&, const AttentionMask&,
                                               Cache<float>&, std::mt19937_64*) const;
template void TransformerBlock::forward<double>(const Parameters<double>&, Matrix<double>&, const Matrix<double>*,
                                                const AttentionShape&, const AttentionMask&, const AttentionShape&, const AttentionMask&,
                                                Cache<double>&, std::mt19937_64*) const;
template void TransformerBlock::backward<float>(const Parameters<float>&, Gradients<float>&, Matrix<float>&,
                                                const Matrix<float>*, const AttentionShape&, const AttentionMask&,
                                                const AttentionShape&, const AttentionMask&, Cache<float>&,
                                                Matrix<float>*) const;
template void TransformerBlock::backward<double>(const Parameters<double>&, Gradients<double>&, Matrix<double>&,
                                                 const Matrix<double>*, const AttentionShape&, const AttentionMask&,
                                                 const AttentionShape&, const AttentionMask&, Cache<double>&,
                                                 Matrix<double>*) const;

template void TransformerBlock::forwardRows<float>(const Parameters<float>&, const Matrix<float>&, const std::vector<Index>&,
                                                   const AttentionShape&, const AttentionMask&, Matrix<float>&,
                                                   Cache<float>&, std::mt19937_64*) const;
template void TransformerBlock::forwardRows<double>(const Parameters<double>&, const Matrix<double>&,
                                                    const std::vector<Index>&, const AttentionShape&, const AttentionMask&,
                                                    Matrix<double>&, Cache<double>&, std::mt19937_64*) const;
template void TransformerBlock::backwardRows<float>(const Parameters<float>&, Gradients<float>&, Matrix<float>&,
                                                    const std::vector<Index>&, const AttentionShape&, Cache<float>&) const;
template void TransformerBlock::backwardRows<double>(const Parameters<double>&, Gradients<double>&, Matrix<double>&,
                                                     const std::vector<Index>&, const AttentionShape&, Cache<double>&) const;

}  // namespace pretrainlab::nn
