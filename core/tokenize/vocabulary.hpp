#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pretrainlab {

using TokenId = std::uint32_t;

// Token strings and their ids. An id is a token's position: ids are handed out in creation order
// and a string that already has an id keeps it.
class Vocabulary {
public:
    TokenId add(const std::string& token) {
        auto [it, inserted] = ids_.try_emplace(token, static_cast<TokenId>(tokens_.size()));
        if (inserted) tokens_.push_back(token);
        return it->second;
    }
    std::optional<TokenId> find(std::string_view token) const {
        auto it = ids_.find(std::string(token));
        if (it == ids_.end()) return std::nullopt;
        return it->second;
    }
    const std::string& token(TokenId id) const { return tokens_[id]; }
    std::size_t size() const { return tokens_.size(); }
    const std::vector<std::string>& tokens() const { return tokens_; }

private:
    std::vector<std::string> tokens_;
    std::unordered_map<std::string, TokenId> ids_;
};

}  // namespace pretrainlab
