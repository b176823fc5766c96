// BERT's vocab.txt from arbitrary bytes.

#include <cstddef>
#include <cstdint>

#include "core/common/error.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = fuzz::scratch().write("vocab.txt", fuzz::asText(data, size));
    try {
        const Tokenizer tokenizer = readBertVocab(path);
        fuzz::exercise(tokenizer);
    } catch (const LocatedError&) {
    }
    return 0;
}
