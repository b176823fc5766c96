#pragma once

#include "app/cli/command.hpp"

namespace pretrainlab::cli {

// finetune: a checkpoint (or the same tiny model from random weights) on one toy-world task; one
// JSON line per logged step and a summary. Its flags come from core's table of finetune settings.
Command finetuneCommand();
// ablation: the lecture's table of rows × tasks over seeds for one checkpoint; a JSON line per
// cell, then Markdown.
Command ablationCommand();

}  // namespace pretrainlab::cli
