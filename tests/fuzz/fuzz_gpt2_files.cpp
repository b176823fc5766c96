// GPT-2's vocab.json and merges.txt: the input holds both, merges.txt after a "=====" line
// (fuzz::fileSeparator). readGpt2Files takes paths, so both go to scratch files first.

#include <cstddef>
#include <cstdint>

#include "core/common/error.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [vocab, merges] = fuzz::splitFiles(fuzz::asText(data, size));
    const auto vocabPath = fuzz::scratch().write("vocab.json", vocab);
    const auto mergesPath = fuzz::scratch().write("merges.txt", merges);
    try {
        const Tokenizer tokenizer = readGpt2Files(vocabPath, mergesPath);
        fuzz::exercise(tokenizer);
    } catch (const LocatedError&) {
    }
    return 0;
}
