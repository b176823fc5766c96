#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenize/vocabulary.hpp"

namespace pretrainlab {

// WordPiece encoding of one pre-tokenized word: greedy longest match first, left to right, with
// the continuing prefix on every piece but the first ("bio ##ortho ##gonal"). A word that cannot
// be covered, or is longer than `maxCharacters`, becomes the unknown token (as BERT does).
class WordPieceEncoder {
public:
    WordPieceEncoder(const Vocabulary& vocabulary, std::optional<TokenId> unknown,
                     std::string continuingPrefix = "##", std::size_t maxCharacters = 100);

    void encode(std::string_view word, std::vector<TokenId>& ids) const;

private:
    const Vocabulary* vocabulary_;
    std::optional<TokenId> unknown_;
    std::string prefix_;
    std::size_t maxCharacters_;
};

}  // namespace pretrainlab
