#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace pretrainlab::cli {

// pretrainlab-cli train --arch decoder|encoder|encdec [--config tiny|small|medium]
//     [--vocab N --d N --layers N --heads N --ctx N --batch N] --steps N
//     [--optimizer sgd|momentum|adam|adamw] [--lr X] [--schedule ...] [--warmup N] [--accum K]
//     [--clip X] [--threads N] [--seed N] [--random-data | --corpus FILE --tokenizer PATH]
//     [--metrics FILE.csv] [--log-every N]
int runTrain(const std::vector<std::string>& args, std::ostream& out);

}  // namespace pretrainlab::cli
