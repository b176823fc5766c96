#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// optimize2d: an optimizer's path on a 2-D surface, one JSON line per point.
Command optimize2dCommand();
// memory: what one training step holds for a preset or a checkpoint.
Command memoryCommand();
// experiment: one of the Optimization lesson's paired runs, over seeds.
Command experimentCommand();

}  // namespace pretrainlab::cli
