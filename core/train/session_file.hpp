#pragma once

// A session file (.pretrainlab): what a class built in the app, kept as named parts (each a run of
// bytes: JSON, a checkpoint's files, a corpus's word counts) in one safetensors file. Each part is
// a one-dimensional U8 tensor under its name; the header's "__metadata__" says the format
// ("pretrainlab-session"), its version, and each part's size and FNV-1a fingerprint, so that a
// changed byte anywhere is noticed, not only a cut. Any safetensors tool lists the parts.

#include <filesystem>
#include <map>
#include <string>

namespace pretrainlab::train {

// The version this build writes and the newest it reads.
inline constexpr int sessionFormatVersion = 1;

// Part name -> bytes, in the order of their names.
using SessionParts = std::map<std::string, std::string>;

std::string sessionFileBytes(const SessionParts& parts);
// Throws LocatedError naming `source` and what is wrong: not a safetensors file (cut short, a
// broken header), not a session, a version newer than sessionFormatVersion, a part missing from or
// added to the record, a part whose bytes are not those recorded.
SessionParts parseSessionFile(std::string bytes, const std::string& source);

// Written atomically (core/common/file_io): a failure leaves the file that was there.
void writeSessionFile(const std::filesystem::path& path, const SessionParts& parts);
SessionParts readSessionFile(const std::filesystem::path& path);

}  // namespace pretrainlab::train
