// The UTF-8 decoder on arbitrary bytes, checked against an independent validator written from
// the table of well-formed byte sequences in the Unicode standard (Table 3-7): findProblem flags
// exactly the ill-formed inputs, at the first ill-formed sequence, on the right line; valid text
// splits into characters that re-encode to the same bytes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.hpp"
#include "core/text/utf8.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

namespace {

// The length of the well-formed sequence at `pos`, or 0 when none starts there.
std::size_t wellFormedLength(std::string_view bytes, std::size_t pos) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[pos + k]); };
    const auto in = [](unsigned char byte, unsigned char low, unsigned char high) { return byte >= low && byte <= high; };
    const std::size_t left = bytes.size() - pos;
    const unsigned char lead = at(0);
    if (lead <= 0x7F) return 1;
    if (in(lead, 0xC2, 0xDF)) return left >= 2 && in(at(1), 0x80, 0xBF) ? 2 : 0;
    if (in(lead, 0xE0, 0xEF)) {
        if (left < 3) return 0;
        const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
        const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
        return in(at(1), low, high) && in(at(2), 0x80, 0xBF) ? 3 : 0;
    }
    if (in(lead, 0xF0, 0xF4)) {
        if (left < 4) return 0;
        const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
        const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
        return in(at(1), low, high) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes = fuzz::asText(data, size);
    std::size_t validEnd = 0;
    std::size_t characters = 0;
    while (validEnd < bytes.size()) {
        const std::size_t length = wellFormedLength(bytes, validEnd);
        if (length == 0) break;
        validEnd += length;
        ++characters;
    }
    const bool valid = validEnd == bytes.size();

    const std::optional<utf8::Problem> problem = utf8::findProblem(bytes);
    FUZZ_CHECK(problem.has_value() == !valid);
    if (problem) {
        FUZZ_CHECK(problem->byteOffset >= validEnd && problem->byteOffset < std::min(validEnd + 4, bytes.size()));
        const auto newlines = static_cast<std::size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(validEnd), '\n'));
        FUZZ_CHECK(problem->line == newlines + 1);
        FUZZ_CHECK(!problem->reason.empty());
        bool threw = false;
        try {
            utf8::requireValid(bytes, "fuzz input");
        } catch (const LocatedError& error) {
            threw = true;
            FUZZ_CHECK(error.where().byteOffset == problem->byteOffset);
        }
        FUZZ_CHECK(threw);
        return 0;
    }

    utf8::requireValid(bytes, "fuzz input");
    const std::vector<std::string> split = utf8::splitCharacters(bytes);
    FUZZ_CHECK(split.size() == characters);
    FUZZ_CHECK(utf8::countCharacters(bytes) == characters);
    std::string joined;
    std::size_t pos = 0;
    for (const std::string& character : split) {
        const std::size_t before = pos;
        const char32_t codePoint = utf8::decode(bytes, pos);
        FUZZ_CHECK(pos - before == character.size());
        FUZZ_CHECK(utf8::firstCodePoint(character) == codePoint);
        FUZZ_CHECK(utf8::encode(codePoint) == character);
        (void)utf8::isWhitespace(codePoint);
        joined += character;
    }
    FUZZ_CHECK(joined == bytes);
    return 0;
}
