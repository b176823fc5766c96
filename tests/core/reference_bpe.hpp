#pragma once

// A deliberately naive BPE used as the reference for the incremental trainer: every step
// recounts every pair of every word from scratch and scans them all for the best one.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tokenize/tie_break.hpp"

namespace reference {

struct Word {
    std::vector<std::string> pieces;
    std::uint64_t count = 0;
};

struct Merge {
    std::string left;
    std::string right;
    std::uint64_t count = 0;
};

// `words` are split into characters already, in first-occurrence order.
std::vector<Merge> train(std::vector<Word> words, pretrainlab::TieBreak rule, std::size_t maxMerges,
                         std::vector<std::vector<std::vector<std::string>>>* segmentations = nullptr);

}  // namespace reference
