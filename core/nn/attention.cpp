#include "core/nn/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pretrainlab::nn {

Index AttentionMask::visibleKeys(Index position, Index keys) const {
    switch (kind) {
        case MaskKind::Bidirectional: return keys;
        case MaskKind::Causal: return std::min(keys, position + 1);
        case MaskKind::PrefixLm: return std::min(keys, std::max(position + 1, prefixLength));
    }
    return keys;
}

bool AttentionMask::allows(Index sequence, Index query, Index key, Index keys) const {
    if (key >= visibleKeys(query, keys)) return false;
    return !keyPadding || !(*keyPadding)[static_cast<std::size_t>(sequence * keys + key)];
}

namespace {

// A causal (or prefix) mask only widens down the rows, so the queries go in blocks of this many
// rows and each block's products stop at the last key its last row may see: the masked corner
// above the diagonal is neither multiplied nor exponentiated. A bidirectional mask is one block.
constexpr Index causalRowBlock = 64;

Index rowBlockFor(const AttentionMask& mask, Index queries) {
    return mask.kind == MaskKind::Bidirectional ? std::max<Index>(1, queries) : causalRowBlock;
}

}  // namespace

template <typename S>
MultiHeadAttention MultiHeadAttention::create(Parameters<S>& parameters, const std::string& name,
                                              const std::string& group, Index width, Index heads, bool cross) {
    MultiHeadAttention layer;
    layer.cross = cross;
    layer.width = width;
    layer.heads = heads;
    if (cross) {
        layer.query = Linear::create(parameters, name + ".query", group, width, width);
        layer.keyValue = Linear::create(parameters, name + ".key_value", group, width, 2 * width);
    } else {
        layer.qkv = Linear::create(parameters, name + ".qkv", group, width, 3 * width);
    }
    layer.output = Linear::create(parameters, name + ".output", group, width, width);
    return layer;
}

template <typename S>
void MultiHeadAttention::forward(const Parameters<S>& p, In<S> x, const std::type_identity_t<Matrix<S>>* memory,
                                 const AttentionShape& shape, const AttentionMask& mask, Matrix<S>& y,
                                 Cache<S>& cache) const {
    const Index d = width;
    const Index dh = d / heads;
    const Index tq = shape.queryLength;
    const Index tk = shape.keyLength;
    const S scale = S(1) / std::sqrt(S(dh));
    if (cross) {
        cache.projected.resize(x.rows(), d);
        query.forward(p, x, cache.projected);                     // q = x Wq
        cache.memoryProjected.resize(memory->rows(), 2 * d);
        keyValue.forward(p, *memory, cache.memoryProjected);      // [k | v] = memory Wkv
    } else {
        cache.projected.resize(x.rows(), 3 * d);
        qkv.forward(p, x, cache.projected);                       // [q | k | v] = x Wqkv
    }
    const Matrix<S>& keys = cross ? cache.memoryProjected : cache.projected;
    const Index keyColumn = cross ? 0 : d;
    const Index valueColumn = cross ? d : 2 * d;

    cache.probabilities.resize(shape.sequences * heads * tq, tk);
    cache.context.resize(x.rows(), d);
    const Index rowBlock = rowBlockFor(mask, tq);
    for (Index b = 0; b < shape.sequences; ++b) {
        for (Index h = 0; h < heads; ++h) {
            for (Index first = 0; first < tq; first += rowBlock) {
                const Index rows = std::min(rowBlock, tq - first);
                const Index seen = mask.visibleKeys(first + rows - 1, tk);  // keys the block's last row sees
                const auto q = cache.projected.block(b * tq + first, h * dh, rows, dh);
                const auto k = keys.block(b * tk, keyColumn + h * dh, seen, dh);
                const auto v = keys.block(b * tk, valueColumn + h * dh, seen, dh);
                const Index probabilityRow = (b * heads + h) * tq + first;
                auto scores = cache.probabilities.block(probabilityRow, 0, rows, seen);
                cache.probabilities.block(probabilityRow, seen, rows, tk - seen).setZero();
                gemm<S>(scale, q, false, k, true, S(0), scores);      // Q Kᵀ / √d_head
                for (Index i = 0; i < rows; ++i) {
                    S* row = scores.row(i).data();
                    if (mask.keyPadding) {
                        for (Index j = 0; j < seen; ++j) {
                            if ((*mask.keyPadding)[static_cast<std::size_t>(b * tk + j)]) {
                                row[j] = -std::numeric_limits<S>::infinity();
                            }
                        }
                    }
                    const Index visible = mask.visibleKeys(first + i, tk);
                    if (mask.keyPadding && !(scores.row(i).head(visible).array() > -std::numeric_limits<S>::infinity()).any()) {
                        scores.row(i).setZero();  // nothing to look at
                        continue;
                    }
                    softmaxRow(row, visible, seen);                    // P = softmax(masked scores)
                }
                gemm<S>(S(1), scores, false, v, false, S(0), cache.context.block(b * tq + first, h * dh, rows, dh));  // P V
            }
        }
    }
    y.resize(x.rows(), d);
    output.forward(p, cache.context, y);                          // y = context Wo + bo
}

