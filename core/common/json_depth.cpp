#include "core/common/json_depth.hpp"

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"

namespace pretrainlab {

std::optional<std::size_t> jsonTooDeepAt(std::string_view text, std::size_t maxDepth) {
    std::size_t depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') {
                ++i;  // the escaped character
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

std::string jsonExcerpt(const std::string& dumped, std::size_t limit) {
    return dumped.size() <= limit ? dumped : dumped.substr(0, limit) + "...";
}

void requireShallowJson(std::string_view text, const std::string& source, std::size_t maxDepth) {
    if (const std::optional<std::size_t> at = jsonTooDeepAt(text, maxDepth)) {
        throw LocatedError(SourceLocation{source, lineOfOffset(text, *at), *at},
                           "JSON nested more than " + std::to_string(maxDepth) + " levels deep is not read");
    }
}

}  // namespace pretrainlab
