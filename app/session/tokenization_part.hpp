#pragma once

// The Tokenization lesson in a session file: its settings and merge positions as JSON, the corpus
// as its counted words (core/tokenize/word_counts), and the two trained tokenizers as
// tokenizer.json, which the lesson rebuilt on opening must reproduce.

#include <optional>

#include "app/lessons/tokenization/lesson_state.hpp"
#include "core/train/session_file.hpp"

namespace pretrainlab::app::session {

void addTokenization(train::SessionParts& parts, const TokenizationState::Saved& saved);
// Nothing when the session has no tokenization parts; std::invalid_argument, nlohmann's
// exceptions or a LocatedError when they do not fit.
std::optional<TokenizationState::Saved> tokenizationFrom(const train::SessionParts& parts);

}  // namespace pretrainlab::app::session
