#include "core/common/memory.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace pretrainlab {
namespace {

std::optional<std::string> fileText(const char* path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<std::uint64_t> numberIn(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end == text.data()) return std::nullopt;
    return value;
}

// What a control group's limit leaves: the limit less the usage, where the inactive page cache
// counted in the usage can be reclaimed. Nothing when there is no limit.
std::optional<std::uint64_t> roomUnder(const std::string& limitFile, const std::string& usageFile,
                                       const std::string& statFile, std::string_view inactiveKey) {
    const std::optional<std::string> limitText = fileText(limitFile.c_str());
    const std::optional<std::string> usageText = fileText(usageFile.c_str());
    if (!limitText || !usageText) return std::nullopt;
    const std::optional<std::uint64_t> limit = numberIn(*limitText), used = numberIn(*usageText);
    if (!limit || !used || *limit >= (std::uint64_t(1) << 62)) return std::nullopt;  // "max", or v1's "no limit"
    std::uint64_t reclaimable = 0;
    if (const std::optional<std::string> stat = fileText(statFile.c_str())) {
        std::string key(1, '\n');
        key.append(inactiveKey).push_back(' ');
        std::string lines(1, '\n');
        lines += *stat;
        if (const std::size_t at = lines.find(key); at != std::string::npos) {
            reclaimable = numberIn(std::string_view(*stat).substr(at + key.size() - 1)).value_or(0);
        }
    }
    const std::uint64_t held = *used > reclaimable ? *used - reclaimable : 0;
    return *limit > held ? *limit - held : 0;
}

std::optional<std::uint64_t> controlGroupRoom() {
    // cgroup v2: the group named on the "0::" line of /proc/self/cgroup.
    if (const std::optional<std::string> cgroups = fileText("/proc/self/cgroup")) {
        const std::size_t at = cgroups->rfind("0::", 0) == 0 ? 0 : cgroups->find("\n0::");
        if (at != std::string::npos) {
            const std::size_t start = at == 0 ? 3 : at + 4;
            std::string group = cgroups->substr(start, cgroups->find('\n', start) - start);
            if (group == "/") group.clear();
            const std::string folder = "/sys/fs/cgroup" + group;
            if (auto room = roomUnder(folder + "/memory.max", folder + "/memory.current", folder + "/memory.stat",
                                      "inactive_file")) {
                return room;
            }
        }
    }
    // cgroup v1, as a container sees its own group at the mount's root.
    const std::string v1 = "/sys/fs/cgroup/memory";
    return roomUnder(v1 + "/memory.limit_in_bytes", v1 + "/memory.usage_in_bytes", v1 + "/memory.stat",
                     "total_inactive_file");
}

}  // namespace

double peakResidentMegabytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

std::optional<std::uint64_t> memAvailableIn(std::string_view meminfo) {
    constexpr std::string_view key = "MemAvailable:";
    for (std::size_t at = 0; at < meminfo.size();) {
        const std::size_t end = std::min(meminfo.find('\n', at), meminfo.size());
        const std::string_view line = meminfo.substr(at, end - at);
        if (line.substr(0, key.size()) == key) {
            const std::optional<std::uint64_t> kilobytes = numberIn(line.substr(key.size()));
            if (!kilobytes) return std::nullopt;
            return *kilobytes * 1024;  // the kernel's "kB" are kibibytes
        }
        at = end + 1;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> availableMemoryBytes() {
    std::optional<std::uint64_t> available;
    if (const std::optional<std::string> meminfo = fileText("/proc/meminfo")) available = memAvailableIn(*meminfo);
    if (const std::optional<std::uint64_t> room = controlGroupRoom()) {
        available = available ? std::min(*available, *room) : *room;
    }
    return available;
}

std::string bytesInWords(double bytes) {
    static constexpr const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
    std::size_t unit = 0;
    while (bytes >= 1000 && unit + 1 < std::size(units)) bytes /= 1000, ++unit;
    char text[32];
    if (unit == 0) std::snprintf(text, sizeof text, "%.0f bytes", bytes);
    else std::snprintf(text, sizeof text, bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[unit]);
    return text;
}

}  // namespace pretrainlab
