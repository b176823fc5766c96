// The attention lesson's "Train tiny models": how long each tiny model's recipe takes on this
// machine and what it learns, beside variants of its length and peak rate, on several seeds. One
// JSON line per run:
//   name, arch, steps, peak, warmup, seed   the run
//   train_s                                  wall seconds of the training steps alone
//   held_out                                 [[step, held-out loss], ...] every 250 steps and at the end
//   probes                                   the held-out probes' accuracy per category at the end
//
//   bench_tiny_models [--threads N] [--seeds A,B,...] [--only NAME]
//
// With --button ROUNDS it times instead what the lesson's button runs, pretrainTinyModel for the
// encoder and then the decoder (the toy world and its tokenizer included), with the recipes and
// with the earlier ones, in turn, ROUNDS times; one JSON line per run:
//   button ("recipes" or "earlier"), round, encoder_s, decoder_s, total_s
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "core/data/toyworld.hpp"
#include "core/train/session.hpp"
#include "core/train/tiny_models.hpp"

using namespace pretrainlab;

namespace {

struct Variant {
    std::string name;
    train::TinyModelRecipe recipe;
    std::function<void(train::RunSettings&)> tweak = {};  // anything else this variant changes
};

// The encoder's recipe before this one (the decoder's is unchanged), for the button's comparison.
train::TinyModelRecipe earlierEncoderRecipe() { return {nn::Architecture::Encoder, 3000, 1e-3, 300, 0.02}; }

std::vector<Variant> variants() {
    using nn::Architecture;
    // A recipe written out: the architecture, length, peak, warmup (30: the run settings'
    // default) and the weights' σ at the start (0.02: the run settings' default).
    const auto recipe = [](Architecture a, std::size_t steps, double peak, std::size_t warmup, double std = 0.02) {
        return train::TinyModelRecipe{a, steps, peak, warmup, std};
    };
    const auto encoder = [&](std::size_t steps, double peak, std::size_t warmup, double std = 0.02) {
        return recipe(Architecture::Encoder, steps, peak, warmup, std);
    };
    const auto decoder = [&](std::size_t steps, double std = 0.02) { return recipe(Architecture::Decoder, steps, 2e-3, 30, std); };
    return {
        {"encoder, the recipe", train::tinyModelRecipe(Architecture::Encoder)},
        {"encoder, 3000 steps, 1e-3, warmup 300 (the earlier recipe)", earlierEncoderRecipe()},
        {"encoder, 3000 steps, 1e-3, warmup 30 (the one before)", encoder(3000, 1e-3, 30)},
        // With the start's σ at 0.02:
        {"encoder, 2000 steps, 1e-3, warmup 300", encoder(2000, 1e-3, 300)},
        {"encoder, 2000 steps, 1.5e-3, warmup 150", encoder(2000, 1.5e-3, 150)},
        {"encoder, 2500 steps, 1.5e-3, warmup 150", encoder(2500, 1.5e-3, 150)},
        {"encoder, 2000 steps, 2e-3, warmup 30", encoder(2000, 2e-3, 30)},
        {"encoder, 1500 steps, 2e-3, warmup 100", encoder(1500, 2e-3, 100)},
        {"encoder, 3000 steps, 5e-4, warmup 30", encoder(3000, 5e-4, 30)},
        {"encoder, 3000 steps, warmup 30, beta2 0.98", encoder(3000, 1e-3, 30),
         [](train::RunSettings& r) { r.trainer.optimizer.beta2 = 0.98; }},
        {"encoder, 3000 steps, warmup 30, no weight decay", encoder(3000, 1e-3, 30),
         [](train::RunSettings& r) { r.trainer.optimizer.weightDecay = 0; }},
        {"encoder, 3000 steps, warmup 30, batch 32", encoder(3000, 1e-3, 30), [](train::RunSettings& r) { r.batch = 32; }},
        {"encoder, 2000 steps, 1e-3, warmup 200", encoder(2000, 1e-3, 200)},
        {"encoder, 2000 steps, 1e-3, warmup 200, clip 1", encoder(2000, 1e-3, 200),
         [](train::RunSettings& r) { r.trainer.clipNorm = 1.0; }},
        {"encoder, 2000 steps, 2e-3, warmup 200, clip 1", encoder(2000, 2e-3, 200),
         [](train::RunSettings& r) { r.trainer.clipNorm = 1.0; }},
        {"encoder, 2000 steps, 1e-3, warmup 200, post-LN", encoder(2000, 1e-3, 200),
         [](train::RunSettings& r) { r.model.preNorm = false; }},
        {"encoder, 2000 steps, 1e-3, warmup 200, beta1 0.8", encoder(2000, 1e-3, 200),
         [](train::RunSettings& r) { r.trainer.optimizer.beta1 = 0.8; }},
        // Larger weights at the start:
        {"encoder, 2000 steps, 1e-3, warmup 200, init 0.035", encoder(2000, 1e-3, 200, 0.035)},
        {"encoder, 2000 steps, 1e-3, warmup 200, init 0.05", encoder(2000, 1e-3, 200, 0.05)},
        {"encoder, 2000 steps, 1e-3, warmup 200, init 0.07", encoder(2000, 1e-3, 200, 0.07)},
        {"encoder, 2000 steps, 1e-3, warmup 200, init 0.1", encoder(2000, 1e-3, 200, 0.1)},
        {"encoder, 2000 steps, 1.5e-3, warmup 200, init 0.05", encoder(2000, 1.5e-3, 200, 0.05)},
        {"encoder, 1500 steps, 1e-3, warmup 150, init 0.05", encoder(1500, 1e-3, 150, 0.05)},
        {"encoder, 1500 steps, 1.5e-3, warmup 150, init 0.05", encoder(1500, 1.5e-3, 150, 0.05)},
        {"encoder, 1500 steps, 1.5e-3, warmup 300, init 0.05", encoder(1500, 1.5e-3, 300, 0.05)},
        {"encoder, 1500 steps, 2e-3, warmup 150, init 0.05", encoder(1500, 2e-3, 150, 0.05)},
        {"encoder, 1200 steps, 2e-3, warmup 120, init 0.05", encoder(1200, 2e-3, 120, 0.05)},
        {"decoder, the recipe", train::tinyModelRecipe(Architecture::Decoder)},
        {"decoder, 600 steps", decoder(600)},
        {"decoder, 600 steps, init 0.05", decoder(600, 0.05)},
        {"decoder, 600 steps, init 0.07", decoder(600, 0.07)},
    };
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The button's two models, timed one after the other as the lesson trains them.
void timeButton(const char* name, const std::array<train::TinyModelRecipe, 2>& recipes, unsigned threads, int round) {
    std::array<double, 2> taken{};
    for (std::size_t i = 0; i < recipes.size(); ++i) {
        const auto start = std::chrono::steady_clock::now();
        const auto model = train::pretrainTinyModel(recipes[i], threads);
        taken[i] = seconds(std::chrono::steady_clock::now() - start);
        if (!model) std::abort();
    }
    std::printf("{\"button\":\"%s\",\"round\":%d,\"encoder_s\":%.2f,\"decoder_s\":%.2f,\"total_s\":%.2f}\n", name, round,
                taken[0], taken[1], taken[0] + taken[1]);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    unsigned threads = 2;
    std::vector<std::uint64_t> seeds{1, 2, 3};
    std::string only;
    int buttonRounds = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--threads") {
            threads = unsigned(std::strtoul(value.c_str(), nullptr, 10));
        } else if (flag == "--seeds") {
            seeds.clear();
            for (std::size_t at = 0; at < value.size();) {
                const std::size_t comma = value.find(',', at);
                seeds.push_back(std::strtoull(value.substr(at, comma - at).c_str(), nullptr, 10));
                at = comma == std::string::npos ? value.size() : comma + 1;
            }
        } else if (flag == "--only") {
            only = value;
        } else if (flag == "--button") {
            buttonRounds = int(std::strtol(value.c_str(), nullptr, 10));
        } else {
            std::fprintf(stderr, "bench_tiny_models: unknown option %s\n", flag.c_str());
            return 2;
        }
    }
    if (buttonRounds > 0) {
        const std::array<train::TinyModelRecipe, 2> recipes{train::tinyModelRecipe(nn::Architecture::Encoder),
                                                            train::tinyModelRecipe(nn::Architecture::Decoder)};
        const std::array<train::TinyModelRecipe, 2> earlier{earlierEncoderRecipe(),
                                                            train::tinyModelRecipe(nn::Architecture::Decoder)};
        for (int round = 1; round <= buttonRounds; ++round) {
            timeButton("earlier", earlier, threads, round);
            timeButton("recipes", recipes, threads, round);
        }
        return 0;
    }
    for (const Variant& variant : variants()) {
        if (!only.empty() && variant.name.find(only) == std::string::npos) continue;
        for (const std::uint64_t seed : seeds) {
            train::RunSettings settings = train::tinyModelRun(variant.recipe, threads, seed);
            if (variant.tweak) variant.tweak(settings);
            train::TrainingSession session(settings);
            std::chrono::steady_clock::duration training{};
            std::string heldOut;
            for (std::size_t step = 1; step <= variant.recipe.steps; ++step) {
                const auto start = std::chrono::steady_clock::now();
                const train::StepOutcome outcome = session.step();
                training += std::chrono::steady_clock::now() - start;
                if (!std::holds_alternative<train::StepMetrics>(outcome)) {
                    std::fprintf(stderr, "%s, seed %llu: stopped at step %zu\n", variant.name.c_str(),
                                 static_cast<unsigned long long>(seed), step);
                    break;
                }
                if (step % 250 == 0 || step == variant.recipe.steps) {
                    char point[64];
                    std::snprintf(point, sizeof point, "%s[%zu,%.4f]", heldOut.empty() ? "" : ",", step,
                                  session.heldOutLoss().value_or(0.0));
                    heldOut += point;
                }
            }
            const train::ProbeReport report = session.probes();
            std::string probes;
            for (int c = 0; c < data::probeCategoryCount; ++c) {
                char item[64];
                std::snprintf(item, sizeof item, "%s\"%s\":%.3f", probes.empty() ? "" : ",",
                              std::string(data::probeCategoryName(data::ProbeCategory(c))).c_str(), report.accuracy[std::size_t(c)]);
                probes += item;
            }
            std::printf("{\"name\":\"%s\",\"arch\":\"%s\",\"steps\":%zu,\"peak\":%g,\"warmup\":%zu,\"seed\":%llu,"
                        "\"train_s\":%.2f,\"held_out\":[%s],\"probes\":{%s}}\n",
                        variant.name.c_str(), variant.recipe.architecture == nn::Architecture::Encoder ? "encoder" : "decoder",
                        variant.recipe.steps, variant.recipe.peak, settings.trainer.schedule.warmup,
                        static_cast<unsigned long long>(seed), seconds(training), heldOut.c_str(), probes.c_str());
            std::fflush(stdout);
        }
    }
    return 0;
}
