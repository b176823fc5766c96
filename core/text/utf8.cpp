#include "core/text/utf8.hpp"

#include <array>
#include <cstdio>

#include "core/common/error.hpp"

namespace pretrainlab::utf8 {
namespace {

std::string hexByte(unsigned char byte) {
    std::array<char, 8> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "0x%02X", byte);
    return buffer.data();
}

bool isContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

std::optional<Problem> findProblem(std::string_view bytes) {
    std::size_t line = 1;
    std::size_t pos = 0;
    const std::size_t size = bytes.size();
    while (pos < size) {
        const auto lead = static_cast<unsigned char>(bytes[pos]);
        if (lead < 0x80) {
            if (lead == '\n') ++line;
            ++pos;
            continue;
        }
        std::size_t length = 0;
        char32_t minimum = 0;
        char32_t value = 0;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2, minimum = 0x80, value = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3, minimum = 0x800, value = lead & 0x0F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4, minimum = 0x10000, value = lead & 0x07;
        } else if (isContinuation(lead)) {
            return Problem{pos, line, "unexpected continuation byte " + hexByte(lead)};
        } else {
            return Problem{pos, line, "byte " + hexByte(lead) + " never appears in UTF-8"};
        }
        for (std::size_t k = 1; k < length; ++k) {
            if (pos + k >= size) {
                return Problem{pos, line, "truncated sequence at end of input (lead byte " +
                                              hexByte(lead) + ")"};
            }
            const auto next = static_cast<unsigned char>(bytes[pos + k]);
            if (!isContinuation(next)) {
                return Problem{pos + k, line,
                               "expected a continuation byte after " + hexByte(lead) + ", got " +
                                   hexByte(next)};
            }
            value = (value << 6) | (next & 0x3F);
        }
        if (value < minimum) return Problem{pos, line, "overlong encoding"};
        if (value >= 0xD800 && value <= 0xDFFF) {
            return Problem{pos, line, "encoded surrogate code point"};
        }
        if (value > 0x10FFFF) return Problem{pos, line, "code point above U+10FFFF"};
        pos += length;
    }
    return std::nullopt;
}

void requireValid(std::string_view bytes, const std::string& source) {
    if (auto problem = findProblem(bytes)) {
        throw LocatedError(SourceLocation{source, problem->line, problem->byteOffset},
                           "invalid UTF-8: " + problem->reason);
    }
}

char32_t decode(std::string_view text, std::size_t& pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
        ++pos;
        return lead;
    }
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    char32_t value = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length && pos + k < text.size(); ++k) {
        value = (value << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
    }
    pos += length;
    return value;
}

char32_t firstCodePoint(std::string_view text) {
    std::size_t pos = 0;
    return text.empty() ? 0 : decode(text, pos);
}

std::string encode(char32_t codePoint) {
    std::string out;
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
    return out;
}

std::vector<std::string> splitCharacters(std::string_view text) {
    std::vector<std::string> characters;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = pos;
        decode(text, pos);
        characters.emplace_back(text.substr(start, pos - start));
    }
    return characters;
}

std::size_t countCharacters(std::string_view text) {
    std::size_t count = 0;
    for (const char byte : text) {
        if (!isContinuation(static_cast<unsigned char>(byte))) ++count;
    }
    return count;
}

bool isWhitespace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

}  // namespace pretrainlab::utf8
