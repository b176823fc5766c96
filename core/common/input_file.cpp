#include "core/common/input_file.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "core/common/error.hpp"

namespace pretrainlab {

std::string sizeText(std::uint64_t bytes) {
    char text[32];
    if (bytes >= 1000ull * 1000 * 1000) {
        std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
    } else if (bytes >= 1000ull * 1000) {
        std::snprintf(text, sizeof text, "%.0f MB", static_cast<double>(bytes) / 1e6);
    } else if (bytes >= 1000) {
        std::snprintf(text, sizeof text, "%.0f KB", static_cast<double>(bytes) / 1e3);
    } else {
        std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
    }
    return text;
}

std::uint64_t requireRegularFile(const std::filesystem::path& path, std::uint64_t limit) {
    const SourceLocation where{path.string(), std::nullopt, std::nullopt};
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        throw LocatedError(where, std::string("cannot open: ") + std::strerror(errno));
    }
    if (S_ISDIR(status.st_mode)) throw LocatedError(where, "cannot read: it is a directory");
    if (!S_ISREG(status.st_mode)) {
        const char* kind = S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode) ? "a device"
                           : S_ISFIFO(status.st_mode)                         ? "a FIFO (named pipe)"
                           : S_ISSOCK(status.st_mode)                         ? "a socket"
                                                                              : "not a regular file";
        throw LocatedError(where, std::string("cannot read: it is ") + kind + ", not a file (it may never end)");
    }
    const auto size = static_cast<std::uint64_t>(status.st_size);
    if (size > limit) {
        throw LocatedError(where, "the file holds " + sizeText(size) + "; files over " + sizeText(limit) +
                                      " are not read here (cut it into smaller ones)");
    }
    return size;
}

namespace {

std::ifstream openForReading(const std::filesystem::path& path) {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int code = errno;
        throw LocatedError(SourceLocation{path.string(), std::nullopt, std::nullopt},
                           std::string("cannot open: ") + (code ? std::strerror(code) : "unknown error"));
    }
    return in;
}

}  // namespace

std::string readInputFile(const std::filesystem::path& path, std::uint64_t limit, const Progress& progress) {
    const std::uint64_t size = requireRegularFile(path, limit);
    std::ifstream in = openForReading(path);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    constexpr std::size_t blockBytes = std::size_t{16} << 20;
    std::size_t done = 0;
    while (done < bytes.size()) {
        if (progress.stopRequested()) throw Cancelled();
        const std::size_t want = std::min(blockBytes, bytes.size() - done);
        in.read(bytes.data() + done, static_cast<std::streamsize>(want));
        const auto got = static_cast<std::size_t>(in.gcount());
        done += got;
        if (got < want) break;  // it shrank meanwhile
        progress(static_cast<double>(done) / static_cast<double>(bytes.size()));
    }
    bytes.resize(done);
    if (in.bad()) throw LocatedError(SourceLocation{path.string(), std::nullopt, std::nullopt}, "read failed");
    return bytes;
}

void forEachLineBlock(const std::filesystem::path& path, std::size_t blockBytes, const BlockVisitor& each,
                      const Progress& progress, std::uint64_t limit, const BlockVisitor& onRead) {
    const std::uint64_t size = requireRegularFile(path, limit);
    std::ifstream in = openForReading(path);
    std::string buffer;
    std::uint64_t offset = 0;  // of buffer[0] in the file
    std::uint64_t read = 0;
    bool ended = false;
    while (!ended || !buffer.empty()) {
        if (progress.stopRequested()) throw Cancelled();
        if (!ended) {
            const std::size_t kept = buffer.size();
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(blockBytes, size - read));
            buffer.resize(kept + want);
            in.read(buffer.data() + kept, static_cast<std::streamsize>(want));
            const auto got = static_cast<std::size_t>(in.gcount());
            buffer.resize(kept + got);
            read += got;
            if (got < want) read = size;  // it shrank meanwhile
            if (in.bad()) throw LocatedError(SourceLocation{path.string(), std::nullopt, offset}, "read failed");
            if (onRead && got > 0) onRead(std::string_view(buffer).substr(kept, got), offset + kept);
            // A file that grows while it is read (a log being written) ends at the size it had.
            ended = got < blockBytes || read >= size;
        }
        std::size_t end = buffer.size();
        if (!ended) {
            const std::size_t lineBreak = buffer.rfind('\n');
            if (lineBreak == std::string::npos) {
                if (buffer.size() > maxLineBytes) {
                    throw LocatedError(SourceLocation{path.string(), std::nullopt, offset},
                                       "a line longer than " + sizeText(maxLineBytes) +
                                           " starts here: this is not a text corpus");
                }
                continue;  // read on until the line ends
            }
            end = lineBreak + 1;
        }
        if (end > 0) each(std::string_view(buffer).substr(0, end), offset);
        offset += end;
        buffer.erase(0, end);
        progress(size > 0 ? std::min(1.0, static_cast<double>(read) / static_cast<double>(size)) : 1.0);
    }
}

}  // namespace pretrainlab
