#pragma once

#include <cstdint>
#include <vector>

#include "core/common/progress.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab {

// The lecture's efficiency trade-off, as numbers: the bigger the vocabulary, the fewer tokens a
// corpus takes.
struct TradeoffPoint {
    std::size_t merges = 0;
    std::size_t vocabularySize = 0;
    std::uint64_t totalTokens = 0;  // tokens the whole corpus takes
    double tokensPerWord = 0;
};

// Trains on `corpus` and records the point before any merge and after each one.
std::vector<TradeoffPoint> tradeoffCurve(const WordCounts& corpus, const BpeOptions& options,
                                         const Progress& progress = {});

// The same for a trained BPE tokenizer's merges, applied in order to `corpus` (whose words must
// be cut the way the tokenizer's pre-tokenizer cuts them). Throws std::invalid_argument for a
// tokenizer without a merge list (WordPiece, tiktoken ranks).
std::vector<TradeoffPoint> tradeoffCurve(const WordCounts& corpus, const Tokenizer& tokenizer);

}  // namespace pretrainlab
