// Hugging Face's tokenizer.json from arbitrary bytes: parseTokenizerJson either refuses the text
// with a LocatedError or returns a tokenizer that encodes and decodes.

#include <cstddef>
#include <cstdint>

#include "core/common/error.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const Tokenizer tokenizer = parseTokenizerJson(fuzz::asText(data, size), "tokenizer.json");
        fuzz::exercise(tokenizer);
    } catch (const LocatedError&) {
    }
    return 0;
}
