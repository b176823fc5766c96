#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// inspect: the metadata and every tensor (name, dtype, shape, byte range) of any safetensors file,
// read from its header alone; a malformed file is refused with what is wrong.
Command inspectCommand();

}  // namespace pretrainlab::cli
