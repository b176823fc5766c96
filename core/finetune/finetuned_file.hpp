#pragma once

// A finetuned model on disk: FILE.safetensors (every weight, the task's head included) and
// FILE.json (the task, the finetune settings, what it started from, its held-out accuracy, the
// body's configuration and the tokenizer), written by `pretrainlab-cli finetune --save`.

#include <memory>
#include <string>

#include "core/finetune/finetuner.hpp"

namespace pretrainlab::finetune {

// Writes both files, each under a temporary name first. `base` names what it started from.
void saveFinetuned(const Finetuner& finetuner, const std::string& weightsPath, const std::string& base);

struct FinetunedModel {
    std::unique_ptr<Finetuner> finetuner;  // ready to evaluate and classify
    std::string base;
    double heldOutAccuracy = 0;  // as saved
};
// Throws LocatedError naming the file that is missing, truncated, changed or malformed.
FinetunedModel loadFinetuned(const std::string& weightsPath);

}  // namespace pretrainlab::finetune
