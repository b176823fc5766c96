#pragma once

#include "app/cli/arguments.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "core/tokenize/corpus_file.hpp"

namespace pretrainlab::cli {

// --algo, --byte-level, --tie-break and --pre-tokenizer, shared by bpe-steps and bpe-train.
struct TrainingChoice {
    BpeOptions options;
    CorpusOptions corpus;
};

// `defaultPreTokenizer` applies to character-level runs (byte-level always uses GPT-2's).
TrainingChoice trainingChoice(const Arguments& arguments, PreTokenizerKind defaultPreTokenizer);

}  // namespace pretrainlab::cli
