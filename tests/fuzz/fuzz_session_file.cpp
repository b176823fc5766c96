// The session file reader from arbitrary bytes: parseSessionFile either refuses the bytes with a
// LocatedError or gives parts whose bytes match the record (saved again, they make a file that
// reads back the same); a part read as word counts or as a model is read or refused, never more.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.hpp"
#include "core/tokenize/word_counts.hpp"
#include "core/train/bundle_bytes.hpp"
#include "core/train/session_file.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    train::SessionParts parts;
    try {
        parts = train::parseSessionFile(std::string(fuzz::asText(data, size)), "fuzz.pretrainlab");
    } catch (const LocatedError&) {
        return 0;
    }
    FUZZ_CHECK(train::parseSessionFile(train::sessionFileBytes(parts), "again") == parts);
    for (const auto& [name, bytes] : parts) {
        try {
            const WordCounts counts = wordCountsFromBytes(bytes, name);
            FUZZ_CHECK(wordCountsBytes(counts) == bytes);
        } catch (const LocatedError&) {
        }
        const std::string suffix = ".json";
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            const std::string stem = name.substr(0, name.size() - suffix.size());
            const auto weights = parts.find(stem + ".safetensors");
            if (weights == parts.end()) continue;
            try {
                const auto bundle = train::bundleFromBytes({bytes, weights->second}, stem);
                FUZZ_CHECK(bundle && bundle->model);
            } catch (const LocatedError&) {
            }
        }
    }
    return 0;
}
