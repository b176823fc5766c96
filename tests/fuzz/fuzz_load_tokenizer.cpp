// Any file given as a tokenizer: detectTokenizerFile recognises it by content and loadTokenizer
// reads it with the reader it picked. A "=====" line (fuzz::fileSeparator) in the input starts a
// merges.txt that is passed along, as `--merges` does.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/common/error.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);
    const auto [file, merges] = fuzz::splitFiles(input);
    const bool withMerges = file.size() != input.size();
    const auto path = fuzz::scratch().write("tokenizer", file);
    std::optional<std::filesystem::path> mergesPath;
    if (withMerges) mergesPath = fuzz::scratch().write("merges.txt", merges);
    try {
        (void)detectTokenizerFile(path);
    } catch (const LocatedError&) {
    }
    try {
        const Tokenizer tokenizer = loadTokenizer(path, mergesPath);
        fuzz::exercise(tokenizer);
    } catch (const LocatedError&) {
    }
    return 0;
}
