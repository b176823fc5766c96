#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace pretrainlab::cli {

// pretrainlab-cli bpe-train --input FILE --vocab-size N --output tokenizer.json
//     [--algo bpe|wordpiece] [--byte-level] [--tie-break hf|lex|first]
//     [--pre-tokenizer whitespace|whitespace-split|bert] [--min-frequency N] [--special TOKEN]...
//     [--seen-bytes-only] [--threads N]
int runBpeTrain(const std::vector<std::string>& args, std::ostream& out);

}  // namespace pretrainlab::cli
