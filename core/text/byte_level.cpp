#include "core/text/byte_level.hpp"

#include "core/text/utf8.hpp"

namespace pretrainlab::byte_level {
namespace {

bool keepsItsOwnCharacter(unsigned byte) {
    return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE);
}

struct Tables {
    std::array<char32_t, 256> codePoints{};
    std::array<std::string, 256> symbols;
    std::array<std::int16_t, 0x144> byteOfCodePoint{};  // every mapped code point is below U+0144

    Tables() {
        byteOfCodePoint.fill(-1);
        char32_t next = 0x100;
        for (unsigned byte = 0; byte < 256; ++byte) {
            codePoints[byte] = keepsItsOwnCharacter(byte) ? static_cast<char32_t>(byte) : next++;
            symbols[byte] = utf8::encode(codePoints[byte]);
            byteOfCodePoint[codePoints[byte]] = static_cast<std::int16_t>(byte);
        }
    }
};

const Tables& tables() {
    static const Tables instance;
    return instance;
}

}  // namespace

char32_t codePointOf(std::uint8_t byte) { return tables().codePoints[byte]; }

const std::array<std::string, 256>& symbols() { return tables().symbols; }

std::string encode(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char byte : bytes) out += tables().symbols[static_cast<std::uint8_t>(byte)];
    return out;
}

std::optional<std::uint8_t> byteOf(char32_t codePoint) {
    if (codePoint >= tables().byteOfCodePoint.size()) return std::nullopt;
    const std::int16_t byte = tables().byteOfCodePoint[codePoint];
    if (byte < 0) return std::nullopt;
    return static_cast<std::uint8_t>(byte);
}

std::optional<std::string> decode(std::string_view symbolsText) {
    if (utf8::findProblem(symbolsText)) return std::nullopt;
    std::string bytes;
    bytes.reserve(symbolsText.size());
    std::size_t pos = 0;
    while (pos < symbolsText.size()) {
        const std::optional<std::uint8_t> byte = byteOf(utf8::decode(symbolsText, pos));
        if (!byte) return std::nullopt;
        bytes += static_cast<char>(*byte);
    }
    return bytes;
}

}  // namespace pretrainlab::byte_level
