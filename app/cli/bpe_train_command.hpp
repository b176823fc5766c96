#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// bpe-train: trains a tokenizer and saves it as Hugging Face tokenizer.json.
Command bpeTrainCommand();

}  // namespace pretrainlab::cli
