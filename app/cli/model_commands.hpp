#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// score: each token's log-probability under a model (a decoder's given the tokens before it, an
// encoder's pseudo-log-likelihood), as one JSON object.
Command scoreCommand();
// generate: a decoder continues a prompt token by token (greedy, or sampled with temperature, top-k
// and seed); an encoder fills the prompt's [MASK] positions.
Command generateCommand();
// attention: one layer's and head's attention weights for a text, as JSON.
Command attentionCommand();

}  // namespace pretrainlab::cli
