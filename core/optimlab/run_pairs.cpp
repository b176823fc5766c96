#include "core/optimlab/run_pairs.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <variant>

#include "core/optimlab/lesson_run.hpp"
#include "core/train/session.hpp"
#include "core/train/tiny_models.hpp"

namespace pretrainlab::optimlab {

namespace {

// The tiny decoder on the toy world at a constant rate: what every experiment varies from.
train::RunSettings base(unsigned threads, std::size_t steps, double rate, std::size_t layers = 2) {
    train::RunSettings s = lessonRun(steps, rate);
    s.model.layers = static_cast<nn::Index>(layers);
    s.trainer.schedule = {optim::ScheduleKind::Constant, rate, 0, steps};
    s.trainer.threads = threads;
    return s;
}

std::string number(double value, int digits = 2) {
    char text[48];
    if (std::abs(value) < 1000) std::snprintf(text, sizeof text, "%.*f", digits, value);
    else std::snprintf(text, sizeof text, "%.3g", value);
    return text;
}

Experiment warmup(unsigned threads) {
    Experiment e{"warmup", "Warmup at a high learning rate",
                 "Does warmup keep a post-LN model at a high learning rate from failing early?", {}, 3};
    train::RunSettings s = base(threads, 200, 1e-2, 6);
    s.model.preNorm = false;
    e.variants.push_back({"no warmup", s});
    s.trainer.schedule.warmup = 80;
    e.variants.push_back({"warmup 80 steps", s});
    return e;
}

Experiment norm(unsigned threads) {
    Experiment e{"norm", "Post-LN vs pre-LN",
                 "Where LayerNorm sits: does a deep post-LN model (BERT, GPT-1) train worse than pre-LN (GPT-2) at a high rate?",
                 {}, 3};
    train::RunSettings s = base(threads, 160, 3e-2, 6);
    s.trainer.schedule.warmup = 30;
    s.model.preNorm = false;
    e.variants.push_back({"post-LN", s});
    s.model.preNorm = true;
    e.variants.push_back({"pre-LN", s});
    return e;
}

Experiment init(unsigned threads) {
    Experiment e{"init", "Initial scale", "Do weights that start too large (σ = 1) train worse than σ = 0.02?", {}, 3};
    train::RunSettings s = base(threads, 300, 2e-3);
    s.model.initialStd = 1.0;
    e.variants.push_back({"σ = 1", s});
    s.model.initialStd = train::gpt2InitialStd;
    e.variants.push_back({"σ = 0.02", s});
    return e;
}

Experiment clip(unsigned threads) {
    Experiment e{"clip", "Gradient clipping",
                 "SGD at a rate that is too high: does clipping the gradient norm at 1 keep it learning?", {}, 3};
    train::RunSettings s = base(threads, 300, 1.0);
    s.trainer.optimizer.kind = optim::OptimizerKind::Sgd;
    s.trainer.optimizer.weightDecay = 0;
    e.variants.push_back({"no clipping", s});
    s.trainer.clipNorm = 1.0;
    e.variants.push_back({"clip at 1", s});
    return e;
}

Experiment precision(unsigned threads) {
    Experiment e{"precision", "Mixed precision",
                 "Does training with fp16 weights and gradients follow fp32, with and without loss scaling, and bf16?", {}, 2};
    train::RunSettings s = base(threads, 300, 2e-3);
    e.variants.push_back({"fp32", s});
    s.trainer.precision = optim::NumberFormat::Fp16;
    s.lossScale = "dynamic";
    e.variants.push_back({"fp16, dynamic loss scale", s});
    s.lossScale = "1";
    e.variants.push_back({"fp16, no loss scale", s});
    s.trainer.precision = optim::NumberFormat::Bf16;
    s.lossScale = "dynamic";
    e.variants.push_back({"bf16", s});
    return e;
}

Experiment accumulation(unsigned threads) {
    Experiment e{"accumulation", "Gradient accumulation",
                 "Is a batch of 32 the same as 4 accumulated micro-batches of 8, and what does it save?", {}, 1};
    train::RunSettings s = base(threads, 200, 2e-3);
    s.batch = 32;
    s.accumulation = 1;
    e.variants.push_back({"batch 32", s});
    s.accumulation = 4;
    e.variants.push_back({"4 × 8 accumulated", s});
    return e;
}

double sampleSpread(const std::vector<double>& values) {
    if (values.size() < 2) return 0.0;
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    double squares = 0;
    for (const double v : values) squares += (v - mean) * (v - mean);
    return std::sqrt(squares / double(values.size() - 1));
}

}  // namespace

std::vector<std::string> experimentNames() { return {"warmup", "norm", "init", "clip", "precision", "accumulation"}; }

std::optional<Experiment> experimentNamed(const std::string& name, unsigned threads) {
    if (name == "warmup") return warmup(threads);
    if (name == "norm") return norm(threads);
    if (name == "init") return init(threads);
    if (name == "clip") return clip(threads);
    if (name == "precision") return precision(threads);
    if (name == "accumulation") return accumulation(threads);
    return std::nullopt;
}

double RunCurve::finalLoss() const {
    std::vector<double> losses;
    for (const RunPoint& p : points)
        if (!p.skipped) losses.push_back(p.loss);
    if (losses.empty()) return std::nan("");
    const std::size_t tail = std::max<std::size_t>(1, losses.size() / 10);
    return std::accumulate(losses.end() - static_cast<std::ptrdiff_t>(tail), losses.end(), 0.0) / double(tail);
}

std::size_t RunCurve::skippedSteps() const {
    return static_cast<std::size_t>(std::count_if(points.begin(), points.end(), [](const RunPoint& p) { return p.skipped; }));
}

double RunCurve::secondsPerStep() const {
    const std::size_t skip = points.size() > 20 ? 10 : 0;
    double total = 0;
    for (std::size_t i = skip; i < points.size(); ++i) total += points[i].seconds;
    return points.size() > skip ? total / double(points.size() - skip) : 0.0;
}

bool RunCurve::stalled() const {
    return stopped.empty() && !points.empty() && finalLoss() > 0.6 * points.front().loss;
}

double VariantSummary::mean() const {
    return finals.empty() ? std::nan("") : std::accumulate(finals.begin(), finals.end(), 0.0) / double(finals.size());
}

double VariantSummary::spread() const { return sampleSpread(finals); }

std::vector<VariantSummary> ExperimentResult::summaries() const {
    std::vector<VariantSummary> out(experiment.variants.size());
    for (std::size_t v = 0; v < out.size(); ++v) out[v].label = experiment.variants[v].label;
    for (const RunCurve& run : runs) {
        VariantSummary& s = out.at(run.variant);
        if (!run.stopped.empty()) ++s.stopped;
        else s.finals.push_back(run.finalLoss());
        if (run.stalled()) ++s.stalled;
        s.skipped += run.skippedSteps();
        double share = 0;
        for (const RunPoint& p : run.points) share += p.underflowShare;
        if (!run.points.empty()) s.underflow += share / double(run.points.size()) / double(experiment.seeds);
    }
    return out;
}

std::string ExperimentResult::verdict() const {
    const std::vector<VariantSummary> all = summaries();
    std::string text;
    for (const VariantSummary& s : all) {
        text += s.label + ": ";
        if (!s.finals.empty()) {
            text += "final loss " + number(s.mean()) + (s.finals.size() > 1 ? " ± " + number(s.spread()) : "") + " (";
            for (std::size_t i = 0; i < s.finals.size(); ++i) text += (i ? ", " : "") + number(s.finals[i]);
            text += ")";
        }
        if (s.stopped > 0) text += (s.finals.empty() ? "" : "; ") + std::to_string(s.stopped) + " run(s) stopped at a non-finite value";
        if (s.stalled > 0)
            text += "; " + std::to_string(s.stalled) + " of " + std::to_string(s.finals.size()) +
                    " stalled (final loss above 60% of the first step's)";
        if (s.underflow > 0)
            text += "; " + number(100 * s.underflow, 3) + "% of gradient entries underflowed to 0 in its format (mean over steps)";
        if (s.skipped > 0) text += "; " + std::to_string(s.skipped) + " step(s) skipped for overflow";
        text += ". ";
    }
    if (all.size() < 2 || all[0].finals.empty()) return text;
    // Each variant against the first, seed by seed (a seed gives both the same data and weights).
    const auto finalOf = [this](std::size_t variant, std::uint64_t seed) -> std::optional<double> {
        for (const RunCurve& run : runs)
            if (run.variant == variant && run.seed == seed && run.stopped.empty()) return run.finalLoss();
        return std::nullopt;
    };
    for (std::size_t v = 1; v < all.size(); ++v) {
        const VariantSummary& a = all[0];
        const VariantSummary& b = all[v];
        if (b.finals.empty()) {
            text += b.label + " did not finish. ";
            continue;
        }
        std::size_t paired = 0, bLower = 0;
        for (std::uint64_t seed = 0; seed < experiment.seeds; ++seed) {
            const std::optional<double> fa = finalOf(0, seed), fb = finalOf(v, seed);
            if (!fa || !fb) continue;
            ++paired;
            bLower += *fb < *fa ? 1 : 0;
        }
        const double gap = b.mean() - a.mean();
        const double noise = std::max(a.spread(), b.spread());
        const std::string lower = gap < 0 ? b.label : a.label;
        const bool sameWay = paired >= 2 && (bLower == paired || bLower == 0) && (bLower == paired) == (gap < 0);
        // Failed: every seed stalled or stopped; learned: every seed ran to the end without stalling.
        const auto failed = [&](const VariantSummary& x) { return x.stalled + x.stopped == experiment.seeds; };
        const auto learned = [&](const VariantSummary& x) {
            return x.stalled == 0 && x.stopped == 0 && x.finals.size() == experiment.seeds;
        };
        if (paired >= 2 && ((failed(a) && learned(b)) || (failed(b) && learned(a)))) {
            const bool aFailed = failed(a);
            text += (aFailed ? a.label : b.label) + " failed to learn on every seed and " + (aFailed ? b.label : a.label) +
                    " learned on every seed: a clear difference on the toy world. ";
        } else if (std::abs(gap) <= 0.02 || (!sameWay && std::abs(gap) <= 2 * noise)) {
            text += "The gap between " + a.label + " and " + b.label + " (" + number(std::abs(gap), 3) +
                    ") is small against the spread over seeds: no clear difference on the toy world at these settings. ";
        } else if (std::abs(gap) > 2 * noise && (sameWay || paired < 2)) {
            text += lower + " ends lower by " + number(std::abs(gap)) +
                    (paired >= 2 ? ", on every seed and by more than twice the spread: a clear difference on the toy world. " : ". ");
        } else if (sameWay) {
            text += lower + " ends lower on all " + std::to_string(paired) + " seeds (by " + number(std::abs(gap)) +
                    " on average), but the spread is large: with " + std::to_string(paired) +
                    " seeds this is a strong hint, not proof. ";
        } else {
            text += lower + " ends lower on average (by " + number(std::abs(gap)) + "), but not on every seed: no clear "
                    "difference on the toy world at these settings. ";
        }
    }
    if (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

ExperimentResult runExperiment(const Experiment& experiment, const RunListener& onProgress, const Progress& progress,
                               std::size_t every) {
    ExperimentResult result{experiment, {}};
    std::size_t totalSteps = 0;
    for (const RunVariant& v : experiment.variants) totalSteps += v.settings.steps * experiment.seeds;
    std::size_t doneSteps = 0;
    for (std::size_t v = 0; v < experiment.variants.size(); ++v) {
        for (std::uint64_t seed = 0; seed < experiment.seeds; ++seed) {
            if (progress.stopRequested()) throw Cancelled();
            train::RunSettings settings = experiment.variants[v].settings;
            settings.trainer.seed = seed;
            const auto started = std::chrono::steady_clock::now();
            train::TrainingSession session(settings);
            RunCurve run;
            run.variant = v;
            run.seed = seed;
            while (!session.finished()) {
                if (progress.stopRequested()) throw Cancelled();
                const train::StepOutcome outcome = session.step();
                ++doneSteps;
                if (const auto* d = std::get_if<train::Divergence>(&outcome)) {
                    run.stopped = d->message();
                    break;
                }
                const auto& m = std::get<train::StepMetrics>(outcome);
                run.points.push_back({m.step, m.loss, m.gradientNorm, m.learningRate, m.lossScale, m.skipped,
                                      m.underflowShare, m.seconds});
                if (onProgress && m.step % every == 0 && !session.finished()) onProgress(run, result.runs.size(), false);
                progress(double(doneSteps) / double(std::max<std::size_t>(1, totalSteps)));
            }
            doneSteps += settings.steps - session.stepsDone();  // a stopped run's remaining steps
            run.activationBytes = session.trainer().activationBytes();
            run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            if (onProgress) onProgress(run, result.runs.size(), true);
            result.runs.push_back(std::move(run));
        }
    }
    progress(1.0);
    return result;
}

}  // namespace pretrainlab::optimlab
