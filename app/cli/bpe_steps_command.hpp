#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// bpe-steps: trains one merge at a time and prints one JSON object per merge.
Command bpeStepsCommand();

}  // namespace pretrainlab::cli
