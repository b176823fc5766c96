#pragma once

// Asking a model to fill the blanks of probe items: a decoder reads the words before the blank
// and predicts the next token; an encoder reads the whole sentence with [MASK] in the blank; an
// encoder-decoder reads it with a sentinel in the blank and predicts the span after the sentinel.

#include <array>
#include <string>
#include <vector>

#include "core/data/objectives.hpp"
#include "core/data/toyworld.hpp"
#include "core/nn/transformer.hpp"
#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab::train {

struct Prediction {
    std::string token;
    double probability = 0;
};

struct ProbeOutcome {
    data::ProbeItem item;
    std::vector<Prediction> top;   // the most likely tokens, best first
    double answerProbability = 0;  // of the answer's (first) token
    bool correct = false;          // the answer's token is the most likely
};

struct ProbeReport {
    std::vector<ProbeOutcome> outcomes;
    std::array<double, data::probeCategoryCount> accuracy{};  // per category, 0..1
    std::array<int, data::probeCategoryCount> items{};        // per category
    std::array<double, data::probeCategoryCount> chance{};    // 1 / candidates, averaged
    double accuracyOf(data::ProbeCategory category) const { return accuracy[static_cast<std::size_t>(category)]; }
};

// Each item's outcome, in the items' order, from one forward pass. Token strings come from the
// tokenizer, special ones by name.
std::vector<ProbeOutcome> probeOutcomes(const nn::Transformer<float>& model, const Tokenizer& tokenizer,
                                        const data::SpecialTokens& specials, const std::vector<data::ProbeItem>& items,
                                        std::size_t top = 5);

// The report of these outcomes: each category's accuracy, items and chance level.
ProbeReport reportOf(std::vector<ProbeOutcome> outcomes);

// The name of a model's token id: the tokenizer's token, or [PAD], [CLS], <X_3>, ...
std::string tokenName(TokenId id, const Tokenizer& tokenizer, const data::SpecialTokens& specials);
// A text as the model's input ids.
std::vector<std::int32_t> tokenIds(const Tokenizer& tokenizer, std::string_view text);

}  // namespace pretrainlab::train
