// Transformer::extend: a decoder reading new positions against the keys and values it has kept.

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/nn/transformer.hpp"

namespace pretrainlab::nn {

namespace {

// Multi-head attention of `q` (the new rows) over the cache's keys and values, each new row seeing
// the keys up to its own position (causal); `first` is the first new row's position. Returns the
// context [rows, d]; the last row's weights go into *lastWeights ([heads, keys]) when asked.
template <typename S, typename Keys>
Matrix<S> attendCached(const Matrix<S>& q, const Keys& keys, const Keys& values, Index heads, Index first,
                       Matrix<S>* lastWeights) {
    const Index rows = q.rows(), width = q.cols(), dh = width / heads, length = keys.rows();
    const S scale = S(1) / std::sqrt(S(dh));
    Matrix<S> context(rows, width);
    if (lastWeights) lastWeights->setZero(heads, length);
    for (Index h = 0; h < heads; ++h) {
        Matrix<S> scores = (q.middleCols(h * dh, dh) * keys.middleCols(h * dh, dh).transpose()) * scale;  // [rows, length]
        for (Index r = 0; r < rows; ++r) {
            const Index visible = first + r + 1;
            auto row = scores.row(r);
            const S top = row.head(visible).maxCoeff();
            row.head(visible) = (row.head(visible).array() - top).exp().matrix();
            row.head(visible) /= row.head(visible).sum();
            row.tail(length - visible).setZero();  // the future: weight 0
        }
        context.middleCols(h * dh, dh) = scores * values.middleCols(h * dh, dh);
        if (lastWeights) lastWeights->row(h) = scores.row(rows - 1);
    }
    return context;
}

}  // namespace

template <typename S>
RowVector<S> Transformer<S>::extend(KeyValueCache<S>& cache, const std::vector<std::int32_t>& tokens) const {
    if (config_.architecture != Architecture::Decoder) throw std::invalid_argument("a key/value cache serves a decoder");
    if (tokens.empty()) throw std::invalid_argument("nothing to read");
    const Index first = cache.length, rows = static_cast<Index>(tokens.size()), d = config_.width;
    if (first + rows > config_.context) {
        throw std::invalid_argument("the text has " + std::to_string(first + rows) + " tokens; this model reads at most " +
                                    std::to_string(config_.context));
    }
    const Parameters<S>& p = parameters_;
    // x = E[token] + P[position]
    Matrix<S> x(rows, d);
    const auto tokenTable = p[tokenEmbedding_];
    const auto positionTable = p[encoderEmbeddings_.position];
    for (Index r = 0; r < rows; ++r) {
        const std::int32_t token = tokens[static_cast<std::size_t>(r)];
        if (token < 0 || token >= config_.vocabulary) {
            throw std::out_of_range("token id " + std::to_string(token) + " is outside the vocabulary of " +
                                    std::to_string(config_.vocabulary));
        }
        x.row(r) = tokenTable.row(token) + positionTable.row(first + r);
    }
    typename LayerNorm::Cache<S> normCache;
    Matrix<S> normed;
    if (!config_.preNorm) {
        encoderEmbeddings_.norm.forward(p, x, normed, normCache);
        x = normed;
    }
    const auto layers = static_cast<Index>(encoderBlocks_.size());
    cache.keys.resize(static_cast<std::size_t>(layers));
    cache.values.resize(static_cast<std::size_t>(layers));
    Matrix<S> projected, context, attended, hidden, activated, mlpOut;
    for (Index l = 0; l < layers; ++l) {
        const TransformerBlock& block = encoderBlocks_[static_cast<std::size_t>(l)];
        Matrix<S>& keys = cache.keys[static_cast<std::size_t>(l)];
        Matrix<S>& values = cache.values[static_cast<std::size_t>(l)];
        const auto attend = [&](const Matrix<S>& in) {
            projected.resize(rows, 3 * d);
            block.attention.qkv.forward(p, in, projected);  // [q | k | v]
            if (keys.rows() < first + rows) {
                // Room for twice as many positions (at most the context): a step copies no keys.
                const Index room = std::min(config_.context, std::max(first + rows, 2 * keys.rows()));
                keys.conservativeResize(room, d);
                values.conservativeResize(room, d);
            }
            keys.middleRows(first, rows) = projected.middleCols(d, d);
            values.middleRows(first, rows) = projected.rightCols(d);
            const Matrix<S> q = projected.leftCols(d);
            context = attendCached<S>(q, keys.topRows(first + rows), values.topRows(first + rows), config_.heads, first,
                                      l == layers - 1 ? &cache.lastAttention : nullptr);
            attended.resize(rows, d);
            block.attention.output.forward(p, context, attended);
        };
        const auto mlp = [&](const Matrix<S>& in) {
            hidden.resize(rows, block.fc.out);
            block.fc.forward(p, in, hidden);
            geluForward<S>(hidden, activated, nullptr, block.gelu);
            mlpOut.resize(rows, d);
            block.projection.forward(p, activated, mlpOut);
        };
        if (block.preNorm) {
            block.norm1.forward(p, x, normed, normCache);
            attend(normed);
            x += attended;
            block.norm2.forward(p, x, normed, normCache);
            mlp(normed);
            x += mlpOut;
        } else {
            attend(x);
            x += attended;
            block.norm1.forward(p, x, normed, normCache);
            mlp(normed);
            normed += mlpOut;
            block.norm2.forward(p, normed, x, normCache);
        }
    }
    cache.length = first + rows;
    Matrix<S> last = x.bottomRows(1);
    if (config_.preNorm) {
        Matrix<S> out;
        encoderFinalNorm_.forward(p, last, out, normCache);
        last = out;
    }
    return last * tokenTable.transpose();  // logits = h Eᵀ (tied)
}

template RowVector<float> Transformer<float>::extend(KeyValueCache<float>&, const std::vector<std::int32_t>&) const;
template RowVector<double> Transformer<double>::extend(KeyValueCache<double>&, const std::vector<std::int32_t>&) const;

}  // namespace pretrainlab::nn
