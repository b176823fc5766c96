#pragma once

#include <filesystem>
#include <string>

namespace pretrainlab {

// Reads a whole file as bytes. Throws LocatedError naming the file and the system's reason
// ("No such file or directory", "Is a directory", ...).
std::string readFileBytes(const std::filesystem::path& path);

}  // namespace pretrainlab
