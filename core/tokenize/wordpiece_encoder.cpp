#include "core/tokenize/wordpiece_encoder.hpp"

#include "core/text/utf8.hpp"

namespace pretrainlab {

WordPieceEncoder::WordPieceEncoder(const Vocabulary& vocabulary, std::optional<TokenId> unknown,
                                   std::string continuingPrefix, std::size_t maxCharacters)
    : vocabulary_(&vocabulary),
      unknown_(unknown),
      prefix_(std::move(continuingPrefix)),
      maxCharacters_(maxCharacters) {}

void WordPieceEncoder::encode(std::string_view word, std::vector<TokenId>& ids) const {
    const auto giveUp = [&] {
        if (unknown_) ids.push_back(*unknown_);
    };
    if (word.empty()) return;
    if (utf8::countCharacters(word) > maxCharacters_) return giveUp();

    // Character boundaries, so a piece never cuts a character.
    std::vector<std::size_t> boundaries;
    for (std::size_t pos = 0; pos < word.size();) {
        boundaries.push_back(pos);
        utf8::decode(word, pos);
    }
    boundaries.push_back(word.size());

    const std::size_t before = ids.size();
    std::string candidate;
    std::size_t start = 0;  // index into boundaries
    while (start + 1 < boundaries.size()) {
        std::size_t end = boundaries.size() - 1;
        std::optional<TokenId> found;
        for (; end > start; --end) {
            candidate.clear();
            if (start > 0) candidate += prefix_;
            candidate += word.substr(boundaries[start], boundaries[end] - boundaries[start]);
            if ((found = vocabulary_->find(candidate))) break;
        }
        if (!found) {
            ids.resize(before);
            return giveUp();
        }
        ids.push_back(*found);
        start = end;
    }
}

}  // namespace pretrainlab