template <typename S>
void MultiHeadAttention::backward(const Parameters<S>& p, Gradients<S>& g, In<S> x,
                                  const std::type_identity_t<Matrix<S>>* memory, const AttentionShape& shape, const AttentionMask& mask,
                                  Cache<S>& cache, In<S> dy, Matrix<S>& dx, std::type_identity_t<Matrix<S>>* dMemory,
                                  bool accumulate) const {
    const Index d = width;
    const Index dh = d / heads;
    const Index tq = shape.queryLength;
    const Index tk = shape.keyLength;
    const S scale = S(1) / std::sqrt(S(dh));

    // forward: y = context Wo + bo
    output.backward(p, g, cache.context, dy, &cache.dContext);

    const Matrix<S>& keys = cross ? cache.memoryProjected : cache.projected;
    Matrix<S>& dKeys = cross ? cache.dMemoryProjected : cache.dProjected;
    const Index keyColumn = cross ? 0 : d;
    const Index valueColumn = cross ? d : 2 * d;
    cache.dProjected.resize(cache.projected.rows(), cache.projected.cols());
    if (cross) cache.dMemoryProjected.resize(cache.memoryProjected.rows(), cache.memoryProjected.cols());
    const Index rowBlock = rowBlockFor(mask, tq);
    cache.dScores.resize(std::min(rowBlock, tq), tk);
    for (Index b = 0; b < shape.sequences; ++b) {
        for (Index h = 0; h < heads; ++h) {
            auto dK = dKeys.block(b * tk, keyColumn + h * dh, tk, dh);
            auto dV = dKeys.block(b * tk, valueColumn + h * dh, tk, dh);
            Index reached = 0;  // keys the blocks so far have touched; dK and dV are 0 past them
            for (Index first = 0; first < tq; first += rowBlock) {
                const Index rows = std::min(rowBlock, tq - first);
                const Index seen = mask.visibleKeys(first + rows - 1, tk);
                const auto q = cache.projected.block(b * tq + first, h * dh, rows, dh);
                const auto k = keys.block(b * tk, keyColumn + h * dh, seen, dh);
                const auto v = keys.block(b * tk, valueColumn + h * dh, seen, dh);
                const auto probabilities = cache.probabilities.block((b * heads + h) * tq + first, 0, rows, seen);
                const auto dContext = cache.dContext.block(b * tq + first, h * dh, rows, dh);
                auto dScores = cache.dScores.block(0, 0, rows, seen);
                // The keys this block reaches first start from 0; those reached before add on.
                if (seen > reached) {
                    dK.middleRows(reached, seen - reached).setZero();
                    dV.middleRows(reached, seen - reached).setZero();
                    reached = seen;
                }
                // forward: context = P V
                gemm<S>(S(1), probabilities, true, dContext, false, S(1), dV.topRows(seen));  // dV += Pᵀ dC
                gemm<S>(S(1), dContext, false, v, true, S(0), dScores);                      // dP = dC Vᵀ
                // forward: P = softmax(S): dS = P ⊙ (dP − rowsum(dP ⊙ P)), then the 1/√d_head
                for (Index i = 0; i < rows; ++i) {
                    const S dot = (dScores.row(i).array() * probabilities.row(i).array()).sum();
                    dScores.row(i).array() = probabilities.row(i).array() * (dScores.row(i).array() - dot) * scale;
                }
                // forward: S = Q Kᵀ
                gemm<S>(S(1), dScores, false, k, false, S(0), cache.dProjected.block(b * tq + first, h * dh, rows, dh));  // dQ = dS K
                gemm<S>(S(1), dScores, true, q, false, S(1), dK.topRows(seen));                // dK += dSᵀ Q
            }
            if (reached < tk) {  // keys no query may see
                dK.bottomRows(tk - reached).setZero();
                dV.bottomRows(tk - reached).setZero();
            }
        }
    }
    if (cross) {
        query.backward(p, g, x, cache.dProjected, &dx, accumulate);             // forward: q = x Wq
        keyValue.backward(p, g, *memory, cache.dMemoryProjected, dMemory, true);  // forward: [k|v] = memory Wkv
    } else {
        qkv.backward(p, g, x, cache.dProjected, &dx, accumulate);               // forward: [q|k|v] = x Wqkv
    }
}

template <typename S>
Matrix<S> MultiHeadAttention::weights(const Cache<S>& cache, const AttentionShape& shape, Index sequence,
                                      Index head) const {
    return cache.probabilities.block((sequence * heads + head) * shape.queryLength, 0, shape.queryLength,
                                     shape.keyLength);
}

template MultiHeadAttention MultiHeadAttention::create<float>(Parameters<float>&, const std::string&,
                                                              const std::string&, Index, Index, bool);
template MultiHeadAttention MultiHeadAttention::create<double>(Parameters<double>&, const std::string&,
                                                               const std::string&, Index, Index, bool);
template void MultiHeadAttention::forward<float>(const Parameters<float>&, ConstMatrixRef<float>, const Matrix<float>*,
                                                 const AttentionShape&, const AttentionMask&, Matrix<float>&,
                                                 Cache<float>&) const;
template void MultiHeadAttention::forward<double>(const Parameters<double>&, ConstMatrixRef<double>,
                                                  const Matrix<double>*, const AttentionShape&, const AttentionMask&,
                                                  Matrix<double>&, Cache<double>&) const;
template void MultiHeadAttention::backward<float>(const Parameters<float>&, Gradients<float>&, ConstMatrixRef<float>,
                                                  const Matrix<float>*, const AttentionShape&, const AttentionMask&,
                                                  Cache<float>&, ConstMatrixRef<float>, Matrix<float>&, Matrix<float>*,
                                                  bool) const;
template void MultiHeadAttention::backward<double>(const Parameters<double>&, Gradients<double>&,
                                                   ConstMatrixRef<double>, const Matrix<double>*, const AttentionShape&,
                                                   const AttentionMask&, Cache<double>&, ConstMatrixRef<double>,
                                                   Matrix<double>&, Matrix<double>*, bool) const;
template Matrix<float> MultiHeadAttention::weights<float>(const Cache<float>&, const AttentionShape&, Index,
                                                          Index) const;
template Matrix<double> MultiHeadAttention::weights<double>(const Cache<double>&, const AttentionShape&, Index,
                                                            Index) const;

}  // namespace pretrainlab::nn
