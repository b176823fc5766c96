#include "core/data/objectives.hpp"

#include <algorithm>
#include <stdexcept>

namespace pretrainlab::data {

SpecialTokens appendSpecialTokens(Index& vocabulary, nn::Architecture architecture, std::int32_t sentinels) {
    SpecialTokens specials;
    auto next = [&vocabulary] { return static_cast<std::int32_t>(vocabulary++); };
    specials.pad = next();
    if (architecture == nn::Architecture::Encoder) {
        specials.cls = next();
        specials.sep = next();
        specials.mask = next();
    }
    if (architecture == nn::Architecture::EncoderDecoder) {
        specials.bos = next();
        specials.firstSentinel = static_cast<std::int32_t>(vocabulary);
        specials.sentinels = sentinels;
        vocabulary += sentinels;
    }
    return specials;
}

SpecialTokens reserveSpecialTokens(Index vocabulary, nn::Architecture architecture, Index& textVocabulary,
                                   std::int32_t sentinels) {
    Index counted = 0;
    appendSpecialTokens(counted, architecture, sentinels);  // how many there are
    if (counted >= vocabulary) {
        throw std::invalid_argument("a vocabulary of " + std::to_string(vocabulary) + " has no room for the " +
                                    std::to_string(counted) + " special tokens this model needs");
    }
    textVocabulary = vocabulary - counted;
    Index next = textVocabulary;
    return appendSpecialTokens(next, architecture, sentinels);
}

namespace {

void requireStream(const std::vector<std::int32_t>& stream, Index needed) {
    if (static_cast<Index>(stream.size()) < needed) {
        throw std::invalid_argument("the corpus has " + std::to_string(stream.size()) + " tokens; a sequence needs " +
                                    std::to_string(needed));
    }
}

std::size_t startOf(const std::vector<std::int32_t>& stream, Index window, std::mt19937_64& random) {
    std::uniform_int_distribution<std::size_t> start(0, stream.size() - static_cast<std::size_t>(window));
    return start(random);
}

}  // namespace

Batch nextTokenBatch(const std::vector<std::int32_t>& stream, Index sequences, Index length, std::mt19937_64& random) {
    requireStream(stream, length + 1);
    Batch batch;
    batch.sequences = sequences;
    batch.length = length;
    for (Index s = 0; s < sequences; ++s) {
        const std::size_t start = startOf(stream, length + 1, random);
        for (Index t = 0; t < length; ++t) {
            batch.tokens.push_back(stream[start + static_cast<std::size_t>(t)]);
            batch.targets.push_back(stream[start + static_cast<std::size_t>(t) + 1]);  // the next token
        }
    }
    return batch;
}

void maskTokens(Batch& batch, const MaskingOptions& options, const SpecialTokens& specials, std::mt19937_64& random) {
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::uniform_int_distribution<std::int32_t> anyToken(0, static_cast<std::int32_t>(std::max<Index>(1, options.textVocabulary)) - 1);
    batch.targets.assign(batch.tokens.size(), -1);
    for (std::size_t i = 0; i < batch.tokens.size(); ++i) {
        const std::int32_t token = batch.tokens[i];
        const bool special = token == specials.cls || token == specials.sep || token == specials.pad ||
                             (!batch.padding.empty() && batch.padding[i]);
        if (special || uniform(random) >= options.rate) continue;
        batch.targets[i] = token;  // predict the original
        const double replace = uniform(random);
        if (replace < options.maskShare) {
            batch.tokens[i] = specials.mask;
        } else if (replace < options.maskShare + options.randomShare) {
            batch.tokens[i] = anyToken(random);
        }
    }
}

Batch maskedLmBatch(const std::vector<std::int32_t>& stream, Index sequences, Index length,
                    const MaskingOptions& options, const SpecialTokens& specials, std::mt19937_64& random) {
    if (length < 3) throw std::invalid_argument("a masked-LM sequence needs room for [CLS], a token and [SEP]");
    const Index text = length - 2;
    requireStream(stream, text);
    Batch batch;
    batch.sequences = sequences;
    batch.length = length;
    for (Index s = 0; s < sequences; ++s) {
        const std::size_t start = startOf(stream, text, random);
        batch.tokens.push_back(specials.cls);
        for (Index t = 0; t < text; ++t) batch.tokens.push_back(stream[start + static_cast<std::size_t>(t)]);
        batch.tokens.push_back(specials.sep);
    }
    batch.segments.assign(batch.tokens.size(), 0);
    maskTokens(batch, options, specials, random);
    return batch;
}

Batch sentencePairBatch(const std::vector<std::vector<std::int32_t>>& sentences, Index sequences, Index length,
                        const MaskingOptions& options, const SpecialTokens& specials, std::mt19937_64& random) {
    if (sentences.size() < 2) throw std::invalid_argument("next-sentence pairs need at least two sentences");
    Batch batch;
    batch.sequences = sequences;
    batch.length = length;
    std::uniform_int_distribution<std::size_t> pick(0, sentences.size() - 2);
    std::uniform_int_distribution<std::size_t> anySentence(0, sentences.size() - 1);
    std::bernoulli_distribution isNext(0.5);
    const Index room = length - 3;  // [CLS] A [SEP] B [SEP]
    for (Index s = 0; s < sequences; ++s) {
        const std::size_t a = pick(random);
        const bool next = isNext(random);
        const std::size_t b = next ? a + 1 : anySentence(random);
        std::vector<std::int32_t> first = sentences[a];
        std::vector<std::int32_t> second = sentences[b];
        // Trim the longer one until both fit.
        while (static_cast<Index>(first.size() + second.size()) > room) {
            (first.size() > second.size() ? first : second).pop_back();
        }
        std::vector<std::int32_t> tokens{specials.cls};
        std::vector<std::int32_t> segments{0};
        for (const std::int32_t t : first) tokens.push_back(t), segments.push_back(0);
        tokens.push_back(specials.sep), segments.push_back(0);
        for (const std::int32_t t : second) tokens.push_back(t), segments.push_back(1);
        tokens.push_back(specials.sep), segments.push_back(1);
        std::vector<std::uint8_t> padding(tokens.size(), 0);
        while (static_cast<Index>(tokens.size()) < length) {
            tokens.push_back(specials.pad), segments.push_back(0), padding.push_back(1);
        }
        batch.tokens.insert(batch.tokens.end(), tokens.begin(), tokens.end());
        batch.segments.insert(batch.segments.end(), segments.begin(), segments.end());
        batch.padding.insert(batch.padding.end(), padding.begin(), padding.end());
        batch.sequenceLabels.push_back(next ? 1 : 0);
    }
    maskTokens(batch, options, specials, random);
    return batch;
}

Batch spanCorruptionBatch(const std::vector<std::int32_t>& stream, Index sequences, Index length,
                          const SpanOptions& options, const SpecialTokens& specials, std::mt19937_64& random) {
    requireStream(stream, length);
    const Index noise = std::max<Index>(1, static_cast<Index>(double(length) * options.noiseDensity + 0.5));
    const Index spans = std::clamp<Index>(static_cast<Index>(double(noise) / options.meanSpanLength + 0.5), 1,
                                          std::min<Index>(specials.sentinels - 1, noise));
    const Index targetLength = noise + spans + 1;  // every sentinel, every corrupted token, the closing sentinel
    Batch batch;
    batch.sequences = sequences;
    batch.length = length;
    batch.targetLength = targetLength;
    for (Index s = 0; s < sequences; ++s) {
        const std::size_t start = startOf(stream, length, random);
        const std::vector<std::int32_t> window(stream.begin() + static_cast<std::ptrdiff_t>(start),
                                               stream.begin() + static_cast<std::ptrdiff_t>(start) + length);
        // Split `noise` tokens into `spans` non-empty spans, and the rest into spans + 1 gaps
        // (the first may be empty), then lay them out gap, span, gap, span, ..., gap.
        const auto split = [&](Index total, Index parts, bool firstMayBeEmpty) {
            std::vector<Index> sizes(static_cast<std::size_t>(parts), firstMayBeEmpty ? 0 : 1);
            Index left = total - (firstMayBeEmpty ? 0 : parts);
            std::uniform_int_distribution<Index> part(0, parts - 1);
            for (; left > 0; --left) ++sizes[static_cast<std::size_t>(part(random))];
            return sizes;
        };
        const std::vector<Index> spanSizes = split(noise, spans, false);
        std::vector<Index> gapSizes = split(length - noise, spans + 1, true);
        std::vector<std::int32_t> input;
        std::vector<std::int32_t> target;
        Index position = 0;
        for (Index i = 0; i <= spans; ++i) {
            for (Index k = 0; k < gapSizes[static_cast<std::size_t>(i)]; ++k) input.push_back(window[static_cast<std::size_t>(position++)]);
            if (i == spans) break;
            const std::int32_t sentinel = specials.firstSentinel + static_cast<std::int32_t>(i);
            input.push_back(sentinel);   // the span becomes <X_i> in the input ...
            target.push_back(sentinel);  // ... and <X_i> span in the target
            for (Index k = 0; k < spanSizes[static_cast<std::size_t>(i)]; ++k) target.push_back(window[static_cast<std::size_t>(position++)]);
        }
        target.push_back(specials.firstSentinel + static_cast<std::int32_t>(spans));  // closing sentinel
        std::vector<std::uint8_t> padding(input.size(), 0);
        while (static_cast<Index>(input.size()) < length) input.push_back(specials.pad), padding.push_back(1);
        batch.tokens.insert(batch.tokens.end(), input.begin(), input.end());
        batch.padding.insert(batch.padding.end(), padding.begin(), padding.end());
        // The decoder reads the target shifted right: BOS, then all but the last.
        batch.decoderTokens.push_back(specials.bos);
        batch.decoderTokens.insert(batch.decoderTokens.end(), target.begin(), target.end() - 1);
        batch.decoderTargets.insert(batch.decoderTargets.end(), target.begin(), target.end());
    }
    return batch;
}

Batch randomBatch(nn::Architecture architecture, Index vocabulary, Index sequences, Index length,
                  const SpecialTokens& specials, std::mt19937_64& random) {
    // `vocabulary` counts the text tokens only: the specials sit above it.
    std::uniform_int_distribution<std::int32_t> token(0, static_cast<std::int32_t>(vocabulary) - 1);
    std::vector<std::int32_t> stream(static_cast<std::size_t>(sequences * (length + 1) * 4));
    for (std::int32_t& t : stream) t = token(random);
    switch (architecture) {
        case nn::Architecture::Decoder: return nextTokenBatch(stream, sequences, length, random);
        case nn::Architecture::Encoder: {
            MaskingOptions options;
            options.textVocabulary = vocabulary;
            return maskedLmBatch(stream, sequences, length, options, specials, random);
        }
        case nn::Architecture::EncoderDecoder: return spanCorruptionBatch(stream, sequences, length, {}, specials, random);
    }
    return {};
}

}  // namespace pretrainlab::data
