#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pretrainlab {

struct CorpusWord {
    std::string text;
    std::uint64_t count = 0;
};

// The corpus as BPE sees it: each distinct word once, with how often it occurs, in the order of
// first occurrence (so "banana band ban" lists banana, band, ban).
class WordCounts {
public:
    // Splits on Unicode whitespace. Throws LocatedError (naming `source` and the byte offset) if
    // the text is not valid UTF-8.
    static WordCounts fromText(std::string_view text, const std::string& source);

    void add(std::string_view word, std::uint64_t count = 1);

    const std::vector<CorpusWord>& words() const { return words_; }
    std::size_t size() const { return words_.size(); }
    bool empty() const { return words_.empty(); }
    std::uint64_t totalOccurrences() const { return totalOccurrences_; }

private:
    std::vector<CorpusWord> words_;
    std::unordered_map<std::string, std::size_t> indexOf_;
    std::uint64_t totalOccurrences_ = 0;
};

}  // namespace pretrainlab
