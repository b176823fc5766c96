#include "core/common/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "core/common/error.hpp"

namespace pretrainlab {

std::string readFileBytes(const std::filesystem::path& path) {
    const SourceLocation where{path.string(), std::nullopt, std::nullopt};
    std::error_code status;
    if (std::filesystem::is_directory(path, status)) {
        throw LocatedError(where, "cannot read: it is a directory");
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int code = errno;
        throw LocatedError(where, std::string("cannot open: ") +
                                      (code ? std::strerror(code) : "unknown error"));
    }
    std::string bytes;
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size > 0) {
        bytes.resize(static_cast<std::size_t>(size));
        in.seekg(0, std::ios::beg);
        in.read(bytes.data(), size);
    } else {
        // Not seekable (a pipe, /proc): read it as a stream.
        in.clear();
        in.seekg(0, std::ios::beg);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (in.bad()) throw LocatedError(where, "read failed");
    return bytes;
}

namespace {

SourceLocation locationOf(const std::filesystem::path& path) { return {path.string(), std::nullopt, std::nullopt}; }

// What a file of this mode is, when it is not a regular file ("" for a regular file).
std::string kindOfNonRegular(mode_t mode) {
    if (S_ISREG(mode)) return {};
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

std::string temporarySuffix() {
    static std::atomic<std::uint64_t> counter{std::random_device{}()};
    std::uint64_t value = counter.fetch_add(0x9e3779b97f4a7c15ULL) ^ (std::uint64_t(::getpid()) << 32);
    value ^= value >> 29;
    value *= 0xbf58476d1ce4e5b9ULL;
    value ^= value >> 32;
    char text[17];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(value & 0xffffffffu));
    return text;
}

}  // namespace

std::filesystem::path writableTarget(const std::filesystem::path& path) {
    std::filesystem::path target = path;
    for (int links = 0;; ++links) {
        struct stat status {};
        if (::lstat(target.c_str(), &status) != 0) {
            if (errno == ENOENT) return target;  // a new file (through a link, the file it will create)
            throw LocatedError(locationOf(path), std::string("cannot write: ") + std::strerror(errno));
        }
        if (!S_ISLNK(status.st_mode)) {
            if (const std::string kind = kindOfNonRegular(status.st_mode); !kind.empty()) {
                throw LocatedError(locationOf(path),
                                   (target == path ? "is " + kind : "links to " + target.string() + ", " + kind) +
                                       ", not a regular file: refusing to replace it");
            }
            return target;
        }
        if (links >= 40) throw LocatedError(locationOf(path), "cannot write: too many levels of symbolic links");
        std::error_code error;
        const std::filesystem::path next = std::filesystem::read_symlink(target, error);
        if (error) throw LocatedError(locationOf(path), "cannot write: " + error.message());
        target = next.is_absolute() ? next : target.parent_path() / next;
    }
}

void syncDirectory(const std::filesystem::path& folder) {
    const std::filesystem::path name = folder.empty() ? std::filesystem::path(".") : folder;
    const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void removeQuietly(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

std::filesystem::path writeTemporaryFile(const std::filesystem::path& path, std::string_view bytes) {
    const std::filesystem::path target = writableTarget(path);
    struct stat existing {};
    const bool replacing = ::stat(target.c_str(), &existing) == 0;
    std::filesystem::path temporary;
    int fd = -1;
    for (int attempt = 0; fd < 0; ++attempt) {
        temporary = target;
        temporary += ".";
        temporary += temporarySuffix();
        temporary += ".partial";
        fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && (errno != EEXIST || attempt >= 100)) {
            throw LocatedError(locationOf(path), std::string("cannot write: ") + std::strerror(errno));
        }
    }
    const auto fail = [&](const std::string& what) {
        const int code = errno;
        ::close(fd);
        removeQuietly(temporary);
        throw LocatedError(locationOf(path), what + ": " + std::strerror(code));
    };
    if (replacing) ::fchmod(fd, existing.st_mode & 07777);  // the new file keeps the old one's permissions
    for (std::size_t written = 0; written < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail("write failed");
    if (::close(fd) != 0) {
        const int code = errno;
        removeQuietly(temporary);
        throw LocatedError(locationOf(path), std::string("write failed: ") + std::strerror(code));
    }
    // The temporary's entry too, in its own folder: a symbolic link's target may lie in another
    // folder than the file that commits it, and a temporary named by a commit must survive a crash.
    syncDirectory(temporary.parent_path());
    return temporary;
}

void commitTemporaryFile(const std::filesystem::path& temporary, const std::filesystem::path& path) {
    std::filesystem::path target;
    try {
        target = writableTarget(path);
    } catch (...) {
        removeQuietly(temporary);
        throw;
    }
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
        const int code = errno;
        removeQuietly(temporary);
        throw LocatedError(locationOf(path), std::string("cannot replace the file: ") + std::strerror(code));
    }
    syncDirectory(target.parent_path());
}

void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes) {
    commitTemporaryFile(writeTemporaryFile(path, bytes), path);
}

std::uint64_t fingerprint(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::size_t lineOfOffset(std::string_view text, std::size_t byteOffset) {
    const std::string_view before = text.substr(0, std::min(byteOffset, text.size()));
    return 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
}

}  // namespace pretrainlab
