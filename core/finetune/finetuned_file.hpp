#pragma once

// A finetuned model on disk: FILE.safetensors (every weight, the task's head included) and
// FILE.json (the task, the finetune settings, what it started from, its held-out accuracy, the
// body's configuration and the tokenizer), written by `pretrainlab-cli finetune --save`.

#include <memory>
#include <string>

#include "core/finetune/finetuner.hpp"

namespace pretrainlab::finetune {

// Writes both files as a checkpoint's are (core/train/weights_file): the weights under a temporary
// name, then the JSON that records it, whose rename is the single commit point; the weights are
// renamed into place after it. `path` may name either file (FILE.safetensors or FILE.json).
// `base` names what it started from.
void saveFinetuned(const Finetuner& finetuner, const std::string& path, const std::string& base);

struct FinetunedModel {
    std::unique_ptr<Finetuner> finetuner;  // ready to evaluate and classify
    std::string base;
    double heldOutAccuracy = 0;  // as saved
};
// Takes the weights at their own name, or under the temporary name the JSON records. Throws
// LocatedError naming the file that is missing, truncated, changed or malformed.
FinetunedModel loadFinetuned(const std::string& path);

}  // namespace pretrainlab::finetune
