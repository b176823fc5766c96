#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/common/progress.hpp"

namespace pretrainlab {

class PreTokenizer;

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
    // Adds another count's words after this one's, keeping first-occurrence order.
    void merge(const WordCounts& later);

    const std::vector<CorpusWord>& words() const { return words_; }
    std::size_t size() const { return words_.size(); }
    bool empty() const { return words_.empty(); }
    std::uint64_t totalOccurrences() const { return totalOccurrences_; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    std::vector<CorpusWord> words_;
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> indexOf_;
    std::uint64_t totalOccurrences_ = 0;
};

// The counts as bytes, word by word in their order: its count (8 bytes), its length (4 bytes),
// little-endian, then its bytes. wordCountsFromBytes gives the same counts back; bytes that are not
// such a list (cut short, a word twice, an empty word or a count of 0) are a LocatedError naming
// `source` and the byte where it goes wrong.
std::string wordCountsBytes(const WordCounts& counts);
WordCounts wordCountsFromBytes(std::string_view bytes, const std::string& source);

// Counts the words of `text` as a pre-tokenizer cuts them, the way Hugging Face trains from a file:
// line by line, each line with its line break. Runs on `threads` threads (0: all cores); the
// result is the same for any number of threads. Throws Cancelled if `progress` asks to stop.
WordCounts countWords(std::string_view text, const PreTokenizer& preTokenizer, unsigned threads = 0,
                      const Progress& progress = {});

}  // namespace pretrainlab
