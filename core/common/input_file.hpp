#pragma once

// Reading what the user points at: only regular files, within stated sizes, and corpora block by
// block so that memory follows the words, not the file.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/common/progress.hpp"

namespace pretrainlab {

// The largest file read whole (a text to encode, a tokenizer file): 2 GiB.
inline constexpr std::uint64_t maxWholeFileBytes = std::uint64_t{2} << 30;
// The largest corpus, read block by block: 64 GiB.
inline constexpr std::uint64_t maxCorpusBytes = std::uint64_t{64} << 30;
// The longest line of a corpus: 256 MiB.
inline constexpr std::uint64_t maxLineBytes = std::uint64_t{256} << 20;

// "2.0 GB", "533 MB", "12 KB", "17 bytes": a size for a message.
std::string sizeText(std::uint64_t bytes);

// The size of `path`. Throws LocatedError naming the file when it is missing, not a regular file
// (a directory, a device such as /dev/zero, a FIFO, a socket) or larger than `limit`.
std::uint64_t requireRegularFile(const std::filesystem::path& path, std::uint64_t limit);

// The whole file, after requireRegularFile(path, limit). Read in blocks: `progress` gets the
// fraction read and may stop it (Cancelled).
std::string readInputFile(const std::filesystem::path& path, std::uint64_t limit = maxWholeFileBytes,
                          const Progress& progress = {});

// Reads a file in blocks of about `blockBytes`, each ending just after a line break (the last
// one at the end of the file), and calls `each(block, offset)` with the block's byte offset in
// the file. Throws LocatedError for what requireRegularFile refuses and a line longer than
// maxLineBytes; Cancelled when `progress` asks to stop (it gets the fraction read). `onRead`, when
// given, sees each stretch as it is read, before its lines are complete (to refuse a binary file
// at once rather than after its first line break).
using BlockVisitor = std::function<void(std::string_view bytes, std::uint64_t offset)>;
void forEachLineBlock(const std::filesystem::path& path, std::size_t blockBytes, const BlockVisitor& each,
                      const Progress& progress = {}, std::uint64_t limit = maxCorpusBytes,
                      const BlockVisitor& onRead = {});

}  // namespace pretrainlab
