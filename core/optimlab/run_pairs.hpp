#pragma once

// The lesson's live experiments on the network: runs that differ in one setting (warmup or none,
// post-LN or pre-LN, a large or a right initial scale, clipping or none, fp32 or fp16 with or
// without loss scaling, one batch or accumulated micro-batches), trained side by side over a few
// seeds on the toy world, with their curves and what they showed, in numbers.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/train/run_settings.hpp"

namespace pretrainlab::optimlab {

struct RunVariant {
    std::string label;  // "warmup 100 steps"
    train::RunSettings settings;
};

struct Experiment {
    std::string name;      // "warmup": as the CLI names it
    std::string title;     // "Warmup at a high learning rate"
    std::string question;  // what the lecture claims, as a question the runs answer
    std::vector<RunVariant> variants;
    std::size_t seeds = 3;
};

// warmup, norm, init, clip, precision, accumulation: each variant `steps` long on `threads` threads.
std::vector<std::string> experimentNames();
std::optional<Experiment> experimentNamed(const std::string& name, unsigned threads);

struct RunPoint {
    std::size_t step = 0;
    double loss = 0;
    double gradientNorm = 0;  // before clipping (0 for a skipped step)
    double learningRate = 0;
    double lossScale = 1;
    bool skipped = false;     // mixed precision: the gradients overflowed
    double underflowShare = 0;
    double seconds = 0;
};

struct RunCurve {
    std::size_t variant = 0;
    std::uint64_t seed = 0;
    std::vector<RunPoint> points;
    std::string stopped;  // why the run stopped early (a non-finite value), "" when it ran to the end
    std::size_t activationBytes = 0;
    double seconds = 0;

    // The mean loss over the last tenth of its steps (the last point's for short runs).
    double finalLoss() const;
    std::size_t skippedSteps() const;
    // The mean time of a step after the first ten (which warm the caches up), in seconds.
    double secondsPerStep() const;
    // Ran to the end but learned little: the final loss above 60% of the first step's.
    bool stalled() const;
};

struct VariantSummary {
    std::string label;
    std::vector<double> finals;  // one per seed that ran to the end
    std::size_t stopped = 0;     // runs that stopped at a non-finite value
    std::size_t stalled = 0;     // runs that ran to the end but learned little
    std::size_t skipped = 0;     // mixed-precision steps skipped, over all seeds
    double underflow = 0;        // mixed precision: the mean share of gradient entries that became 0
    double mean() const;
    double spread() const;       // the sample standard deviation (0 for fewer than two)
};

struct ExperimentResult {
    Experiment experiment;
    std::vector<RunCurve> runs;  // variant by variant, seed by seed

    std::vector<VariantSummary> summaries() const;
    // What the runs showed, in words with their numbers: which variant ended lower and whether
    // the gap is larger than the spread over seeds ("no clear difference" when it is not).
    std::string verdict() const;
};

// Runs every variant for every seed (seeds 0 .. experiment.seeds − 1), one after the other.
// `onProgress` hears the run being trained (its place in the result's runs) every `every` steps
// and once when it ends (from this thread); `progress` gets the share done and may stop it
// (Cancelled).
using RunListener = std::function<void(const RunCurve& run, std::size_t index, bool ended)>;
ExperimentResult runExperiment(const Experiment& experiment, const RunListener& onProgress = {},
                               const Progress& progress = {}, std::size_t every = 10);

}  // namespace pretrainlab::optimlab
