#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/common/progress.hpp"
#include "core/text/pretokenizer.hpp"
#include "core/tokenize/word_counts.hpp"

namespace pretrainlab {

struct CorpusOptions {
    PreTokenizerKind preTokenizer = PreTokenizerKind::WhitespaceSplit;
    // Byte-level training takes any bytes; otherwise the text must be UTF-8.
    bool anyBytes = false;
    unsigned threads = 0;  // 0: all cores
    std::size_t blockBytes = std::size_t{32} << 20;  // a file is read and counted this much at a time
};

// Counts the words of a corpus for training. Throws LocatedError naming `source` for text that
// holds a NUL byte (a binary file, not text), for invalid UTF-8 where characters are needed (with
// the byte offset), and for text with no words at all; Cancelled if `progress` asks to stop.
WordCounts countCorpusWords(std::string_view text, const std::string& source,
                            const CorpusOptions& options, const Progress& progress = {});
WordCounts readCorpusWords(const std::filesystem::path& path, const CorpusOptions& options,
                           const Progress& progress = {});

}  // namespace pretrainlab
