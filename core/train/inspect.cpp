#include "core/train/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/nn/loss.hpp"

namespace pretrainlab::train {

using nn::Index;

std::string ModelBundle::name(std::int32_t id) const {
    return tokenName(static_cast<TokenId>(id), tokenizer, specials);
}

std::vector<std::int32_t> ModelBundle::encode(const std::string& text) const { return tokenIds(tokenizer, text); }

std::shared_ptr<const ModelBundle> snapshotOf(const TrainingSession& session, std::string description) {
    if (!session.tokenizer()) return nullptr;
    return std::make_shared<const ModelBundle>(
        ModelBundle{std::make_shared<const nn::Transformer<float>>(session.model()), *session.tokenizer(),
                    session.specials(), std::move(description)});
}

// ---- Masks ---------------------------------------------------------------------------------

namespace {

MaskPattern patternOf(std::string title, const nn::AttentionMask& mask, Index queries, Index keys) {
    MaskPattern pattern;
    pattern.title = std::move(title);
    pattern.queries = queries;
    pattern.keys = keys;
    pattern.allowed.resize(static_cast<std::size_t>(queries * keys));
    for (Index q = 0; q < queries; ++q) {
        for (Index k = 0; k < keys; ++k) pattern.allowed[std::size_t(q * keys + k)] = mask.allows(0, q, k, keys) ? 1 : 0;
    }
    return pattern;
}

nn::AttentionMask maskOf(nn::MaskKind kind, Index prefixLength = 0) {
    nn::AttentionMask mask;
    mask.kind = kind;
    mask.prefixLength = prefixLength;
    return mask;
}

}  // namespace

std::vector<std::uint8_t> MaskPattern::hidden() const {
    std::vector<std::uint8_t> out(allowed.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = allowed[i] ? 0 : 1;
    return out;
}

std::vector<MaskPattern> maskPatterns(ModelKind kind, Index encoderLength, Index decoderLength, Index prefixLength) {
    switch (kind) {
        case ModelKind::Encoder:
            return {patternOf("Encoder self-attention (bidirectional)", maskOf(nn::MaskKind::Bidirectional),
                              encoderLength, encoderLength)};
        case ModelKind::Decoder:
            return {patternOf("Decoder self-attention (causal)", maskOf(nn::MaskKind::Causal), encoderLength,
                              encoderLength)};
        case ModelKind::PrefixLm:
            return {patternOf("Prefix LM self-attention", maskOf(nn::MaskKind::PrefixLm, prefixLength), encoderLength,
                              encoderLength)};
        case ModelKind::EncoderDecoder: {
            MaskPattern encoder = patternOf("Encoder self-attention",
                                            maskOf(nn::MaskKind::Bidirectional), encoderLength, encoderLength);
            MaskPattern decoder = patternOf("Decoder self-attention (causal)", maskOf(nn::MaskKind::Causal),
                                            decoderLength, decoderLength);
            decoder.decoderQueries = decoder.decoderKeys = true;
            MaskPattern cross = patternOf("Cross-attention",
                                          maskOf(nn::MaskKind::Bidirectional), decoderLength, encoderLength);
            cross.decoderQueries = true;
            return {std::move(encoder), std::move(decoder), std::move(cross)};
        }
    }
    return {};
}

SpanExample spanExample(const std::vector<std::int32_t>& tokens, const data::SpecialTokens& specials) {
    if (specials.firstSentinel < 0 || specials.bos < 0) {
        throw std::invalid_argument("span corruption needs sentinel tokens and a start token");
    }
    SpanExample example;
    const auto n = static_cast<Index>(tokens.size());
    if (n == 0) return example;
    example.spanLength = std::max<Index>(1, n / 5);
    example.spanStart = std::min(n / 2, n - example.spanLength);
    const std::int32_t x0 = specials.firstSentinel;
    const std::int32_t x1 = specials.firstSentinel + 1;
    const auto begin = tokens.begin() + example.spanStart;
    const auto end = begin + example.spanLength;
    example.encoderInput.assign(tokens.begin(), begin);
    example.encoderInput.push_back(x0);
    example.encoderInput.insert(example.encoderInput.end(), end, tokens.end());
    example.decoderTarget.push_back(x0);
    example.decoderTarget.insert(example.decoderTarget.end(), begin, end);
    example.decoderTarget.push_back(x1);
    example.decoderInput.push_back(specials.bos);
    example.decoderInput.insert(example.decoderInput.end(), example.decoderTarget.begin(),
                                example.decoderTarget.end() - 1);
    return example;
}

// ---- Reading a sentence ---------------------------------------------------------------------

namespace {

std::vector<std::string> labelsOf(const ModelBundle& bundle, const std::vector<std::int32_t>& ids) {
    std::vector<std::string> labels;
    labels.reserve(ids.size());
    for (const std::int32_t id : ids) labels.push_back(bundle.name(id));
    return labels;
}

// One sequence whose last position has a target, so that a forward pass keeps its logits.
nn::Batch single(const std::vector<std::int32_t>& tokens) {
    nn::Batch batch;
    batch.sequences = 1;
    batch.length = static_cast<Index>(tokens.size());
    batch.tokens = tokens;
    batch.targets.assign(tokens.size(), -1);
    if (!batch.targets.empty()) batch.targets.back() = 0;
    return batch;
}

std::vector<std::int32_t> lastOf(const std::vector<std::int32_t>& tokens, Index count) {
    if (static_cast<Index>(tokens.size()) <= count) return tokens;
    return {tokens.end() - count, tokens.end()};
}

void requireTokens(const std::vector<std::int32_t>& tokens) {
    if (tokens.empty()) throw std::invalid_argument("the text has no tokens");
}

std::size_t textVocabularyOf(const ModelBundle& bundle) {
    return std::min<std::size_t>(bundle.tokenizer.vocabulary().size(),
                                 static_cast<std::size_t>(bundle.model->config().vocabulary));
}

}  // namespace

ModelInput readSentence(const ModelBundle& bundle, const std::vector<std::int32_t>& tokens) {
    requireTokens(tokens);
    const nn::ModelConfig& config = bundle.model->config();
    ModelInput input;
    switch (config.architecture) {
        case nn::Architecture::Decoder: {
            const std::vector<std::int32_t> read = lastOf(tokens, config.context);
            input.batch = single(read);
            input.encoderLabels = labelsOf(bundle, read);
            break;
        }
        case nn::Architecture::Encoder: {
            std::vector<std::int32_t> read{bundle.specials.cls};
            const std::vector<std::int32_t> text = lastOf(tokens, std::max<Index>(1, config.context - 2));
            read.insert(read.end(), text.begin(), text.end());
            read.push_back(bundle.specials.sep);
            input.batch = single(read);
            input.batch.segments.assign(read.size(), 0);
            input.encoderLabels = labelsOf(bundle, read);
            break;
        }
        case nn::Architecture::EncoderDecoder: {
            const SpanExample example = spanExample(lastOf(tokens, std::max<Index>(2, config.context - 2)), bundle.specials);
            input.batch = single(example.encoderInput);
            input.batch.targets.clear();
            input.batch.targetLength = static_cast<Index>(example.decoderInput.size());
            input.batch.decoderTokens = example.decoderInput;
            input.batch.decoderTargets = example.decoderTarget;
            input.encoderLabels = labelsOf(bundle, example.encoderInput);
            input.decoderLabels = labelsOf(bundle, example.decoderInput);
            break;
        }
    }
    return input;
}

std::vector<AttentionGrid> attentionGrids(const ModelBundle& bundle, const ModelInput& input) {
    const nn::Transformer<float>& model = *bundle.model;
    const nn::ModelConfig& config = model.config();
    typename nn::Transformer<float>::Workspace workspace;
    model.run(input.batch, workspace, nullptr, 1.0, 0.0);

    const auto grid = [&](std::string title, nn::AttentionStack stack, Index layers, const std::vector<std::string>& queries,
                          const std::vector<std::string>& keys, MaskPattern mask) {
        AttentionGrid g;
        g.title = std::move(title);
        g.stack = stack;
        g.layers = layers;
        g.heads = config.heads;
        g.queryLabels = queries;
        g.keyLabels = keys;
        g.mask = std::move(mask);
        for (Index l = 0; l < layers; ++l) {
            for (Index h = 0; h < config.heads; ++h) g.maps.push_back(model.attentionWeights(workspace, stack, l, 0, h));
        }
        return g;
    };
    const auto encoderLength = static_cast<Index>(input.encoderLabels.size());
    const auto decoderLength = static_cast<Index>(input.decoderLabels.size());
    std::vector<AttentionGrid> grids;
    switch (config.architecture) {
        case nn::Architecture::Decoder:
            grids.push_back(grid("causal self-attention", nn::AttentionStack::Encoder, config.layers,
                                 input.encoderLabels, input.encoderLabels,
                                 maskPatterns(ModelKind::Decoder, encoderLength).front()));
            break;
        case nn::Architecture::Encoder:
            grids.push_back(grid("bidirectional self-attention", nn::AttentionStack::Encoder, config.layers,
                                 input.encoderLabels, input.encoderLabels,
                                 maskPatterns(ModelKind::Encoder, encoderLength).front()));
            break;
        case nn::Architecture::EncoderDecoder: {
            std::vector<MaskPattern> masks = maskPatterns(ModelKind::EncoderDecoder, encoderLength, decoderLength);
            grids.push_back(grid("encoder self-attention", nn::AttentionStack::Encoder, config.layers,
                                 input.encoderLabels, input.encoderLabels, masks[0]));
            grids.push_back(grid("decoder self-attention", nn::AttentionStack::Decoder, config.decoderBlocks(),
                                 input.decoderLabels, input.decoderLabels, masks[1]));
            grids.push_back(grid("cross-attention", nn::AttentionStack::Cross, config.decoderBlocks(),
                                 input.decoderLabels, input.encoderLabels, masks[2]));
            break;
        }
    }
    return grids;
}

// ---- Generation ------------------------------------------------------------------------------

namespace {

// The most likely `count` ids of a distribution, best first.
std::vector<std::size_t> topIds(const std::vector<double>& probabilities, std::size_t count) {
    std::vector<std::size_t> order(probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    count = std::min(count, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                      [&](std::size_t a, std::size_t b) {
                          return probabilities[a] > probabilities[b] || (probabilities[a] == probabilities[b] && a < b);
                      });
    order.resize(count);
    return order;
}

// Softmax over the text's tokens only (special tokens get 0), at a temperature (0 counts as 1).
std::vector<double> textDistribution(const nn::RowVector<float>& logits, std::size_t textVocabulary, double temperature) {
    const double t = temperature > 0 ? temperature : 1.0;
    std::vector<double> p(static_cast<std::size_t>(logits.size()), 0.0);
    const std::size_t n = std::min(textVocabulary, p.size());
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) top = std::max(top, double(logits[Index(i)]) / t);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += p[i] = std::exp(double(logits[Index(i)]) / t - top);
    for (std::size_t i = 0; i < n; ++i) p[i] /= sum;
    return p;
}

double logSoftmaxAt(const nn::RowVector<float>& logits, Index at) {
    const double top = double(logits.maxCoeff());
    double sum = 0;
    for (Index i = 0; i < logits.size(); ++i) sum += std::exp(double(logits[i]) - top);
    return double(logits[at]) - top - std::log(sum);
}

std::vector<Prediction> predictionsOf(const ModelBundle& bundle, const std::vector<double>& p, std::size_t shown) {
    std::vector<Prediction> out;
    for (const std::size_t id : topIds(p, shown)) out.push_back({bundle.name(static_cast<std::int32_t>(id)), p[id]});
    return out;
}

}  // namespace

Generator::Generator(std::shared_ptr<const ModelBundle> bundle, std::vector<std::int32_t> prompt, SamplingOptions options)
    : bundle_(std::move(bundle)), tokens_(std::move(prompt)), promptLength_(tokens_.size()), options_(options),
      random_(options.seed) {
    if (bundle_->architecture() != nn::Architecture::Decoder) {
        throw std::invalid_argument("generating token by token needs a decoder");
    }
    requireTokens(tokens_);
}

GeneratedToken Generator::next() {
    const nn::Transformer<float>& model = *bundle_->model;
    const nn::ModelConfig& config = model.config();
    const std::vector<std::int32_t> read = lastOf(tokens_, config.context);
    const nn::Batch batch = single(read);
    typename nn::Transformer<float>::Workspace workspace;
    model.run(batch, workspace, nullptr, 1.0, 0.0);
    const nn::RowVector<float> logits = model.logits(workspace).row(0);

    std::vector<double> p = textDistribution(logits, textVocabularyOf(*bundle_), options_.temperature);
    if (options_.topK > 0 && static_cast<std::size_t>(options_.topK) < p.size()) {
        const std::vector<std::size_t> keep = topIds(p, static_cast<std::size_t>(options_.topK));
        std::vector<double> kept(p.size(), 0.0);
        double sum = 0;
        for (const std::size_t id : keep) sum += kept[id] = p[id];
        for (double& value : kept) value /= sum;
        p = std::move(kept);
    }
    std::size_t chosen = topIds(p, 1).front();
    if (options_.temperature > 0) {
        // Inverse transform sampling with 53 random bits, the same on every platform.
        const double u = double(random_() >> 11) * 0x1.0p-53;
        double cumulative = 0;
        for (std::size_t id = 0; id < p.size(); ++id) {
            if (p[id] <= 0) continue;
            chosen = id;
            cumulative += p[id];
            if (u < cumulative) break;
        }
    }

    GeneratedToken out;
    out.id = static_cast<std::int32_t>(chosen);
    out.text = bundle_->name(out.id);
    out.probability = p[chosen];
    out.candidates = predictionsOf(*bundle_, p, options_.shown);
    out.keyLabels = labelsOf(*bundle_, read);
    const Index last = static_cast<Index>(read.size()) - 1;
    out.attention.assign(read.size(), 0.0f);
    const Index lastLayer = config.layers - 1;
    for (Index h = 0; h < config.heads; ++h) {
        const nn::Matrix<float> w = model.attentionWeights(workspace, nn::AttentionStack::Encoder, lastLayer, 0, h);
        for (Index k = 0; k < w.cols(); ++k) out.attention[std::size_t(k)] += w(last, k) / float(config.heads);
    }
    tokens_.push_back(out.id);
    return out;
}

MaskFiller::MaskFiller(std::shared_ptr<const ModelBundle> bundle, std::vector<std::int32_t> tokens, std::size_t shown)
    : bundle_(std::move(bundle)), tokens_(std::move(tokens)), shown_(shown) {
    if (bundle_->architecture() != nn::Architecture::Encoder) throw std::invalid_argument("filling [MASK] needs an encoder");
    requireTokens(tokens_);
    const Index room = bundle_->model->config().context - 2;
    if (static_cast<Index>(tokens_.size()) > room) {
        throw std::invalid_argument("the sentence has " + std::to_string(tokens_.size()) +
                                    " tokens; this encoder reads at most " + std::to_string(room) +
                                    " between [CLS] and [SEP]");
    }
}

bool MaskFiller::done() const {
    return std::find(tokens_.begin(), tokens_.end(), bundle_->specials.mask) == tokens_.end();
}

FilledToken MaskFiller::next() {
    if (done()) throw std::logic_error("no [MASK] is left to fill");
    std::vector<std::int32_t> read{bundle_->specials.cls};
    read.insert(read.end(), tokens_.begin(), tokens_.end());
    read.push_back(bundle_->specials.sep);
    nn::Batch batch = single(read);
    batch.segments.assign(read.size(), 0);
    std::vector<Index> masks;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
        const bool open = tokens_[i] == bundle_->specials.mask;
        batch.targets[i + 1] = open ? 0 : -1;
        if (open) masks.push_back(static_cast<Index>(i));
    }
    batch.targets.back() = -1;
    typename nn::Transformer<float>::Workspace workspace;
    bundle_->model->run(batch, workspace, nullptr, 1.0, 0.0);
    const nn::Matrix<float>& logits = bundle_->model->logits(workspace);  // one row per open [MASK]

    FilledToken best;
    std::vector<double> bestDistribution;
    for (std::size_t m = 0; m < masks.size(); ++m) {
        std::vector<double> p = textDistribution(logits.row(Index(m)), textVocabularyOf(*bundle_), 1.0);
        const std::size_t id = topIds(p, 1).front();
        if (bestDistribution.empty() || p[id] > best.probability) {
            best.position = masks[m];
            best.id = static_cast<std::int32_t>(id);
            best.probability = p[id];
            bestDistribution = std::move(p);
        }
    }
    best.text = bundle_->name(best.id);
    best.candidates = predictionsOf(*bundle_, bestDistribution, shown_);
    tokens_[std::size_t(best.position)] = best.id;
    best.remaining = masks.size() - 1;
    return best;
}

// ---- Zero-shot scoring -----------------------------------------------------------------------

ContinuationScore scoreContinuation(const ModelBundle& bundle, const std::vector<std::int32_t>& context,
                                    const std::vector<std::int32_t>& continuation) {
    if (bundle.architecture() != nn::Architecture::Decoder) {
        throw std::invalid_argument("scoring by log-probability needs a decoder");
    }
    requireTokens(continuation);
    const Index room = bundle.model->config().context + 1;  // the last token is only predicted
    std::vector<std::int32_t> sequence = context;
    sequence.insert(sequence.end(), continuation.begin(), continuation.end());
    if (static_cast<Index>(continuation.size()) + (context.empty() ? 0 : 1) > room) {
        throw std::invalid_argument("the continuation has " + std::to_string(continuation.size()) +
                                    " tokens; this decoder reads at most " + std::to_string(room - 1));
    }
    std::size_t first = context.empty() ? 1 : context.size();  // the first scored token
    if (static_cast<Index>(sequence.size()) > room) {
        const std::size_t drop = sequence.size() - static_cast<std::size_t>(room);
        sequence.erase(sequence.begin(), sequence.begin() + static_cast<std::ptrdiff_t>(drop));
        first -= drop;
    }
    ContinuationScore score;
    if (sequence.size() < 2 || first >= sequence.size()) return score;  // one token alone: nothing to score
    nn::Batch batch;
    batch.sequences = 1;
    batch.length = static_cast<Index>(sequence.size()) - 1;
    batch.tokens.assign(sequence.begin(), sequence.end() - 1);
    batch.targets.assign(batch.tokens.size(), -1);
    for (std::size_t i = first; i < sequence.size(); ++i) batch.targets[i - 1] = sequence[i];
    typename nn::Transformer<float>::Workspace workspace;
    bundle.model->run(batch, workspace, nullptr, 1.0, 0.0);
    const nn::Matrix<float>& logits = bundle.model->logits(workspace);  // rows of the targets, in order
    for (std::size_t i = first; i < sequence.size(); ++i) {
        const double lp = logSoftmaxAt(logits.row(Index(i - first)), sequence[i]);
        score.tokens.push_back(bundle.name(sequence[i]));
        score.tokenLogProbabilities.push_back(lp);
        score.logProbability += lp;
    }
    return score;
}

// ---- Which tokens produce loss ---------------------------------------------------------------

LossTokens lossTokens(const std::vector<std::int32_t>& tokens, const Tokenizer& tokenizer, double rate,
                      std::uint64_t seed) {
    LossTokens out;
    Index vocabulary = static_cast<Index>(tokenizer.vocabulary().size());
    const Index textVocabulary = vocabulary;
    const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, nn::Architecture::Encoder);
    nn::Batch batch;
    batch.sequences = 1;
    batch.tokens.push_back(specials.cls);
    batch.tokens.insert(batch.tokens.end(), tokens.begin(), tokens.end());
    batch.tokens.push_back(specials.sep);
    batch.length = static_cast<Index>(batch.tokens.size());
    data::MaskingOptions options;
    options.rate = rate;
    options.textVocabulary = textVocabulary;
    std::mt19937_64 random(seed);
    data::maskTokens(batch, options, specials, random);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        out.text.push_back(tokenName(static_cast<TokenId>(tokens[i]), tokenizer, specials));
        out.maskedInput.push_back(tokenName(static_cast<TokenId>(batch.tokens[i + 1]), tokenizer, specials));
        const bool target = batch.targets[i + 1] >= 0;
        out.masked.push_back(target ? 1 : 0);
        out.maskedCount += target ? 1 : 0;
    }
    out.nextTokenCount = tokens.empty() ? 0 : tokens.size() - 1;
    return out;
}

}  // namespace pretrainlab::train
