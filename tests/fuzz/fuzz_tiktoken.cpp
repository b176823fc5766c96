// A tiktoken rank file from arbitrary bytes. An accepted file is byte-level BPE whose vocabulary
// covers every byte, so decoding the encoding of any text gives the text back.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = fuzz::scratch().write("ranks.tiktoken", fuzz::asText(data, size));
    try {
        const Tokenizer tokenizer = readTiktokenRanks(path);
        const std::vector<TokenId> ids = fuzz::exercise(tokenizer);
        FUZZ_CHECK(tokenizer.decode(ids) == fuzz::sampleText);
        std::string everyByte;
        for (int byte = 0; byte < 256; ++byte) everyByte += static_cast<char>(byte);
        FUZZ_CHECK(tokenizer.decode(tokenizer.encode(everyByte)) == everyByte);
    } catch (const LocatedError&) {
    }
    return 0;
}
