#pragma once

// Turning a stream of token ids into training batches for each objective of the lecture.

#include <cstdint>
#include <random>
#include <vector>

#include "core/nn/transformer.hpp"

namespace pretrainlab::data {

using nn::Batch;
using nn::Index;

// Ids the objectives need besides the text's own tokens.
struct SpecialTokens {
    std::int32_t pad = -1;
    std::int32_t cls = -1;
    std::int32_t sep = -1;
    std::int32_t mask = -1;
    std::int32_t bos = -1;            // the decoder's first input (encoder-decoder)
    std::int32_t firstSentinel = -1;  // span corruption: <X_0>, <X_1>, ... from here
    std::int32_t sentinels = 0;
};

// Appends the special tokens an architecture needs after `vocabulary` ids of text tokens, and
// returns them; `vocabulary` grows by as many.
SpecialTokens appendSpecialTokens(Index& vocabulary, nn::Architecture architecture, std::int32_t sentinels = 32);

// The same, but taken from the top of a vocabulary of `vocabulary` ids (random data keeps the
// model's size); `textVocabulary` is what is left for text.
SpecialTokens reserveSpecialTokens(Index vocabulary, nn::Architecture architecture, Index& textVocabulary,
                                   std::int32_t sentinels = 32);

// Decoder: next-token prediction. Random windows of `length` + 1 tokens; the model reads the
// first `length` and predicts each next one, so every token produces loss.
Batch nextTokenBatch(const std::vector<std::int32_t>& stream, Index sequences, Index length, std::mt19937_64& random);

struct MaskingOptions {
    double rate = 0.15;           // the share of tokens that become targets
    double maskShare = 0.8;       // of those: replaced by [MASK] ...
    double randomShare = 0.1;     // ... by a random token; the rest stay as they are
    Index textVocabulary = 0;     // random replacements come from [0, textVocabulary)
};

// BERT's masked LM on a batch whose `tokens` are set: picks about `rate` of the positions that are
// not special, makes them targets, and corrupts the input (80% [MASK], 10% random, 10% kept; or
// only [MASK] with maskShare = 1). Loss comes from the picked positions only.
void maskTokens(Batch& batch, const MaskingOptions& options, const SpecialTokens& specials, std::mt19937_64& random);

// Encoder: [CLS] window [SEP], masked.
Batch maskedLmBatch(const std::vector<std::int32_t>& stream, Index sequences, Index length,
                    const MaskingOptions& options, const SpecialTokens& specials, std::mt19937_64& random);

// Encoder: [CLS] A [SEP] B [SEP] with segments 0 for A, 1 for B; B is the sentence after A half of
// the time and a random one otherwise (label 1 = the next one); masked as well.
Batch sentencePairBatch(const std::vector<std::vector<std::int32_t>>& sentences, Index sequences, Index length,
                        const MaskingOptions& options, const SpecialTokens& specials, std::mt19937_64& random);

struct SpanOptions {
    double noiseDensity = 0.15;   // share of tokens corrupted
    double meanSpanLength = 3.0;
};

// Encoder-decoder: T5's span corruption. Spans of the window are replaced by sentinels <X_i> in
// the input; the target is <X_0> span₀ <X_1> span₁ ... <X_k>, which the decoder reads shifted
// right (after BOS). Shorter inputs and targets are padded.
Batch spanCorruptionBatch(const std::vector<std::int32_t>& stream, Index sequences, Index length,
                          const SpanOptions& options, const SpecialTokens& specials, std::mt19937_64& random);

// Uniformly random tokens, for measuring speed (as the PyTorch peer does).
Batch randomBatch(nn::Architecture architecture, Index vocabulary, Index sequences, Index length,
                  const SpecialTokens& specials, std::mt19937_64& random);

}  // namespace pretrainlab::data
