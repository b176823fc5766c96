#include "core/train/inspect_masks.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "core/nn/attention.hpp"
#include "core/train/probes.hpp"

namespace pretrainlab::train {

using nn::Index;

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

// ---- Which tokens produce loss ---------------------------------------------------------------

LossTokens lossTokens(const std::vector<std::int32_t>& tokens, const Tokenizer& tokenizer, double rate,
                      std::uint64_t seed, double maskShare, double randomShare) {
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
    options.maskShare = maskShare;
    options.randomShare = randomShare;
    options.textVocabulary = textVocabulary;
    std::mt19937_64 random(seed);
    data::maskTokens(batch, options, specials, random);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        out.text.push_back(tokenName(static_cast<TokenId>(tokens[i]), tokenizer, specials));
        out.maskedInput.push_back(tokenName(static_cast<TokenId>(batch.tokens[i + 1]), tokenizer, specials));
        const bool target = batch.targets[i + 1] >= 0;
        out.masked.push_back(target ? 1 : 0);
        out.maskedCount += target ? 1 : 0;
        const std::int32_t input = batch.tokens[i + 1];
        const Corruption corruption = !target                 ? Corruption::None
                                      : input == specials.mask ? Corruption::Mask
                                      : input == tokens[i]     ? Corruption::Kept
                                                               : Corruption::Random;
        out.corruption.push_back(corruption);
        out.maskCount += corruption == Corruption::Mask ? 1 : 0;
        out.randomCount += corruption == Corruption::Random ? 1 : 0;
        out.keptCount += corruption == Corruption::Kept ? 1 : 0;
    }
    out.nextTokenCount = tokens.empty() ? 0 : tokens.size() - 1;
    return out;
}

}  // namespace pretrainlab::train
