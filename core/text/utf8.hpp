#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pretrainlab::utf8 {

// The first place a byte string stops being well-formed UTF-8 (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF).
struct Problem {
    std::size_t byteOffset = 0;  // 0-based offset of the offending byte
    std::size_t line = 1;        // 1-based line of that byte
    std::string reason;          // e.g. "unexpected continuation byte 0x80"
};

std::optional<Problem> findProblem(std::string_view bytes);

// Throws LocatedError("<source>: byte N (line L): invalid UTF-8: <reason>") on the first problem.
void requireValid(std::string_view bytes, const std::string& source);

// The functions below expect well-formed UTF-8 (check with findProblem first).

// Decodes the code point starting at `pos` and advances `pos` past it.
char32_t decode(std::string_view text, std::size_t& pos);

// The code point of a string holding one character (the first one, if it holds more).
char32_t firstCodePoint(std::string_view text);

std::string encode(char32_t codePoint);

// Splits text into its characters (code points), each as its UTF-8 bytes.
std::vector<std::string> splitCharacters(std::string_view text);

std::size_t countCharacters(std::string_view text);

// Unicode's White_Space property (the 25 code points of PropList.txt).
bool isWhitespace(char32_t codePoint);

}  // namespace pretrainlab::utf8
