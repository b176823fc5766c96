#pragma once

#include <cstdint>
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

// The two halves of the above, for saving several files together: write each to PATH.partial,
// then rename them all. A crash before the renames leaves every old file as it was.
std::filesystem::path writeTemporaryFile(const std::filesystem::path& path, std::string_view bytes);
void commitTemporaryFile(const std::filesystem::path& temporary, const std::filesystem::path& path);

// 64-bit FNV-1a of the bytes: a fingerprint to notice that a file changed.
std::uint64_t fingerprint(std::string_view bytes);

// 1-based line of a byte offset, for messages.
std::size_t lineOfOffset(std::string_view text, std::size_t byteOffset);

}  // namespace pretrainlab
