#include "core/tokenize/bpe_encoder.hpp"

#include <limits>

#include "core/text/byte_level.hpp"
#include "core/text/utf8.hpp"

namespace pretrainlab {

BpeEncoder::BpeEncoder(const Vocabulary& vocabulary, Options options)
    : vocabulary_(&vocabulary), options_(std::move(options)) {
    if (options_.byteLevel) {
        for (unsigned byte = 0; byte < 256; ++byte) {
            byteIds_[byte] = vocabulary.find(byte_level::symbols()[byte]);
        }
    }
}

BpeEncoder::BpeEncoder(const Vocabulary& vocabulary, const std::vector<TokenPair>& merges,
                       Options options)
    : BpeEncoder(vocabulary, std::move(options)) {
    ranks_.reserve(merges.size());
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
        const TokenPair pair = merges[rank];
        std::string merged = vocabulary.token(pair.left);
        const std::string& right = vocabulary.token(pair.right);
        const std::string_view prefix = options_.continuingPrefix;
        merged += !prefix.empty() && right.starts_with(prefix) ? right.substr(prefix.size()) : right;
        const std::optional<TokenId> id = vocabulary.find(merged);
        if (!id) continue;  // a merge whose result is not a token can never be used
        // The first (lowest-ranked) merge of a pair counts, as in Hugging Face.
        ranks_.try_emplace(key(pair.left, pair.right), Ranked{static_cast<std::uint32_t>(rank), *id});
    }
}

BpeEncoder BpeEncoder::fromTokenRanks(const Vocabulary& vocabulary, Options options) {
    BpeEncoder encoder(vocabulary, std::move(options));
    for (TokenId id = 0; id < vocabulary.size(); ++id) {
        if (!vocabulary.has(id)) continue;
        const std::string& token = vocabulary.token(id);
        // Every way to cut the token into two tokens is a pair that merges into it.
        std::size_t cut = 0;
        while (true) {
            if (encoder.options_.byteLevel) {
                std::size_t pos = cut;
                if (pos >= token.size()) break;
                utf8::decode(token, pos);
                cut = pos;
            } else {
                ++cut;
            }
            if (cut >= token.size()) break;
            const std::optional<TokenId> left = vocabulary.find(std::string_view(token).substr(0, cut));
            const std::optional<TokenId> right = vocabulary.find(std::string_view(token).substr(cut));
            if (left && right) encoder.ranks_.try_emplace(key(*left, *right), Ranked{id, id});
        }
    }
    return encoder;
}

std::optional<BpeEncoder::Ranked> BpeEncoder::mergeOf(TokenPair pair) const {
    auto it = ranks_.find(key(pair.left, pair.right));
    if (it == ranks_.end()) return std::nullopt;
    return it->second;
}

void BpeEncoder::initialSymbols(std::string_view piece, std::vector<TokenId>& symbols,
                                std::vector<std::string>* missing) const {
    const auto lacking = [&](std::string_view text) {
        if (options_.unknown) {
            symbols.push_back(*options_.unknown);
        } else if (missing) {
            symbols.push_back(missingSymbol);
            missing->emplace_back(text);
        }
    };
    if (options_.byteLevel) {
        for (std::size_t i = 0; i < piece.size(); ++i) {
            if (const std::optional<TokenId> id = byteIds_[static_cast<std::uint8_t>(piece[i])]) {
                symbols.push_back(*id);
            } else {
                lacking(piece.substr(i, 1));
            }
        }
        return;
    }
    std::size_t pos = 0;
    std::string symbol;
    while (pos < piece.size()) {
        const std::size_t start = pos;
        utf8::decode(piece, pos);
        symbol.clear();
        if (start > 0) symbol += options_.continuingPrefix;
        symbol += piece.substr(start, pos - start);
        if (const std::optional<TokenId> id = vocabulary_->find(symbol)) {
            symbols.push_back(*id);
        } else {
            lacking(piece.substr(start, pos - start));
        }
    }
}

void BpeEncoder::encode(std::string_view piece, std::vector<TokenId>& ids) const {
    if (options_.ignoreMerges) {
        const std::string symbolsText = options_.byteLevel ? byte_level::encode(piece) : std::string(piece);
        if (const std::optional<TokenId> whole = vocabulary_->find(symbolsText)) {
            ids.push_back(*whole);
            return;
        }
    }
    std::vector<TokenId> symbols;
    symbols.reserve(piece.size());
    initialSymbols(piece, symbols);

    // Merge the lowest-ranked pair, leftmost first, until no pair merges. Pieces are short (a
    // word), so a scan per merge is cheaper than a heap.
    while (symbols.size() > 1) {
        std::uint32_t bestRank = std::numeric_limits<std::uint32_t>::max();
        std::size_t bestAt = 0;
        TokenId merged = 0;
        for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
            auto it = ranks_.find(key(symbols[i], symbols[i + 1]));
            if (it != ranks_.end() && it->second.rank < bestRank) {
                bestRank = it->second.rank;
                bestAt = i;
                merged = it->second.merged;
            }
        }
        if (bestRank == std::numeric_limits<std::uint32_t>::max()) break;
        symbols[bestAt] = merged;
        symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(bestAt) + 1);
    }
    ids.insert(ids.end(), symbols.begin(), symbols.end());
}

}  // namespace pretrainlab
