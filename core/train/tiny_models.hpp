#pragma once

// The small models the lessons train for you on the built-in toy world: the Training lab's
// comparisons and the attention lesson's tiny encoder and decoder.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/common/progress.hpp"
#include "core/train/model_bundle.hpp"
#include "core/train/run_settings.hpp"

namespace pretrainlab::train {

// The tiny preset of `architecture` on the built-in toy world for `steps` steps, with the run
// settings' defaults (optimizer, schedule, warmup); the schedule peaks at `peak` when given.
RunSettings toyWorldRun(nn::Architecture architecture, std::size_t steps, std::optional<double> peak = std::nullopt);

// How long and how fast the attention lesson's tiny model of an architecture trains. The encoder
// learns from about 15% of its tokens: it needs more steps than the decoder and a warmup of a
// tenth of its run, and it starts from larger weights (σ 0.07 rather than 0.02), to leave the
// plateau where it predicts only the frequent words early on every seed (bench/tiny_models.sh).
struct TinyModelRecipe {
    nn::Architecture architecture = nn::Architecture::Decoder;
    std::size_t steps = 0;
    double peak = 0;
    std::size_t warmup = 0;   // steps; 0: the run settings' default
    double initialStd = 0;    // the weights' σ at the start; 0: the run settings' default
};
TinyModelRecipe tinyModelRecipe(nn::Architecture architecture);

// The recipe's run: the tiny preset on a megabyte of toy world, with the recipe's length, peak
// and warmup, on `threads` threads (pretrainTinyModel's seed is 1; the benchmark tries others).
RunSettings tinyModelRun(const TinyModelRecipe& recipe, unsigned threads, std::uint64_t seed = 1);

// Pretrains the recipe's model on a megabyte of toy world (seed 1) and returns it with its
// tokenizer. `progress` gets 0..1 and may stop it (Cancelled).
std::shared_ptr<const ModelBundle> pretrainTinyModel(const TinyModelRecipe& recipe, unsigned threads,
                                                     const Progress& progress = {});

}  // namespace pretrainlab::train
