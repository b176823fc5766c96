#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pretrainlab {

using TokenId = std::uint32_t;

// Token strings and their ids. Ids are handed out in creation order (a token's id is its
// position) unless set explicitly; a string that already has an id keeps it.
class Vocabulary {
public:
    TokenId add(const std::string& token) {
        if (auto it = ids_.find(token); it != ids_.end()) return it->second;
        const auto id = static_cast<TokenId>(tokens_.size());
        ids_.emplace(token, id);
        tokens_.push_back(token);
        return id;
    }
    // For files that give ids: places `token` at `id`, growing the table. Returns false if the id
    // or the token is taken already.
    bool set(const std::string& token, TokenId id) {
        if (ids_.count(token) || (id < tokens_.size() && !tokens_[id].empty())) return false;
        if (id >= tokens_.size()) tokens_.resize(static_cast<std::size_t>(id) + 1);
        tokens_[id] = token;
        ids_.emplace(token, id);
        return true;
    }
    // Takes back the most recent add() (undoing a merge).
    void removeLast() {
        ids_.erase(tokens_.back());
        tokens_.pop_back();
    }
    std::optional<TokenId> find(std::string_view token) const {
        auto it = ids_.find(token);
        if (it == ids_.end()) return std::nullopt;
        return it->second;
    }
    const std::string& token(TokenId id) const { return tokens_[id]; }
    bool has(TokenId id) const { return id < tokens_.size() && ids_.count(tokens_[id]); }
    std::size_t size() const { return tokens_.size(); }
    const std::vector<std::string>& tokens() const { return tokens_; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    std::vector<std::string> tokens_;
    std::unordered_map<std::string, TokenId, Hash, std::equal_to<>> ids_;
};

}  // namespace pretrainlab
