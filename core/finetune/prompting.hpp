#pragma once

// A pretrained decoder asked, with no finetuning at all, the lecture's way: zero-shot by its
// heuristics (sentiment: "[review] it was" + {good, bad}; acceptability and pairs: a threshold on
// the mean log-probability; multiple choice: the ending with the highest log-probability), and
// few-shot with k solved examples placed in the context before the question.

#include <optional>
#include <vector>

#include "core/finetune/tasks.hpp"
#include "core/train/model_bundle.hpp"

namespace pretrainlab::finetune {

struct PromptScore {
    double accuracy = 0;
    std::size_t shots = 0;  // solved examples that fit in the context before each question
    std::string how;        // the heuristic, in words
};

// Nothing when the task has no prompt (tagging) or the model is not a decoder.
std::optional<PromptScore> zeroShot(const Task& task, const train::ModelBundle& decoder);
// `examples` gives the solved examples (as many as fit, at most `shots`).
std::optional<PromptScore> fewShot(const Task& task, const train::ModelBundle& decoder,
                                   const std::vector<Example>& examples, std::size_t shots = 4);

}  // namespace pretrainlab::finetune
