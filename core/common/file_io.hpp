#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace pretrainlab {

// Reads a whole file as bytes. Throws LocatedError naming the file and the system's reason
// ("No such file or directory", "Is a directory", ...).
std::string readFileBytes(const std::filesystem::path& path);

// Writes `bytes` to a temporary file beside `path`, flushes it to the disk, then renames it over
// `path` and flushes the folder, so a crash or a full disk never leaves a half-written file where
// the old one was. Only a regular file is replaced: a directory, device, FIFO or socket at `path`
// is refused by name. A symbolic link is followed: the file it points to is replaced and the link
// stays. Throws LocatedError.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// The two halves of the above, for saving several files together: write each to a temporary file
// of its own beside its target (PATH.XXXXXXXX.partial, flushed to the disk), then rename them. A
// crash before the renames leaves every old file as it was. The temporary's folder entry is
// flushed too, so a commit that names it (a checkpoint's JSON) never outlives it. On failure
// nothing is left behind.
std::filesystem::path writeTemporaryFile(const std::filesystem::path& path, std::string_view bytes);
// Renames the temporary over `path` (through a symbolic link, to the file it points to) and flushes
// the folder. On failure the temporary is removed.
void commitTemporaryFile(const std::filesystem::path& temporary, const std::filesystem::path& path);

// Where a write to `path` lands: `path` itself, or, for a symbolic link, the file it points to
// (which need not exist yet). Throws LocatedError when that is something other than a regular file
// (a directory, a device such as /dev/null, a FIFO, a socket) or a link that cannot be followed.
std::filesystem::path writableTarget(const std::filesystem::path& path);

// Flushes a folder's entries (renames, new files) to the disk; errors are ignored, as some file
// systems cannot.
void syncDirectory(const std::filesystem::path& folder);

// Removes a file if it is there; errors are ignored (for cleaning up after a failure).
void removeQuietly(const std::filesystem::path& path);

// 64-bit FNV-1a of the bytes: a fingerprint to notice that a file changed.
std::uint64_t fingerprint(std::string_view bytes);

// 1-based line of a byte offset, for messages.
std::size_t lineOfOffset(std::string_view text, std::size_t byteOffset);

}  // namespace pretrainlab
