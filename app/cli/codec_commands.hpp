#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace pretrainlab::cli {

// pretrainlab-cli encode --tokenizer PATH [--merges PATH] --input FILE [--add-special-tokens] [--stats]
// Prints the ids, space separated, on one line; --stats adds a JSON line with the speed on stderr.
int runEncode(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// pretrainlab-cli decode --tokenizer PATH [--merges PATH] --ids "1 2 3" [--skip-special-tokens]
// Prints the text, byte for byte.
int runDecode(const std::vector<std::string>& args, std::ostream& out);

}  // namespace pretrainlab::cli
