#include "core/nn/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

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

// P = softmax(masked scores) for one query of `sequence`, over the `width` keys its block computed:
// padding keys become −∞ and the softmax runs over the first `visible` keys (the rest 0); a query
// that may see no key at all gets zeros (nothing to look at).
template <typename S>
void maskedSoftmaxRow(S* row, Index visible, Index width, Index sequence, Index keys, const AttentionMask& mask) {
    if (mask.keyPadding) {
        const std::uint8_t* padding = mask.keyPadding->data() + sequence * keys;
        for (Index j = 0; j < width; ++j) {
            if (padding[j]) row[j] = -std::numeric_limits<S>::infinity();
        }
        if (!std::any_of(row, row + visible, [](S v) { return v > -std::numeric_limits<S>::infinity(); })) {
            std::fill(row, row + width, S(0));
            return;
        }
    }
    softmaxRow(row, visible, width);
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
                    maskedSoftmaxRow(scores.row(i).data(), mask.visibleKeys(first + i, tk), seen, b, tk, mask);  // P
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

namespace {

// Where each sequence's rows begin in an ascending list of rows of stacked sequences of `length`
// (and one past the last): sequence b asks for rows[starts[b] .. starts[b + 1]).
std::vector<Index> sequenceStarts(const std::vector<Index>& rows, Index sequences, Index length) {
    std::vector<Index> starts(static_cast<std::size_t>(sequences + 1), 0);
    std::size_t at = 0;
    for (Index b = 0; b < sequences; ++b) {
        starts[static_cast<std::size_t>(b)] = static_cast<Index>(at);
        while (at < rows.size() && rows[at] < (b + 1) * length) ++at;
    }
    starts[static_cast<std::size_t>(sequences)] = static_cast<Index>(at);
    return starts;
}

}  // namespace

template <typename S>
void MultiHeadAttention::forwardRows(const Parameters<S>& p, In<S> x, const std::vector<Index>& rows,
                                     const AttentionShape& shape, const AttentionMask& mask, Matrix<S>& y,
                                     Cache<S>& cache) const {
    const Index d = width;
    const Index dh = d / heads;
    const Index tk = shape.keyLength;
    const Index n = static_cast<Index>(rows.size());
    const S scale = S(1) / std::sqrt(S(dh));
    if (cross || mask.kind != MaskKind::Bidirectional || shape.queryLength != shape.keyLength) {
        throw std::logic_error("attention at some rows only is bidirectional self-attention");
    }
    const auto weight = p[qkv.weight];
    const auto bias = p[qkv.bias].row(0);
    // [k | v] = x Wqkv[:, d:3d] + b[d:3d] for every row; q = x[rows] Wqkv[:, :d] + b[:d]
    cache.memoryProjected.resize(x.rows(), 2 * d);
    cache.memoryProjected.rowwise() = bias.segment(d, 2 * d);
    gemm<S>(S(1), x, false, weight.middleCols(d, 2 * d), false, S(1), cache.memoryProjected);
    cache.queryInput.resize(n, d);
    for (Index i = 0; i < n; ++i) cache.queryInput.row(i) = x.row(rows[static_cast<std::size_t>(i)]);
    cache.projected.resize(n, d);
    cache.projected.rowwise() = bias.head(d);
    gemm<S>(S(1), cache.queryInput, false, weight.leftCols(d), false, S(1), cache.projected);

    const std::vector<Index> starts = sequenceStarts(rows, shape.sequences, shape.queryLength);
    cache.probabilities.resize(heads * n, tk);
    cache.context.resize(n, d);
    for (Index b = 0; b < shape.sequences; ++b) {
        const Index first = starts[static_cast<std::size_t>(b)];
        const Index count = starts[static_cast<std::size_t>(b + 1)] - first;
        if (count == 0) continue;
        for (Index h = 0; h < heads; ++h) {
            const auto q = cache.projected.block(first, h * dh, count, dh);
            const auto k = cache.memoryProjected.block(b * tk, h * dh, tk, dh);
            const auto v = cache.memoryProjected.block(b * tk, d + h * dh, tk, dh);
            auto scores = cache.probabilities.block(h * n + first, 0, count, tk);
            gemm<S>(scale, q, false, k, true, S(0), scores);  // Q Kᵀ / √d_head
            for (Index i = 0; i < count; ++i) maskedSoftmaxRow(scores.row(i).data(), tk, tk, b, tk, mask);  // P
            gemm<S>(S(1), scores, false, v, false, S(0), cache.context.block(first, h * dh, count, dh));  // P V
        }
    }
    y.resize(n, d);
    output.forward(p, cache.context, y);  // y = context Wo + bo
}

template <typename S>
void MultiHeadAttention::backwardRows(const Parameters<S>& p, Gradients<S>& g, In<S> x, const std::vector<Index>& rows,
                                      const AttentionShape& shape, Cache<S>& cache, In<S> dy, Matrix<S>& dx) const {
    const Index d = width;
    const Index dh = d / heads;
    const Index tk = shape.keyLength;
    const Index n = static_cast<Index>(rows.size());
    const S scale = S(1) / std::sqrt(S(dh));

    // forward: y = context Wo + bo
    output.backward(p, g, cache.context, dy, &cache.dContext);

    const std::vector<Index> starts = sequenceStarts(rows, shape.sequences, shape.queryLength);
    cache.dMemoryProjected.setZero(x.rows(), 2 * d);  // a sequence with no row asked for passes nothing back
    cache.dProjected.resize(n, d);
    cache.dScores.resize(shape.queryLength, tk);
    for (Index b = 0; b < shape.sequences; ++b) {
        const Index first = starts[static_cast<std::size_t>(b)];
        const Index count = starts[static_cast<std::size_t>(b + 1)] - first;
        if (count == 0) continue;
        for (Index h = 0; h < heads; ++h) {
            const auto q = cache.projected.block(first, h * dh, count, dh);
            const auto k = cache.memoryProjected.block(b * tk, h * dh, tk, dh);
            const auto v = cache.memoryProjected.block(b * tk, d + h * dh, tk, dh);
            auto dK = cache.dMemoryProjected.block(b * tk, h * dh, tk, dh);
            auto dV = cache.dMemoryProjected.block(b * tk, d + h * dh, tk, dh);
            const auto probabilities = cache.probabilities.block(h * n + first, 0, count, tk);
            const auto dContext = cache.dContext.block(first, h * dh, count, dh);
            auto dScores = cache.dScores.block(0, 0, count, tk);
            // forward: context = P V
            gemm<S>(S(1), probabilities, true, dContext, false, S(0), dV);  // dV = Pᵀ dC
            gemm<S>(S(1), dContext, false, v, true, S(0), dScores);         // dP = dC Vᵀ
            // forward: P = softmax(S): dS = P ⊙ (dP − rowsum(dP ⊙ P)), then the 1/√d_head
            for (Index i = 0; i < count; ++i) {
                const S dot = (dScores.row(i).array() * probabilities.row(i).array()).sum();
                dScores.row(i).array() = probabilities.row(i).array() * (dScores.row(i).array() - dot) * scale;
            }
            // forward: S = Q Kᵀ
            gemm<S>(S(1), dScores, false, k, false, S(0), cache.dProjected.block(first, h * dh, count, dh));  // dQ = dS K
            gemm<S>(S(1), dScores, true, q, false, S(0), dK);                                                  // dK = dSᵀ Q
        }
    }
    // forward: [k | v] = x Wqkv[:, d:3d] + b[d:3d], q = x[rows] Wqkv[:, :d] + b[:d]
    const auto weight = p[qkv.weight];
    auto dWeight = p.in(g, qkv.weight);
    auto dBias = p.in(g, qkv.bias).row(0);
    gemm<S>(S(1), x, true, cache.dMemoryProjected, false, S(1), dWeight.middleCols(d, 2 * d));
    dBias.segment(d, 2 * d) += cache.dMemoryProjected.colwise().sum();
    gemm<S>(S(1), cache.queryInput, true, cache.dProjected, false, S(1), dWeight.leftCols(d));
    dBias.head(d) += cache.dProjected.colwise().sum();
    // dx = d[k | v] Wqkv[:, d:3d]ᵀ for every row, and the rows asked for add dq Wqkv[:, :d]ᵀ
    dx.resize(x.rows(), d);
    gemm<S>(S(1), cache.dMemoryProjected, false, weight.middleCols(d, 2 * d), true, S(0), dx);
    cache.dQueryInput.resize(n, d);
    gemm<S>(S(1), cache.dProjected, false, weight.leftCols(d), true, S(0), cache.dQueryInput);
    for (Index i = 0; i < n; ++i) dx.row(rows[static_cast<std::size_t>(i)]) += cache.dQueryInput.row(i);
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
template void MultiHeadAttention::forwardRows<float>(const Parameters<float>&, ConstMatrixRef<float>,
                                                     const std::vector<Index>&, const AttentionShape&,
                                                     const AttentionMask&, Matrix<float>&, Cache<float>&) const;
template void MultiHeadAttention::forwardRows<double>(const Parameters<double>&, ConstMatrixRef<double>,
                                                      const std::vector<Index>&, const AttentionShape&,
                                                      const AttentionMask&, Matrix<double>&, Cache<double>&) const;
template void MultiHeadAttention::backwardRows<float>(const Parameters<float>&, Gradients<float>&, ConstMatrixRef<float>,
                                                      const std::vector<Index>&, const AttentionShape&, Cache<float>&,
                                                      ConstMatrixRef<float>, Matrix<float>&) const;
template void MultiHeadAttention::backwardRows<double>(const Parameters<double>&, Gradients<double>&,
                                                       ConstMatrixRef<double>, const std::vector<Index>&,
                                                       const AttentionShape&, Cache<double>&, ConstMatrixRef<double>,
                                                       Matrix<double>&) const;
template Matrix<float> MultiHeadAttention::weights<float>(const Cache<float>&, const AttentionShape&, Index,
                                                          Index) const;
template Matrix<double> MultiHeadAttention::weights<double>(const Cache<double>&, const AttentionShape&, Index,
                                                            Index) const;

}  // namespace pretrainlab::nn
