#include "reference_bpe.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace reference {
namespace {

using Pair = std::pair<std::string, std::string>;

struct Candidate {
    std::uint64_t count = 0;
    std::size_t firstWord = std::numeric_limits<std::size_t>::max();
    std::size_t firstOffset = 0;  // in characters
};

std::size_t characters(const std::string& text) {
    std::size_t n = 0;
    for (const char byte : text) n += (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
    return n;
}

}  // namespace

std::vector<Merge> train(std::vector<Word> words, pretrainlab::TieBreak rule, std::size_t maxMerges,
                         std::vector<std::vector<std::vector<std::string>>>* segmentations) {
    // Ids: characters in code-point order (UTF-8 byte order is code-point order), then each new
    // string in the order it is made.
    std::map<std::string, std::size_t> ids;
    std::set<std::string> alphabet;
    for (const Word& word : words) alphabet.insert(word.pieces.begin(), word.pieces.end());
    for (const std::string& character : alphabet) ids.emplace(character, ids.size());

    std::vector<Merge> merges;
    while (merges.size() < maxMerges) {
        std::map<Pair, Candidate> candidates;
        for (std::size_t w = 0; w < words.size(); ++w) {
            std::size_t offset = 0;
            const auto& pieces = words[w].pieces;
            for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
                Candidate& candidate = candidates[{pieces[i], pieces[i + 1]}];
                candidate.count += words[w].count;
                if (w < candidate.firstWord) {
                    candidate.firstWord = w;
                    candidate.firstOffset = offset;
                }
                offset += characters(pieces[i]);
            }
        }
        if (candidates.empty()) break;
        const auto better = [&](const std::pair<const Pair, Candidate>& a,
                                const std::pair<const Pair, Candidate>& b) {
            if (a.second.count != b.second.count) return a.second.count > b.second.count;
            switch (rule) {
                case pretrainlab::TieBreak::HuggingFace:
                    return std::make_pair(ids.at(a.first.first), ids.at(a.first.second)) <
                           std::make_pair(ids.at(b.first.first), ids.at(b.first.second));
                case pretrainlab::TieBreak::Lexicographic:
                    return a.first < b.first;
                case pretrainlab::TieBreak::FirstOccurrence:
                    return std::make_pair(a.second.firstWord, a.second.firstOffset) <
                           std::make_pair(b.second.firstWord, b.second.firstOffset);
            }
            return false;
        };
        auto best = candidates.begin();
        for (auto it = candidates.begin(); it != candidates.end(); ++it) {
            if (better(*it, *best)) best = it;
        }
        const Pair pair = best->first;
        merges.push_back({pair.first, pair.second, best->second.count});
        const std::string merged = pair.first + pair.second;
        ids.emplace(merged, ids.size());
        for (Word& word : words) {
            std::vector<std::string> out;
            for (std::size_t i = 0; i < word.pieces.size(); ++i) {
                if (i + 1 < word.pieces.size() && word.pieces[i] == pair.first &&
                    word.pieces[i + 1] == pair.second) {
                    out.push_back(merged);
                    ++i;
                } else {
                    out.push_back(word.pieces[i]);
                }
            }
            word.pieces = std::move(out);
        }
        if (segmentations) {
            std::vector<std::vector<std::string>> state;
            for (const Word& word : words) state.push_back(word.pieces);
            segmentations->push_back(std::move(state));
        }
    }
    return merges;
}

}  // namespace reference
