#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pretrainlab::base64 {

std::string encode(std::string_view bytes);
// Standard alphabet with '=' padding; nullopt if `text` is not valid base64.
std::optional<std::string> decode(std::string_view text);

}  // namespace pretrainlab::base64
