#include "core/train/tiny_models.hpp"

#include <cstdio>
#include <string>
#include <variant>

#include "core/train/session.hpp"

namespace pretrainlab::train {

RunSettings toyWorldRun(nn::Architecture architecture, std::size_t steps, std::optional<double> peak) {
    RunSettings s;
    s.applyPreset("tiny");
    s.model.architecture = architecture;
    s.corpus = toyWorldCorpus;
    s.steps = steps;
    s.trainer.schedule.total = steps;
    if (peak) s.trainer.schedule.peak = *peak;
    return s;
}

TinyModelRecipe tinyModelRecipe(nn::Architecture architecture) {
    switch (architecture) {
        case nn::Architecture::Encoder: return {architecture, 1500, 2e-3, 150, 0.07};
        case nn::Architecture::Decoder: return {architecture, 800, 2e-3, 0, gpt2InitialStd};
        case nn::Architecture::EncoderDecoder: return {architecture, 3000, 1e-3, 0, gpt2InitialStd};
    }
    return {};
}

RunSettings tinyModelRun(const TinyModelRecipe& recipe, unsigned threads, std::uint64_t seed) {
    RunSettings settings = toyWorldRun(recipe.architecture, recipe.steps, recipe.peak);
    settings.toyWorldBytes = 1u << 20;
    settings.trainer.threads = threads;
    settings.trainer.seed = seed;
    if (recipe.warmup > 0) settings.trainer.schedule.warmup = recipe.warmup;
    if (recipe.initialStd > 0) settings.model.initialStd = recipe.initialStd;
    settings.trainer.optimizer.beta2 = recipe.beta2;
    return settings;
}

std::shared_ptr<const ModelBundle> pretrainTinyModel(const TinyModelRecipe& recipe, unsigned threads,
                                                     const Progress& progress) {
    TrainingSession session(tinyModelRun(recipe, threads));
    double loss = 0;
    for (std::size_t k = 0; k < recipe.steps; ++k) {
        if (progress.stopRequested()) throw Cancelled();
        const StepOutcome outcome = session.step();
        if (const auto* metrics = std::get_if<StepMetrics>(&outcome)) loss = metrics->loss;
        progress(double(k + 1) / double(recipe.steps));
    }
    const char* kind = recipe.architecture == nn::Architecture::Encoder   ? "tiny encoder (masked LM)"
                       : recipe.architecture == nn::Architecture::Decoder ? "tiny decoder (next token)"
                                                                          : "tiny encoder-decoder (spans)";
    char lossText[32];
    std::snprintf(lossText, sizeof lossText, "%.2f", loss);
    return snapshotOf(session, std::string(kind) + ", " + std::to_string(recipe.steps) + " steps on the toy world, loss " +
                                   lossText);
}

}  // namespace pretrainlab::train
