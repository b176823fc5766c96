#pragma once

// JSON from files is checked for depth before it is parsed: nlohmann's parser is iterative, but
// copying and printing a value recurse, so a file nested 200,000 deep would overflow the stack.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pretrainlab {

// Nothing the project reads nests deeper than this.
inline constexpr std::size_t maxJsonDepth = 64;

// The byte offset of the first '[' or '{' (outside strings) that opens a level deeper than
// `maxDepth`, or nullopt.
std::optional<std::size_t> jsonTooDeepAt(std::string_view text, std::size_t maxDepth = maxJsonDepth);

// A value for a message: its JSON text, cut after `limit` characters.
std::string jsonExcerpt(const std::string& dumped, std::size_t limit = 40);

// A value from a file for a message, never printed whole (printing recurses and may be long): a
// scalar's JSON text, cut as jsonExcerpt cuts it, or what kind of container it is.
template <class JsonValue>
std::string jsonBrief(const JsonValue& value) {
    if (value.is_array()) return "a list of " + std::to_string(value.size()) + " values";
    if (value.is_object()) return "an object of " + std::to_string(value.size()) + " keys";
    return jsonExcerpt(value.dump());
}

// Throws LocatedError naming `source` and the offset when `text` nests deeper than `maxDepth`.
void requireShallowJson(std::string_view text, const std::string& source, std::size_t maxDepth = maxJsonDepth);

}  // namespace pretrainlab
