#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pretrainlab {

// The most memory this process has held at once (its peak resident set), in megabytes.
double peakResidentMegabytes();

// The memory a new allocation can take without swapping: MemAvailable of /proc/meminfo, or less
// when the process's control group (cgroup v2) has a lower limit. Nothing when neither can be read.
std::optional<std::uint64_t> availableMemoryBytes();
// MemAvailable from the text of /proc/meminfo ("MemAvailable:   21512345 kB"), in bytes.
std::optional<std::uint64_t> memAvailableIn(std::string_view meminfo);

// A byte count for people: "512 bytes", "3.4 MB", "1.2 GB", "3.3 TB" (powers of 1000).
std::string bytesInWords(double bytes);

}  // namespace pretrainlab
