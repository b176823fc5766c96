#include "core/common/file_io.hpp"

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <fstream>

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

std::filesystem::path writeTemporaryFile(const std::filesystem::path& path, std::string_view bytes) {
    const SourceLocation where{path.string(), std::nullopt, std::nullopt};
    std::filesystem::path temporary = path;
    temporary += ".partial";
    errno = 0;
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
        const int code = errno;
        throw LocatedError(where, std::string("cannot write: ") + (code ? std::strerror(code) : "unknown error"));
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
        out.close();
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw LocatedError(where, "write failed (is the disk full?)");
    }
    return temporary;
}

void commitTemporaryFile(const std::filesystem::path& temporary, const std::filesystem::path& path) {
    std::error_code status;
    std::filesystem::rename(temporary, path, status);
    if (status) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw LocatedError(SourceLocation{path.string(), std::nullopt, std::nullopt},
                           "cannot replace the file: " + status.message());
    }
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
