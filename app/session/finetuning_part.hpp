#pragma once

// The Pretrain → finetune lesson's results in a session file, as JSON: the live runs' curves and
// evaluations, the ablation table, the data-size and pretraining sweeps, the architectures compared,
// and which model the lesson starts from.

#include <string>

#include "app/lessons/finetuning/lesson_state.hpp"

namespace pretrainlab::app::session {

std::string finetuningJson(const FinetuningState::Results& results, FinetuningState::Source source);

struct SavedFinetuning {
    FinetuningState::Results results;
    FinetuningState::Source source = FinetuningState::Source::ShippedDecoder;
};
// Throws std::invalid_argument (or nlohmann's exceptions) saying what does not fit.
SavedFinetuning finetuningFrom(const std::string& json);

}  // namespace pretrainlab::app::session
