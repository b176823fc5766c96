#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace pretrainlab {

// Where in an input something went wrong. Every field but the source is optional, so one type
// serves files ("merges.txt line 12"), byte streams ("byte 17") and in-memory text ("<typed text>").
struct SourceLocation {
    std::string source;                   // a file path, or a label such as "<typed text>"
    std::optional<std::size_t> line;      // 1-based
    std::optional<std::size_t> byteOffset;  // 0-based, from the start of the input
};

// An error that says what went wrong and where: "corpus.txt: byte 17 (line 2): invalid UTF-8 ...".
class LocatedError : public std::runtime_error {
public:
    LocatedError(SourceLocation where, const std::string& what);

    const SourceLocation& where() const { return where_; }
    const std::string& reason() const { return reason_; }

private:
    SourceLocation where_;
    std::string reason_;
};

std::string describe(const SourceLocation& where);

}  // namespace pretrainlab
