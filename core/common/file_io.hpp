#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace pretrainlab {

// Reads a whole file as bytes. Throws LocatedError naming the file and the system's reason
// ("No such file or directory", "Is a directory", ...).
std::string readFileBytes(const std::filesystem::path& path);

// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a crash or a
// full disk never leaves a half-written file where the old one was. Throws LocatedError.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// 1-based line of a byte offset, for messages.
std::size_t lineOfOffset(std::string_view text, std::size_t byteOffset);

}  // namespace pretrainlab
