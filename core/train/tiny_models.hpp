#pragma once

// The small models the lessons train for you on the built-in toy world: the Training lab's
// comparisons and the attention lesson's tiny encoder and decoder.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/common/progress.hpp"
#include "core/optim/optimizer.hpp"
#include "core/train/model_bundle.hpp"
#include "core/train/run_settings.hpp"

namespace pretrainlab::train {

// GPT-2's and BERT's starting σ (at width 768). The run settings' default is wider (0.1, from
// which the tiny models learn the toy world sooner); the lessons whose figures were measured from
// 0.02 (the Optimization lesson's runs, the attention lesson's tiny decoder, the Finetuning
// lesson's pretraining) keep it.
inline constexpr double gpt2InitialStd = 0.02;

// The tiny preset of `architecture` on the built-in toy world for `steps` steps, with the run
// settings' defaults (optimizer, schedule, warmup); the schedule peaks at `peak` when given.
RunSettings toyWorldRun(nn::Architecture architecture, std::size_t steps, std::optional<double> peak = std::nullopt);

// How long and how fast the attention lesson's tiny model of an architecture trains. The encoder
// learns from about 15% of its tokens: it needs more steps than the decoder and a warmup of a
// tenth of its run, and it starts from larger weights (σ 0.07 rather than 0.02), to leave the
// plateau where it predicts only the frequent words early on every seed (bench/tiny_models.sh).
// The decoder and the encoder-decoder keep the σ 0.02 their recipes were measured with, and all
// three Adam's own β₂ 0.999 (the run settings' default is 0.95).
struct TinyModelRecipe {
    nn::Architecture architecture = nn::Architecture::Decoder;
    std::size_t steps = 0;
    double peak = 0;
    std::size_t warmup = 0;   // steps; 0: the run settings' default
    double initialStd = 0;    // the weights' σ at the start; 0: the run settings' default
    double beta2 = optim::OptimizerOptions{}.beta2;
};
TinyModelRecipe tinyModelRecipe(nn::Architecture architecture);

// The recipe's run: the tiny preset on a megabyte of toy world, with the recipe's length, peak,
// warmup, σ and β₂, on `threads` threads (pretrainTinyModel's seed is 1; the benchmark tries others).
RunSettings tinyModelRun(const TinyModelRecipe& recipe, unsigned threads, std::uint64_t seed = 1);

// Pretrains the recipe's model on a megabyte of toy world (seed 1) and returns it with its
// tokenizer. `progress` gets 0..1 and may stop it (Cancelled).
std::shared_ptr<const ModelBundle> pretrainTinyModel(const TinyModelRecipe& recipe, unsigned threads,
                                                     const Progress& progress = {});

}  // namespace pretrainlab::train
