#include "core/tokenize/tie_break.hpp"

namespace pretrainlab {

std::string_view tieBreakName(TieBreak rule) {
    switch (rule) {
        case TieBreak::HuggingFace: return "hf";
        case TieBreak::Lexicographic: return "lex";
        case TieBreak::FirstOccurrence: return "first";
    }
    return "hf";
}

std::optional<TieBreak> parseTieBreak(std::string_view name) {
    if (name == "hf") return TieBreak::HuggingFace;
    if (name == "lex") return TieBreak::Lexicographic;
    if (name == "first") return TieBreak::FirstOccurrence;
    return std::nullopt;
}

std::string_view tieBreakExplanation(TieBreak rule) {
    switch (rule) {
        case TieBreak::HuggingFace:
            return "the pair with the smallest token ids wins (left id first, then right id); "
                   "characters are numbered in code-point order, merged tokens in the order they "
                   "were made, as in Hugging Face tokenizers";
        case TieBreak::Lexicographic:
            return "the pair that comes first in dictionary order wins (left token first, then "
                   "right token, compared character by character)";
        case TieBreak::FirstOccurrence:
            return "the pair that appears earliest in the corpus wins";
    }
    return {};
}

}  // namespace pretrainlab
