#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace pretrainlab::cli {

// pretrainlab-cli bpe-steps --input FILE [--merges N] [--tie-break hf|lex|first]
//     [--algo bpe|wordpiece] [--byte-level] [--candidates N]
// One JSON object per merge on `out`. Throws UsageError or LocatedError on bad input.
int runBpeSteps(const std::vector<std::string>& args, std::ostream& out);

}  // namespace pretrainlab::cli
