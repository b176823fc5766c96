#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// train: a transformer on random tokens, the toy world or a text file; one JSON line per logged
// step and a summary line. Its settings' flags come from core's table of run settings.
Command trainCommand();

}  // namespace pretrainlab::cli
