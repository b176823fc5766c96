#include "core/nn/transformer.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/nn/loss.hpp"

namespace pretrainlab::nn {

std::string_view architectureName(Architecture architecture) {
    switch (architecture) {
        case Architecture::Decoder: return "decoder";
        case Architecture::Encoder: return "encoder";
        case Architecture::EncoderDecoder: return "encdec";
    }
    return "decoder";
}

std::optional<Architecture> parseArchitecture(std::string_view name) {
    if (name == "decoder") return Architecture::Decoder;
    if (name == "encoder") return Architecture::Encoder;
    if (name == "encdec") return Architecture::EncoderDecoder;
    return std::nullopt;
}

std::string ModelConfig::problem() const {
    const auto text = [](Index value) { return std::to_string(value); };
    if (vocabulary < 2) return "the vocabulary needs at least 2 tokens, not " + text(vocabulary);
    if (width < 1) return "the width (d) must be at least 1, not " + text(width);
    if (heads < 1) return "there must be at least one head, not " + text(heads);
    if (width % heads != 0) {
        return "the number of heads (" + text(heads) + ") must divide the width d (" + text(width) +
               "): each head gets d / heads dimensions";
    }
    if (layers < 1) return "there must be at least one layer, not " + text(layers);
    if (context < 1) return "the context must hold at least one position, not " + text(context);
    if (dropout < 0 || dropout >= 1) return "dropout must be in [0, 1), not " + std::to_string(dropout);
    if (classes < 0 || tags < 0) return "the number of classes and tags cannot be negative";
    if (feedForward < 0) return "the MLP width cannot be negative";
    if (!(initialStd >= 0)) return "the initial standard deviation cannot be negative";
    if (!(normEpsilon > 0)) return "LayerNorm's epsilon must be above 0";
    return {};
}

namespace {

std::size_t linear(std::size_t in, std::size_t out) { return in * out + out; }

// norm1, self-attention (qkv and output), [cross_norm, cross-attention], norm2, the MLP.
std::size_t blockParameters(std::size_t d, std::size_t f, bool cross) {
    const std::size_t norm = 2 * d;
    const std::size_t attention = linear(d, 3 * d) + linear(d, d);  // cross: query d, key_value 2d, output d: as many
    return norm + attention + (cross ? norm + attention : 0) + norm + linear(d, f) + linear(f, d);
}

}  // namespace

std::size_t parameterCount(const ModelConfig& config) {
    const auto d = static_cast<std::size_t>(config.width), f = static_cast<std::size_t>(config.ffn());
    const auto vocabulary = static_cast<std::size_t>(config.vocabulary), context = static_cast<std::size_t>(config.context);
    const bool encoder = config.architecture == Architecture::Encoder;
    const bool encdec = config.architecture == Architecture::EncoderDecoder;
    const std::size_t finalOrEmbeddingNorm = 2 * d;  // pre-LN: a final norm; post-LN: a norm after the embeddings
    std::size_t count = vocabulary * d + context * d + finalOrEmbeddingNorm;
    if (encoder) count += static_cast<std::size_t>(config.segments) * d;
    count += static_cast<std::size_t>(config.layers) * blockParameters(d, f, false);
    if (encdec) {
        count += context * d + finalOrEmbeddingNorm;
        count += static_cast<std::size_t>(config.decoderBlocks()) * blockParameters(d, f, true);
    }
    if (encoder && config.tags == 0) count += linear(d, d) + 2 * d + vocabulary;  // the masked-LM head
    if (config.classes > 0) {
        count += linear(d, static_cast<std::size_t>(config.classes));
    } else if (encoder && config.nextSentenceHead) {
        count += linear(d, 2);
    }
    if (config.tags > 0) count += linear(d, static_cast<std::size_t>(config.tags));
    return count;
}

Losses& Losses::operator+=(const Losses& other) {
    tokenSum += other.tokenSum;
    tokens += other.tokens;
    sequenceSum += other.sequenceSum;
    sequences += other.sequences;
    return *this;
}

Batch Batch::slice(Index first, Index count) const {
    Batch part;
    part.sequences = count;
    part.length = length;
    part.prefixLength = prefixLength;
    part.targetLength = targetLength;
    const auto cut = [&](const auto& all, Index per) {
        using Vector = std::decay_t<decltype(all)>;
        if (all.empty()) return Vector();
        return Vector(all.begin() + first * per, all.begin() + (first + count) * per);
    };
    part.tokens = cut(tokens, length);
    part.segments = cut(segments, length);
    part.targets = cut(targets, length);
    part.padding = cut(padding, length);
    part.decoderTokens = cut(decoderTokens, targetLength);
    part.decoderTargets = cut(decoderTargets, targetLength);
    part.choices = choices;
    if (choices > 0) {
        if (first % choices != 0 || count % choices != 0) {
            throw std::invalid_argument("a multiple-choice batch is sliced at whole questions only");
        }
        part.sequenceLabels = sequenceLabels.empty()
                                  ? std::vector<std::int32_t>()
                                  : std::vector<std::int32_t>(sequenceLabels.begin() + first / choices,
                                                              sequenceLabels.begin() + (first + count) / choices);
    } else {
        part.sequenceLabels = cut(sequenceLabels, 1);
    }
    return part;
}

Index Batch::tokensWithLoss() const {
    const std::vector<std::int32_t>& counted = decoderTargets.empty() ? targets : decoderTargets;
    Index n = 0;
    for (const std::int32_t target : counted) n += target >= 0;
    return n;
}

template <typename S>
Transformer<S>::Transformer(const ModelConfig& config, std::uint64_t seed) : config_(config) {
    if (const std::string problem = config.problem(); !problem.empty()) throw std::invalid_argument(problem);
    Parameters<S>& p = parameters_;
    p.reserve(parameterCount(config));  // one allocation, not one per parameter as the store grows
    const Index d = config.width;
    const bool encdec = config.architecture == Architecture::EncoderDecoder;
    const bool encoder = config.architecture == Architecture::Encoder;
    const std::string encoderPrefix = encdec ? "encoder." : "";

    tokenEmbedding_ = p.add("token_embedding.weight", "embeddings", config.vocabulary, d);
    encoderEmbeddings_.position = p.add(encoderPrefix + "position_embedding.weight", "embeddings", config.context, d);
    if (encoder) segmentEmbedding_ = p.add("segment_embedding.weight", "embeddings", config.segments, d);
    if (!config.preNorm) {
        encoderEmbeddings_.norm = LayerNorm::create(p, encoderPrefix + "embedding_norm", "embeddings", d);
    }
    for (Index i = 0; i < config.layers; ++i) {
        const std::string name = encoderPrefix + "blocks." + std::to_string(i);
        encoderBlocks_.push_back(TransformerBlock::create(p, name, name, d, config.heads, config.ffn(), config.preNorm,
                                                          false, config.dropout));
    }
    if (config.preNorm) encoderFinalNorm_ = LayerNorm::create(p, encoderPrefix + "final_norm", "final_norm", d);
    if (encdec) {
        decoderEmbeddings_.position = p.add("decoder.position_embedding.weight", "embeddings", config.context, d);
        if (!config.preNorm) decoderEmbeddings_.norm = LayerNorm::create(p, "decoder.embedding_norm", "embeddings", d);
        for (Index i = 0; i < config.decoderBlocks(); ++i) {
            const std::string name = "decoder.blocks." + std::to_string(i);
            decoderBlocks_.push_back(TransformerBlock::create(p, name, name, d, config.heads, config.ffn(),
                                                              config.preNorm, true, config.dropout));
        }
        if (config.preNorm) decoderFinalNorm_ = LayerNorm::create(p, "decoder.final_norm", "final_norm", d);
    }
    if (encoder && config.tags == 0) {
        mlmTransform_ = Linear::create(p, "mlm.transform", "head", d, d);
        mlmNorm_ = LayerNorm::create(p, "mlm.norm", "head", d);
        mlmBias_ = p.add("mlm.bias", "head", 1, config.vocabulary);
    }
    if (config.classes > 0) {
        sequenceHead_ = Linear::create(p, "classifier", "task", d, config.classes);
    } else if (encoder && config.nextSentenceHead) {
        sequenceHead_ = Linear::create(p, "next_sentence", "head", d, 2);
    }
    if (config.tags > 0) tagHead_ = Linear::create(p, "tagger", "task", d, config.tags);

    // Each LayerNorm's ε and each MLP's GELU as the configuration says.
    const auto setNorm = [&config](LayerNorm& norm) { norm.epsilon = config.normEpsilon; };
    for (auto* blocks : {&encoderBlocks_, &decoderBlocks_}) {
        for (TransformerBlock& block : *blocks) {
            for (LayerNorm* norm : {&block.norm1, &block.crossNorm, &block.norm2}) setNorm(*norm);
            block.gelu = config.gelu;
        }
    }
    for (LayerNorm* norm : {&encoderEmbeddings_.norm, &decoderEmbeddings_.norm, &encoderFinalNorm_, &decoderFinalNorm_, &mlmNorm_}) {
        setNorm(*norm);
    }

    // Weights and embeddings N(0, σ²); biases 0; LayerNorm gains 1 (set when created). With σ = 0
    // they stay 0, for weights loaded from a file.
    if (config.initialStd == 0) return;
    std::mt19937_64 random(seed);
    std::normal_distribution<double> normal(0.0, config.initialStd);
    for (const ParameterInfo& info : p.infos()) {
        const bool isBias = info.name.size() >= 5 && info.name.compare(info.name.size() - 5, 5, ".bias") == 0;
        const bool isNorm = info.name.find("norm") != std::string::npos;
        if (isBias || isNorm) continue;
        S* values = p.values().data() + info.offset;
        for (std::size_t i = 0; i < info.size(); ++i) values[i] = static_cast<S>(normal(random));
    }
}

template <typename S>
void Transformer<S>::embed(const Batch& batch, const std::vector<std::int32_t>& tokens, Index length,
                           const Embeddings& embeddings, bool withSegments, Matrix<S>& x, Workspace& workspace,
                           bool decoderSide) const {
    const Parameters<S>& p = parameters_;
    if (length > config_.context) {
        throw std::invalid_argument("a sequence of " + std::to_string(length) + " tokens is longer than the context (" +
                                    std::to_string(config_.context) + ")");
    }
    const Index rows = batch.sequences * length;
    if (static_cast<Index>(tokens.size()) != rows) throw std::invalid_argument("the batch's token count does not match its shape");
    const auto tokenTable = p[tokenEmbedding_];
    const auto positionTable = p[embeddings.position];
    Matrix<S>& out = config_.preNorm ? x : (decoderSide ? workspace.decoderEmbedded : workspace.encoderEmbedded);
    out.resize(rows, config_.width);
    for (Index r = 0; r < rows; ++r) {
        const std::int32_t token = tokens[static_cast<std::size_t>(r)];
        if (token < 0 || token >= config_.vocabulary) {
            throw std::out_of_range("token id " + std::to_string(token) + " at position " + std::to_string(r) +
                                    " is outside the vocabulary of " + std::to_string(config_.vocabulary));
        }
        out.row(r) = tokenTable.row(token) + positionTable.row(r % length);  // x = E[token] + P[position]
        if (withSegments && !batch.segments.empty()) {
            out.row(r) += p[segmentEmbedding_].row(batch.segments[static_cast<std::size_t>(r)]);  // + S[segment]
        }
    }
    if (!config_.preNorm) {
        embeddings.norm.forward(p, out, x, decoderSide ? workspace.decoderEmbeddingNorm : workspace.encoderEmbeddingNorm);
    }
}

template <typename S>
void Transformer<S>::embedBackward(const Batch& batch, const std::vector<std::int32_t>& tokens, Index length,
                                   const Embeddings& embeddings, bool withSegments, Matrix<S>& dx, Gradients<S>& g,
                                   Workspace& workspace, bool decoderSide) const {
    const Parameters<S>& p = parameters_;
    Matrix<S>* d = &dx;
    if (!config_.preNorm) {
        embeddings.norm.backward(p, g, decoderSide ? workspace.decoderEmbeddingNorm : workspace.encoderEmbeddingNorm,
                                 dx, workspace.dScratch);
        d = &workspace.dScratch;
    }
    auto tokenTable = p.in(g, tokenEmbedding_);
    auto positionTable = p.in(g, embeddings.position);
    for (Index r = 0; r < d->rows(); ++r) {
        // forward: x = E[token] + P[position] (+ S[segment])
        tokenTable.row(tokens[static_cast<std::size_t>(r)]) += d->row(r);
        positionTable.row(r % length) += d->row(r);
        if (withSegments && !batch.segments.empty()) {
            p.in(g, segmentEmbedding_).row(batch.segments[static_cast<std::size_t>(r)]) += d->row(r);
        }
    }
}

template <typename S>
Losses Transformer<S>::run(const Batch& batch, Workspace& ws, Gradients<S>* gradients, double tokenScale,
                           double sequenceScale, const BackwardScope& scope) const {
    forwardStacks(batch, ws, gradients != nullptr);
    Losses losses;
    losses.tokenSum = tokenHeadForward(batch, ws, tokenScale, gradients != nullptr, &losses.tokens);
    losses.sequenceSum = sequenceHeadForward(batch, ws, sequenceScale, gradients != nullptr, &losses.sequences);
    if (!gradients) return losses;
    tokenHeadBackward(ws, *gradients);
    sequenceHeadBackward(ws, *gradients);
    if (scope.stacks) backwardStacks(batch, ws, *gradients, scope.firstBlock);
    return losses;
}

// tokens: [sequences, length] (and the decoder's [sequences, targetLength]) ->
// ws.encoderOutput: [sequences · length, d] (and ws.decoderOutput: [sequences · targetLength, d])
template <typename S>
void Transformer<S>::forwardStacks(const Batch& batch, Workspace& ws, bool training) const {
    const Parameters<S>& p = parameters_;
    const Architecture architecture = config_.architecture;
    const Index sequences = batch.sequences;
    const Index length = batch.length;

    ws.encoderShape = {sequences, length, length};
    ws.encoderMask = AttentionMask{};
    if (architecture == Architecture::Decoder) {
        ws.encoderMask.kind = batch.prefixLength > 0 ? MaskKind::PrefixLm : MaskKind::Causal;
        ws.encoderMask.prefixLength = batch.prefixLength;
    }
    ws.encoderMask.keyPadding = batch.padding.empty() ? nullptr : &batch.padding;
    embed(batch, batch.tokens, length, encoderEmbeddings_, architecture == Architecture::Encoder, ws.encoderStates, ws,
          false);
    ws.encoderBlocks.resize(encoderBlocks_.size());
    findTargetRows(batch, ws, training);
    const std::size_t blocks = encoderBlocks_.size();
    if (ws.targetRows.empty() && blocks > 0) {
        // what an earlier step at the target rows left is not this step's (nor its memory)
        ws.targetStates.resize(0, 0);
        ws.encoderBlocks.back().attention.memoryProjected.resize(0, 0);
        ws.encoderBlocks.back().attention.queryInput.resize(0, 0);
    }
    for (std::size_t i = 0; i < blocks; ++i) {
        if (i + 1 == blocks && !ws.targetRows.empty()) {
            encoderBlocks_[i].forwardRows(p, ws.encoderStates, ws.targetRows, ws.encoderShape, ws.encoderMask,
                                          ws.targetStates, ws.encoderBlocks[i], training ? &ws.random : nullptr);
            break;
        }
        encoderBlocks_[i].forward(p, ws.encoderStates, nullptr, ws.encoderShape, ws.encoderMask, {}, {},
                                  ws.encoderBlocks[i], training ? &ws.random : nullptr);
    }
    if (config_.preNorm) {
        encoderFinalNorm_.forward(p, ws.targetRows.empty() ? ws.encoderStates : ws.targetStates, ws.encoderOutput,
                                  ws.encoderFinalNorm);
    } else {
        ws.encoderOutput = ws.encoderStates;
    }
    if (architecture != Architecture::EncoderDecoder) return;

    ws.decoderShape = {sequences, batch.targetLength, batch.targetLength};
    ws.decoderMask = AttentionMask{MaskKind::Causal, 0, nullptr};
    ws.crossShape = {sequences, batch.targetLength, length};
    ws.crossMask = AttentionMask{MaskKind::Bidirectional, 0, ws.encoderMask.keyPadding};  // nor at the encoder's padding
    embed(batch, batch.decoderTokens, batch.targetLength, decoderEmbeddings_, false, ws.decoderStates, ws, true);
    ws.decoderBlocks.resize(decoderBlocks_.size());
    for (std::size_t i = 0; i < decoderBlocks_.size(); ++i) {
        decoderBlocks_[i].forward(p, ws.decoderStates, &ws.encoderOutput, ws.decoderShape, ws.decoderMask,
                                  ws.crossShape, ws.crossMask, ws.decoderBlocks[i], training ? &ws.random : nullptr);
    }
    if (config_.preNorm) {
        decoderFinalNorm_.forward(p, ws.decoderStates, ws.decoderOutput, ws.decoderFinalNorm);
    } else {
        ws.decoderOutput = ws.decoderStates;
    }
}

// What a masked LM's training reads of its last block is the output at the rows it predicts (about
// 15%): there the block is needed whole, elsewhere only as keys and values. So when nothing else
// reads the encoder's states (no sequence or tagging head) and at most half the rows have a target,
// the last block computes every row's keys and values and the rest at the target rows alone: the
// same loss and gradients for about a quarter of the block's work. Pre-LN (the final norm then
// reads those rows only); inference runs every row, as the views read them all, unless the
// caller reads only the losses (ws.lossesOnly: the held-out loss, the probes). Leaves those rows
// in ws.targetRows, or none where the whole block runs.
template <typename S>
void Transformer<S>::findTargetRows(const Batch& batch, Workspace& ws, bool training) const {
    ws.targetRows.clear();
    if ((!training && !ws.lossesOnly) || ws.allRows) return;
    if (config_.architecture != Architecture::Encoder || !config_.preNorm) return;
    if (config_.tags > 0 || config_.classes > 0 || config_.nextSentenceHead || !batch.sequenceLabels.empty()) return;
    if (encoderBlocks_.empty() || batch.targets.size() != static_cast<std::size_t>(batch.sequences * batch.length)) return;
    for (std::size_t r = 0; r < batch.targets.size(); ++r) {
        if (batch.targets[r] >= 0) ws.targetRows.push_back(static_cast<Index>(r));
    }
    if (2 * ws.targetRows.size() > batch.targets.size()) ws.targetRows.clear();  // most rows: the whole block
}

// d(encoder output) (and d(decoder output)) -> the gradients of the blocks and embeddings
template <typename S>
void Transformer<S>::backwardStacks(const Batch& batch, Workspace& ws, Gradients<S>& g, Index firstBlock) const {
    const Parameters<S>& p = parameters_;
    const bool encdec = config_.architecture == Architecture::EncoderDecoder;
    Matrix<S>& dEncoderOutput = encdec ? ws.dMemory : ws.dOutput;
    // (pre-LN) back through the final norm into the residual stream, then down the blocks
    if (encdec) {
        Matrix<S>* dDecoder = &ws.dOutput;
        if (config_.preNorm) {
            decoderFinalNorm_.backward(p, g, ws.decoderFinalNorm, ws.dOutput, ws.dStream);
            dDecoder = &ws.dStream;
        }
        for (std::size_t i = decoderBlocks_.size(); i-- > 0;) {
            decoderBlocks_[i].backward(p, g, *dDecoder, &ws.encoderOutput, ws.decoderShape, ws.decoderMask,
                                       ws.crossShape, ws.crossMask, ws.decoderBlocks[i], &ws.dMemory);
        }
        embedBackward(batch, batch.decoderTokens, batch.targetLength, decoderEmbeddings_, false, *dDecoder, g, ws, true);
    }
    Matrix<S>* dEncoder = &dEncoderOutput;
    if (config_.preNorm) {
        encoderFinalNorm_.backward(p, g, ws.encoderFinalNorm, dEncoderOutput, ws.dStream);
        dEncoder = &ws.dStream;
    }
    const std::size_t lowest = encdec ? 0 : static_cast<std::size_t>(std::max<Index>(0, firstBlock));
    for (std::size_t i = encoderBlocks_.size(); i-- > lowest;) {
        if (i + 1 == encoderBlocks_.size() && !ws.targetRows.empty()) {
            encoderBlocks_[i].backwardRows(p, g, *dEncoder, ws.targetRows, ws.encoderShape, ws.encoderBlocks[i]);
            continue;
        }
        encoderBlocks_[i].backward(p, g, *dEncoder, nullptr, ws.encoderShape, ws.encoderMask, {}, {},
                                   ws.encoderBlocks[i], nullptr);
    }
    if (lowest > 0) return;  // the frozen blocks and the embeddings below them
    embedBackward(batch, batch.tokens, batch.length, encoderEmbeddings_, config_.architecture == Architecture::Encoder,
                  *dEncoder, g, ws, false);
}

template <typename S>
const Matrix<S>& Transformer<S>::tokenHeadHidden(const Workspace& ws) const {
    return config_.architecture == Architecture::EncoderDecoder ? ws.decoderOutput : ws.encoderOutput;
}

// The rows with a target: all of the hidden states, or the few gathered into ws.gathered.
template <typename S>
const Matrix<S>& Transformer<S>::tokenHeadInput(const Workspace& ws) const {
    const Matrix<S>& hidden = tokenHeadHidden(ws);
    return static_cast<Index>(ws.rows.size()) == hidden.rows() ? hidden : ws.gathered;
}

// hidden rows with a target: [targets, d] -> logits [targets, vocabulary or tags] -> Σ cross-entropy
// (next token, masked token or tag)
template <typename S>
double Transformer<S>::tokenHeadForward(const Batch& batch, Workspace& ws, double scale, bool gradient,
                                        Index* counted) const {
    const Parameters<S>& p = parameters_;
    const Matrix<S>& hidden = tokenHeadHidden(ws);
    const std::vector<std::int32_t>& targets =
        config_.architecture == Architecture::EncoderDecoder ? batch.decoderTargets : batch.targets;
    ws.rows.clear();
    std::vector<std::int32_t> rowTargets;
    for (std::size_t r = 0; r < targets.size(); ++r) {
        if (targets[r] >= 0) {
            ws.rows.push_back(static_cast<Index>(r));
            rowTargets.push_back(targets[r]);
        }
    }
    *counted = 0;
    if (ws.rows.empty()) {
        ws.logits.resize(0, 0);
        return 0;
    }
    if (static_cast<Index>(ws.rows.size()) != hidden.rows()) {
        ws.gathered.resize(static_cast<Index>(ws.rows.size()), config_.width);
        for (std::size_t i = 0; i < ws.rows.size(); ++i) ws.gathered.row(static_cast<Index>(i)) = hidden.row(ws.rows[i]);
    }
    const Matrix<S>& gathered = tokenHeadInput(ws);
    const auto tokenTable = p[tokenEmbedding_];
    if (config_.tags > 0) {
        ws.logits.resize(gathered.rows(), config_.tags);
        tagHead_.forward(p, gathered, ws.logits);                                  // tags = h W + b
    } else if (config_.architecture == Architecture::Encoder) {
        ws.transformHidden.resize(gathered.rows(), config_.width);
        mlmTransform_.forward(p, gathered, ws.transformHidden);                    // BERT's head: dense,
        geluForward<S>(ws.transformHidden, ws.transformActivated, nullptr, config_.gelu);                    // GELU,
        mlmNorm_.forward(p, ws.transformActivated, ws.transformed, ws.mlmNorm);    // LayerNorm,
        ws.logits.resize(gathered.rows(), config_.vocabulary);
        ws.logits.rowwise() = p[mlmBias_].row(0);
        gemm<S>(S(1), ws.transformed, false, tokenTable, true, S(1), ws.logits);   // then t Eᵀ + b
    } else {
        ws.logits.resize(gathered.rows(), config_.vocabulary);
        gemm<S>(S(1), gathered, false, tokenTable, true, S(0), ws.logits);         // logits = h Eᵀ (tied)
    }
    return crossEntropy(ws.logits, rowTargets.data(), S(scale), gradient, counted);
}

// d logits (left in ws.logits by the loss) -> ws.dOutput: [rows of the hidden states, d]
template <typename S>
void Transformer<S>::tokenHeadBackward(Workspace& ws, Gradients<S>& g) const {
    const Parameters<S>& p = parameters_;
    const Matrix<S>& hidden = tokenHeadHidden(ws);
    ws.dOutput.setZero(hidden.rows(), config_.width);
    if (ws.rows.empty()) return;
    const Matrix<S>& gathered = tokenHeadInput(ws);
    const auto tokenTable = p[tokenEmbedding_];
    Matrix<S>& dLogits = ws.logits;
    if (config_.tags > 0) {
        tagHead_.backward(p, g, gathered, dLogits, &ws.dGathered);
    } else if (config_.architecture == Architecture::Encoder) {
        // forward: logits = t Eᵀ + b
        p.in(g, mlmBias_).row(0) += dLogits.colwise().sum();
        ws.dTransformed.resize(dLogits.rows(), config_.width);
        gemm<S>(S(1), dLogits, false, tokenTable, false, S(0), ws.dTransformed);          // dt = dlogits E
        gemm<S>(S(1), dLogits, true, ws.transformed, false, S(1), p.in(g, tokenEmbedding_));  // dE += dlogitsᵀ t
        mlmNorm_.backward(p, g, ws.mlmNorm, ws.dTransformed, ws.dActivated);
        geluBackward<S>(ws.transformHidden, ws.dActivated, ws.dHidden, nullptr, config_.gelu);
        mlmTransform_.backward(p, g, gathered, ws.dHidden, &ws.dGathered);
    } else {
        // forward: logits = h Eᵀ
        ws.dGathered.resize(dLogits.rows(), config_.width);
        gemm<S>(S(1), dLogits, false, tokenTable, false, S(0), ws.dGathered);            // dh = dlogits E
        gemm<S>(S(1), dLogits, true, gathered, false, S(1), p.in(g, tokenEmbedding_));   // dE += dlogitsᵀ h
    }
    if (&gathered == &hidden) {
        ws.dOutput += ws.dGathered;
    } else {
        for (std::size_t i = 0; i < ws.rows.size(); ++i) ws.dOutput.row(ws.rows[i]) += ws.dGathered.row(static_cast<Index>(i));
    }
}

// [CLS] (a decoder's last token, or the mean of all): [sequences, d] -> class logits -> Σ cross-entropy
// (next sentence or a task's classes)
template <typename S>
double Transformer<S>::sequenceHeadForward(const Batch& batch, Workspace& ws, double scale, bool gradient,
                                           Index* counted) const {
    const Parameters<S>& p = parameters_;
    const Index sequences = batch.sequences;
    const Index length = batch.length;
    const bool hasSequenceHead = config_.classes > 0 || (config_.architecture == Architecture::Encoder && config_.nextSentenceHead);
    ws.sequenceRows.clear();
    ws.sequenceStarts.clear();
    *counted = 0;
    if (!hasSequenceHead || batch.sequenceLabels.empty()) return 0;
    const auto padded = [&batch](Index row) { return !batch.padding.empty() && batch.padding[static_cast<std::size_t>(row)]; };
    for (Index b = 0; b < sequences; ++b) {
        ws.sequenceStarts.push_back(static_cast<Index>(ws.sequenceRows.size()));
        if (config_.meanPooling) {
            for (Index row = b * length; row < (b + 1) * length; ++row) {
                if (!padded(row)) ws.sequenceRows.push_back(row);
            }
            continue;
        }
        Index row = b * length;  // [CLS]
        if (config_.architecture == Architecture::Decoder) {
            row = b * length + length - 1;
            while (row > b * length && padded(row)) --row;
        }
        ws.sequenceRows.push_back(row);
    }
    ws.sequenceStarts.push_back(static_cast<Index>(ws.sequenceRows.size()));
    ws.sequenceHidden.setZero(sequences, config_.width);
    for (Index b = 0; b < sequences; ++b) {
        const Index first = ws.sequenceStarts[static_cast<std::size_t>(b)], end = ws.sequenceStarts[static_cast<std::size_t>(b + 1)];
        for (Index i = first; i < end; ++i) ws.sequenceHidden.row(b) += ws.encoderOutput.row(ws.sequenceRows[static_cast<std::size_t>(i)]);
        ws.sequenceHidden.row(b) /= static_cast<S>(end - first);
    }
    ws.sequenceLogits.resize(sequences, sequenceHead_.out);
    sequenceHead_.forward(p, ws.sequenceHidden, ws.sequenceLogits);                    // p(y|x) = softmax(W h + b)
    if (batch.choices > 0) {
        // Multiple choice: one score per (question, answer) sequence, a softmax over each question's answers.
        const Index questions = sequences / batch.choices;
        ws.choiceLogits.resize(questions, batch.choices);
        for (Index q = 0; q < questions; ++q) {
            for (Index c = 0; c < batch.choices; ++c) ws.choiceLogits(q, c) = ws.sequenceLogits(q * batch.choices + c, 0);
        }
        return crossEntropy(ws.choiceLogits, batch.sequenceLabels.data(), S(scale), gradient, counted);
    }
    ws.choiceLogits.resize(0, 0);
    return crossEntropy(ws.sequenceLogits, batch.sequenceLabels.data(), S(scale), gradient, counted);
}

// d class logits -> d(encoder output) at the rows read (ws.dOutput, or ws.dMemory beside the
// encoder-decoder's cross-attention)
template <typename S>
void Transformer<S>::sequenceHeadBackward(Workspace& ws, Gradients<S>& g) const {
    const bool encdec = config_.architecture == Architecture::EncoderDecoder;
    if (encdec) ws.dMemory.setZero(ws.encoderOutput.rows(), config_.width);
    if (ws.sequenceRows.empty()) return;
    Matrix<S>& dEncoderOutput = encdec ? ws.dMemory : ws.dOutput;
    if (ws.choiceLogits.size() > 0) {  // the gradient of each question's softmax back to its sequences' scores
        const Index choices = ws.choiceLogits.cols();
        for (Index q = 0; q < ws.choiceLogits.rows(); ++q) {
            for (Index c = 0; c < choices; ++c) ws.sequenceLogits(q * choices + c, 0) = ws.choiceLogits(q, c);
        }
    }
    sequenceHead_.backward(parameters_, g, ws.sequenceHidden, ws.sequenceLogits, &ws.dSequenceHidden);
    for (std::size_t b = 0; b + 1 < ws.sequenceStarts.size(); ++b) {
        const Index first = ws.sequenceStarts[b], end = ws.sequenceStarts[b + 1];
        const S share = S(1) / static_cast<S>(end - first);
        for (Index i = first; i < end; ++i) {
            dEncoderOutput.row(ws.sequenceRows[static_cast<std::size_t>(i)]) += share * ws.dSequenceHidden.row(static_cast<Index>(b));
        }
    }
}

template <typename S>
const Matrix<S>& Transformer<S>::logits(const Workspace& workspace) const {
    return workspace.logits;
}

template <typename S>
const Matrix<S>& Transformer<S>::sequenceLogits(const Workspace& workspace) const {
    return workspace.sequenceLogits;
}

template <typename S>
Matrix<S> Transformer<S>::attentionWeights(const Workspace& workspace, AttentionStack stack, Index layer,
                                           Index sequence, Index head) const {
    switch (stack) {
        case AttentionStack::Encoder:
            if (!workspace.targetRows.empty() && static_cast<std::size_t>(layer) + 1 == encoderBlocks_.size()) {
                throw std::logic_error("the last block's weights after a masked-LM training step (or a run for "
                                       "the losses only) cover only the masked rows: read attention weights after "
                                       "a run without gradients");
            }
            return encoderBlocks_.at(static_cast<std::size_t>(layer))
                .attention.weights(workspace.encoderBlocks.at(static_cast<std::size_t>(layer)).attention,
                                   workspace.encoderShape, sequence, head);
        case AttentionStack::Decoder:
            return decoderBlocks_.at(static_cast<std::size_t>(layer))
                .attention.weights(workspace.decoderBlocks.at(static_cast<std::size_t>(layer)).attention,
                                   workspace.decoderShape, sequence, head);
        case AttentionStack::Cross:
            return decoderBlocks_.at(static_cast<std::size_t>(layer))
                .crossAttention.weights(workspace.decoderBlocks.at(static_cast<std::size_t>(layer)).crossAttention,
                                        workspace.crossShape, sequence, head);
    }
    return {};
}

template class Transformer<float>;
template class Transformer<double>;

}  // namespace pretrainlab::nn
