#include "core/common/error.hpp"

namespace pretrainlab {

std::string describe(const SourceLocation& where) {
    std::string text = where.source.empty() ? std::string("<input>") : where.source;
    if (where.byteOffset) {
        text += ": byte " + std::to_string(*where.byteOffset);
        if (where.line) text += " (line " + std::to_string(*where.line) + ")";
    } else if (where.line) {
        text += " line " + std::to_string(*where.line);
    }
    return text;
}

LocatedError::LocatedError(SourceLocation where, const std::string& what)
    : std::runtime_error(describe(where) + ": " + what), where_(std::move(where)), reason_(what) {}

}  // namespace pretrainlab
