#pragma once

// A run of the tiny decoder on the toy world, narrowed to train in milliseconds a step, for the
// lessons' tests.

#include <cstdint>

#include "core/train/run_settings.hpp"

namespace pretrainlab::test {

inline train::RunSettings quickRun(std::size_t steps, std::uint64_t seed = 0) {
    train::RunSettings settings;
    settings.applyPreset("tiny");
    settings.preset = "custom";
    settings.trainer.optimizer.weightDecay = 0.01;
    settings.model.width = 32;
    settings.model.context = 32;
    settings.batch = 8;
    settings.steps = steps;
    settings.corpus = train::toyWorldCorpus;
    settings.trainer.threads = 2;
    settings.trainer.seed = seed;
    settings.trainer.schedule = {optim::ScheduleKind::Cosine, 2e-3, 5, steps};
    return settings;
}

}  // namespace pretrainlab::test
