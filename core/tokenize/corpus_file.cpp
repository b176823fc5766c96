#include "core/tokenize/corpus_file.hpp"

#include <algorithm>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/input_file.hpp"
#include "core/text/utf8.hpp"

namespace pretrainlab {

namespace {

// Checks one stretch of a corpus that starts at `offset` (on line `line`) of `source`.
void checkText(std::string_view text, const std::string& source, const CorpusOptions& options,
               std::uint64_t offset, std::size_t line) {
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
        throw LocatedError(SourceLocation{source, line - 1 + lineOfOffset(text, nul), offset + nul},
                           "a NUL byte: this looks like a binary file, not text");
    }
    if (options.anyBytes) return;
    if (const std::optional<utf8::Problem> problem = utf8::findProblem(text)) {
        throw LocatedError(SourceLocation{source, line - 1 + problem->line, offset + problem->byteOffset},
                           "invalid UTF-8: " + problem->reason);
    }
}

[[noreturn]] void failEmpty(const std::string& source) {
    throw LocatedError(SourceLocation{source, std::nullopt, std::nullopt}, "the corpus is empty: it holds no words");
}

}  // namespace

WordCounts countCorpusWords(std::string_view text, const std::string& source,
                            const CorpusOptions& options, const Progress& progress) {
    checkText(text, source, options, 0, 1);
    WordCounts words = countWords(text, PreTokenizer(options.preTokenizer), options.threads, progress);
    if (words.empty()) failEmpty(source);
    return words;
}

WordCounts readCorpusWords(const std::filesystem::path& path, const CorpusOptions& options,
                           const Progress& progress) {
    // Block by block: memory follows the distinct words, not the size of the file. Blocks end at
    // line breaks and words are counted line by line, so the counts equal one pass over the whole.
    const std::string source = path.string();
    const PreTokenizer preTokenizer(options.preTokenizer);
    const Progress stopOnly{{}, progress.shouldStop};
    WordCounts words;
    std::size_t line = 1;
    std::size_t readLine = 1;  // the line the bytes read so far end on
    const auto refuseBinary = [&](std::string_view bytes, std::uint64_t offset) {
        if (const std::size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
            throw LocatedError(SourceLocation{source, readLine - 1 + lineOfOffset(bytes, nul), offset + nul},
                               "a NUL byte: this looks like a binary file, not text");
        }
        readLine += static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
    };
    forEachLineBlock(
        path, std::max<std::size_t>(options.blockBytes, 1),
        [&](std::string_view block, std::uint64_t offset) {
            checkText(block, source, options, offset, line);
            words.merge(countWords(block, preTokenizer, options.threads, stopOnly));
            line += static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n'));
        },
        progress, maxCorpusBytes, refuseBinary);
    if (words.empty()) failEmpty(source);
    return words;
}

}  // namespace pretrainlab
