#include "core/tokenize/word_counts.hpp"

#include "core/text/utf8.hpp"

namespace pretrainlab {

WordCounts WordCounts::fromText(std::string_view text, const std::string& source) {
    utf8::requireValid(text, source);
    WordCounts counts;
    std::size_t pos = 0;
    std::size_t wordStart = std::string_view::npos;
    while (pos < text.size()) {
        const std::size_t characterStart = pos;
        const char32_t codePoint = utf8::decode(text, pos);
        if (utf8::isWhitespace(codePoint)) {
            if (wordStart != std::string_view::npos) {
                counts.add(text.substr(wordStart, characterStart - wordStart));
                wordStart = std::string_view::npos;
            }
        } else if (wordStart == std::string_view::npos) {
            wordStart = characterStart;
        }
    }
    if (wordStart != std::string_view::npos) counts.add(text.substr(wordStart));
    return counts;
}

void WordCounts::add(std::string_view word, std::uint64_t count) {
    if (word.empty() || count == 0) return;
    auto [it, inserted] = indexOf_.try_emplace(std::string(word), words_.size());
    if (inserted) {
        words_.push_back(CorpusWord{it->first, count});
    } else {
        words_[it->second].count += count;
    }
    totalOccurrences_ += count;
}

}  // namespace pretrainlab
