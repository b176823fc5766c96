#include "core/common/file_io.hpp"

#include <cerrno>
#include <cstring>
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

}  // namespace pretrainlab
