#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab {

// One merge while encoding a text: the lowest-ranked merge that applies anywhere, made in every
// piece where it applies.
struct EncodingStep {
    std::uint32_t rank = 0;  // the merge's rank, from 0
    TokenPair pair;
    TokenId merged = 0;
    std::size_t occurrences = 0;                 // places in the text where it merged
    std::vector<std::vector<TokenId>> pieces;    // every piece's tokens after this merge
};

// How BPE encodes a text, merge by merge, for the lesson to animate.
struct EncodingTrace {
    std::vector<std::string> pieces;              // the pre-tokenized pieces
    std::vector<std::vector<TokenId>> initial;    // their symbols before any merge
    std::vector<EncodingStep> steps;
    // Symbols the vocabulary lacks (a character BPE never saw in training, with no unknown token),
    // in the order they occur. Each stands in the pieces as BpeEncoder::missingSymbol and never
    // merges; encoding proper drops them, as Hugging Face's BPE does.
    std::vector<std::string> missing;
    const std::vector<std::vector<TokenId>>& final() const {
        return steps.empty() ? initial : steps.back().pieces;
    }
};

// Throws std::invalid_argument for a tokenizer that is not BPE; LocatedError for text that must
// be UTF-8 and is not.
EncodingTrace traceEncoding(const Tokenizer& tokenizer, std::string_view text);

}  // namespace pretrainlab
