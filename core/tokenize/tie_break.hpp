#pragma once

#include <optional>
#include <string_view>

namespace pretrainlab {

// How BPE chooses among pairs with the same count (the lecture: "break ties deterministically,
// e.g. lexicographical order, occurrence in the corpus").
enum class TieBreak {
    HuggingFace,      // smallest (left id, right id), as Hugging Face's BpeTrainer does
    Lexicographic,    // smallest (left string, right string), compared by code point
    FirstOccurrence,  // the pair that occurs first in the running text
};

// The short names used by the CLI and saved files: "hf", "lex", "first".
std::string_view tieBreakName(TieBreak rule);
std::optional<TieBreak> parseTieBreak(std::string_view name);

// One sentence a student can read next to the table.
std::string_view tieBreakExplanation(TieBreak rule);

}  // namespace pretrainlab
