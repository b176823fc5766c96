#pragma once

// The run every Optimization lesson experiment starts from.

#include <cstddef>
#include <optional>

#include "core/train/run_settings.hpp"

namespace pretrainlab::optimlab {

// The tiny decoder on a quarter megabyte of toy world for `steps` steps (peaking at `rate` when
// given), from GPT-2's and BERT's σ 0.02 and with Adam's own β₂ 0.999: the lesson's experiments
// and their figures were measured with them, and what they compare (optimizers, warmup, clipping,
// precision) is neither the starting scale nor β₂.
train::RunSettings lessonRun(std::size_t steps, std::optional<double> rate = std::nullopt);

}  // namespace pretrainlab::optimlab
