#include "core/tokenize/corpus_file.hpp"

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/text/utf8.hpp"

namespace pretrainlab {

WordCounts countCorpusWords(std::string_view text, const std::string& source,
                            const CorpusOptions& options, const Progress& progress) {
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
        throw LocatedError(SourceLocation{source, lineOfOffset(text, nul), nul},
                           "a NUL byte: this looks like a binary file, not text");
    }
    if (!options.anyBytes) utf8::requireValid(text, source);
    WordCounts words = countWords(text, PreTokenizer(options.preTokenizer), options.threads, progress);
    if (words.empty()) {
        throw LocatedError(SourceLocation{source, std::nullopt, std::nullopt},
                           "the corpus is empty: it holds no words");
    }
    return words;
}

WordCounts readCorpusWords(const std::filesystem::path& path, const CorpusOptions& options,
                           const Progress& progress) {
    return countCorpusWords(readFileBytes(path), path.string(), options, progress);
}

}  // namespace pretrainlab
