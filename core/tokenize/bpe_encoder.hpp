#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenize/bpe_trainer.hpp"
#include "core/tokenize/vocabulary.hpp"

namespace pretrainlab {

// Encodes one pre-tokenized piece with learned merges: start from its symbols, then apply the
// lowest-ranked merge that occurs, leftmost first, until none applies (as GPT-2 and tiktoken do).
class BpeEncoder {
public:
    struct Options {
        bool byteLevel = false;           // symbols are GPT-2 byte symbols; else characters
        std::optional<TokenId> unknown;   // for a symbol the vocabulary lacks; else it is dropped
        std::string continuingPrefix;     // on every symbol but a piece's first
        bool ignoreMerges = false;        // a piece that is a token as a whole is taken whole
    };

    // Merges given in rank order (merges.txt, tokenizer.json, or a trainer).
    BpeEncoder(const Vocabulary& vocabulary, const std::vector<TokenPair>& merges, Options options);
    // tiktoken's rule: a pair may merge when the two tokens together are a token, and the merged
    // token's own rank (its id) orders the merges.
    static BpeEncoder fromTokenRanks(const Vocabulary& vocabulary, Options options);

    struct Ranked {
        std::uint32_t rank = 0;
        TokenId merged = 0;
    };

    // Appends the ids of `piece` (raw bytes when byte-level, else UTF-8 text).
    void encode(std::string_view piece, std::vector<TokenId>& ids) const;
    // Appends the symbols `piece` starts as, before any merge. A symbol the vocabulary lacks
    // becomes the unknown token, or is dropped when there is none; with `missing` given, it
    // becomes `missingSymbol` instead (never part of a merge) and its text is appended to
    // `missing`, so a lesson can show what encoding drops.
    void initialSymbols(std::string_view piece, std::vector<TokenId>& symbols,
                        std::vector<std::string>* missing = nullptr) const;
    static constexpr TokenId missingSymbol = ~TokenId{0};
    std::size_t mergeCount() const { return ranks_.size(); }
    // The merge a pair takes part in, if any: its rank and the token it makes.
    std::optional<Ranked> mergeOf(TokenPair pair) const;

private:
    BpeEncoder(const Vocabulary& vocabulary, Options options);
    static std::uint64_t key(TokenId left, TokenId right) {
        return (static_cast<std::uint64_t>(left) << 32) | right;
    }

    const Vocabulary* vocabulary_;
    Options options_;
    std::array<std::optional<TokenId>, 256> byteIds_{};  // byte-level: the id of each byte's symbol
    std::unordered_map<std::uint64_t, Ranked> ranks_;
};

}  // namespace pretrainlab
