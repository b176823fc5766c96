#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// encode: the ids of a file's text on one line (--stats adds a JSON line with the speed on stderr).
Command encodeCommand();
// decode: the text of ids, byte for byte.
Command decodeCommand();

}  // namespace pretrainlab::cli
