#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pretrainlab::byte_level {

// GPT-2's byte-to-unicode table: every byte gets a printable character, so byte-level tokens can
// be written as text. Printable bytes keep their own character ('a' is "a"); the others (space,
// control bytes, 0x7F-0xA0, 0xAD) move up to U+0100 onwards, which is why a space shows as "Ġ"
// and a newline as "Ċ".
char32_t codePointOf(std::uint8_t byte);

// The same table as UTF-8 strings, indexed by byte.
const std::array<std::string, 256>& symbols();

// Bytes -> their symbols, concatenated: "hi there" -> "hiĠthere".
std::string encode(std::string_view bytes);

// Symbols -> bytes; nullopt if a character is not in the table.
std::optional<std::string> decode(std::string_view symbolsText);

// The byte a symbol stands for, if `codePoint` is in the table.
std::optional<std::uint8_t> byteOf(char32_t codePoint);

}  // namespace pretrainlab::byte_level
