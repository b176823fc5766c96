#include "app/cli/optimize_commands.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "core/optim/memory.hpp"
#include "core/optim/playground.hpp"
#include "core/optimlab/accumulation.hpp"
#include "core/optimlab/model_memory.hpp"
#include "core/optimlab/run_pairs.hpp"
#include "core/optimlab/step_sizes.hpp"
#include "core/train/checkpoint.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

Json pair(const optim::Point2& p) { return Json::array({p[0], p[1]}); }

std::string names(const std::vector<std::string>& all) {
    std::string text;
    for (std::size_t i = 0; i < all.size(); ++i) text += (i ? ", " : "") + all[i];
    return text;
}

optim::Point2 parseStart(const std::string& text) {
    const std::size_t comma = text.find(',');
    try {
        if (comma != std::string::npos) {
            std::size_t a = 0, b = 0;
            const std::string xs = text.substr(0, comma), ys = text.substr(comma + 1);
            const double x = std::stod(xs, &a), y = std::stod(ys, &b);
            if (a == xs.size() && b == ys.size() && std::isfinite(x) && std::isfinite(y)) return {x, y};
        }
    } catch (const std::exception&) {
    }
    throw UsageError("--start expects X,Y (two numbers), got '" + text + "'");
}

int runOptimize2d(const Arguments& arguments, std::ostream& out) {
    const std::string surfaceName = arguments.required("surface");
    const std::optional<optim::Surface> surface = optim::surfaceNamed(surfaceName);
    if (!surface) {
        std::vector<std::string> known;
        for (const optim::Surface& s : optim::surfaces()) known.push_back(s.name);
        throw UsageError("--surface: no surface '" + surfaceName + "' (there are " + names(known) + ")");
    }
    const std::string optimizerName = arguments.required("optimizer");
    const std::optional<optim::OptimizerKind> kind = optim::parseOptimizer(optimizerName);
    if (!kind) {
        std::vector<std::string> known;
        for (const optim::OptimizerKind k : optim::optimizerKinds()) known.emplace_back(optim::optimizerName(k));
        throw UsageError("--optimizer: no optimizer '" + optimizerName + "' (there are " + names(known) + ")");
    }
    optim::PathSettings settings;
    settings.optimizer.kind = *kind;
    settings.optimizer.weightDecay = arguments.number("weight-decay").value_or(0.0);
    settings.optimizer.beta1 = arguments.number("beta1").value_or(settings.optimizer.beta1);
    settings.optimizer.beta2 = arguments.number("beta2").value_or(settings.optimizer.beta2);
    settings.optimizer.epsilon = arguments.number("epsilon").value_or(settings.optimizer.epsilon);
    settings.optimizer.momentum = arguments.number("momentum").value_or(settings.optimizer.momentum);
    const bool noCorrection = arguments.flag("no-bias-correction");
    settings.optimizer.correctFirstMoment = !noCorrection && !arguments.flag("no-m-correction");
    settings.optimizer.correctSecondMoment = !noCorrection && !arguments.flag("no-v-correction");
    const bool adaptive = *kind == optim::OptimizerKind::Adam || *kind == optim::OptimizerKind::AdamW ||
                          *kind == optim::OptimizerKind::RmsProp;
    settings.learningRate = arguments.number("lr").value_or(surface->suggestedRate(adaptive));
    settings.start = arguments.value("start") ? parseStart(*arguments.value("start")) : surface->start;
    settings.seed = static_cast<std::uint64_t>(arguments.integer("seed", 0, 999'999'999).value_or(0));
    if (const std::string problem = settings.problem(); !problem.empty()) throw UsageError(problem);
    const auto steps = static_cast<std::size_t>(arguments.integer("steps", 0, 10'000'000).value_or(100));

    optim::OptimizerPath path(*surface, settings);
    for (std::size_t k = 0; k <= steps; ++k) {
        const optim::PathPoint& p = k == 0 ? path.current() : path.step();
        Json line = {{"step", p.step},         {"theta", pair(p.theta)}, {"loss", p.loss},
                     {"grad", pair(p.gradient)}, {"m", pair(p.m)},         {"v", pair(p.v)},
                     {"m_hat", pair(p.mHat)},  {"v_hat", pair(p.vHat)},  {"update", pair(p.update)}};
        out << line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
        if (path.diverged()) {
            out << Json{{"diverged", true}, {"step", p.step}}.dump() << '\n';
            break;
        }
    }
    return 0;
}

int runMemory(const Arguments& arguments, std::ostream& out) {
    const std::optional<std::string> presetName = arguments.value("preset");
    const std::optional<std::string> from = arguments.value("from");
    if (presetName.has_value() == from.has_value()) throw UsageError("give one of --preset NAME or --from CHECKPOINT.safetensors");
    optim::ModelShape shape;
    if (presetName) {
        const std::optional<optim::ModelShape> preset = optim::modelPreset(*presetName);
        if (!preset) {
            std::vector<std::string> known;
            for (const optim::ModelShape& m : optim::modelPresets()) known.push_back(m.name);
            throw UsageError("--preset: no model '" + *presetName + "' (there are " + names(known) + ")");
        }
        shape = *preset;
    } else {
        shape = optimlab::shapeOf(*train::loadCheckpointModel(*from).bundle->model, *from);
    }
    const std::string optimizerName = arguments.value("optimizer").value_or("adam");
    const std::optional<optim::OptimizerKind> kind = optim::parseOptimizer(optimizerName);
    if (!kind) throw UsageError("--optimizer expects sgd, momentum, rmsprop, adam or adamw, got '" + optimizerName + "'");
    const std::string precisionName = arguments.value("precision").value_or("fp32");
    const std::optional<optim::Precision> precision = optim::parsePrecision(precisionName);
    if (!precision) throw UsageError("--precision expects fp32 or mixed, got '" + precisionName + "'");
    const auto batch = static_cast<std::size_t>(arguments.integer("batch", 1, 1'000'000).value_or(1));
    const auto context = static_cast<std::size_t>(arguments.integer("ctx", 1, 10'000'000).value_or(static_cast<long long>(shape.context)));
    const optim::StepMemory m = optim::stepMemory(shape, *kind, *precision, batch, context);
    Json line = {{"model", shape.name},
                 {"optimizer", optim::optimizerName(*kind)},
                 {"precision", optim::precisionName(*precision)},
                 {"batch", batch},
                 {"ctx", context},
                 {"parameters", m.parameters},
                 {"bytes",
                  {{"weights", m.weights},
                   {"master_weights", m.masterWeights},
                   {"gradients", m.gradients},
                   {"optimizer_state", m.optimizerState},
                   {"model_states", m.modelStates()},
                   {"activations", m.activations},
                   {"total", m.total()}}},
                 {"bytes_per_parameter", double(m.modelStates()) / double(std::max<std::size_t>(1, m.parameters))}};
    out << line.dump() << '\n';
    return 0;
}

int runExperiment(const Arguments& arguments, std::ostream& out) {
    const std::string name = arguments.required("name");
    const unsigned threads = static_cast<unsigned>(
        arguments.integer("threads", 1, 256).value_or(std::max(1u, std::thread::hardware_concurrency())));
    if (name == "adam-vs-sgd") {
        optimlab::StepSizeSettings settings;
        settings.threads = threads;
        if (const auto steps = arguments.integer("steps", 1, 1'000'000)) settings.steps = static_cast<std::size_t>(*steps);
        const optimlab::StepSizeStudy study = optimlab::compareStepSizes(settings);
        for (std::size_t i = 0; i < study.adam.groups.size(); ++i) {
            const optimlab::GroupSteps& a = study.adam.groups[i];
            const optimlab::GroupSteps& g = study.sgd.groups.at(i);
            out << Json{{"group", a.group},
                        {"parameters", a.parameters},
                        {"adam_step", {{"p10", a.p10}, {"median", a.median}, {"p90", a.p90}}},
                        {"sgd_step", {{"p10", g.p10}, {"median", g.median}, {"p90", g.p90}}}}
                       .dump()
                << '\n';
        }
        out << Json{{"experiment", name},
                    {"adam_rare", study.adamRare},
                    {"adam_frequent", study.adamFrequent},
                    {"sgd_rare", study.sgdRare},
                    {"sgd_frequent", study.sgdFrequent},
                    {"adam_final_loss", study.adam.finalLoss},
                    {"sgd_final_loss", study.sgd.finalLoss},
                    {"verdict", study.summary()}}
                   .dump(-1, ' ', false, Json::error_handler_t::replace)
            << '\n';
        return 0;
    }
    std::optional<optimlab::Experiment> experiment = optimlab::experimentNamed(name, threads);
    if (!experiment) throw UsageError("--name: no experiment '" + name + "' (there are " + names(optimlab::experimentNames()) + ")");
    if (const auto seeds = arguments.integer("seeds", 1, 100)) experiment->seeds = static_cast<std::size_t>(*seeds);
    if (const auto steps = arguments.integer("steps", 1, 1'000'000)) {
        for (optimlab::RunVariant& v : experiment->variants) {
            v.settings.steps = static_cast<std::size_t>(*steps);
            v.settings.trainer.schedule.total = v.settings.steps;
        }
    }
    if (name == "accumulation") {
        // One batch of the tiny encoder's masked LM (micro-batches with different target counts) in one pass
        // and as 4 micro-batches, then the two runs.
        train::RunSettings encoder = experiment->variants.front().settings;
        encoder.model.architecture = nn::Architecture::Encoder;
        const optimlab::AccumulationCheck c = optimlab::checkAccumulation(encoder, 32, 4);
        out << Json{{"check", "gradient"},
                    {"sequences", c.sequences},
                    {"micro_batches", c.microBatches},
                    {"max_difference", c.accumulatedMaxDifference},
                    {"relative_difference", c.accumulatedRelative},
                    {"naive_relative_difference", c.naiveRelative},
                    {"targets_per_micro_batch", {c.fewestTargets, c.mostTargets}},
                    {"activation_bytes", {{"batch", c.largeActivationBytes}, {"micro_batch", c.microActivationBytes}}},
                    {"seconds", {{"batch", c.largeSeconds}, {"micro_batches", c.microSeconds}}}}
                   .dump()
            << '\n';
    }
    const optimlab::ExperimentResult result = optimlab::runExperiment(*experiment);
    for (const optimlab::RunCurve& run : result.runs) {
        Json line = {{"variant", experiment->variants[run.variant].label},
                     {"seed", run.seed},
                     {"steps", run.points.size()},
                     {"final_loss", run.finalLoss()},
                     {"stalled", run.stalled()},
                     {"stopped", run.stopped},
                     {"skipped_steps", run.skippedSteps()},
                     {"activation_bytes", run.activationBytes},
                     {"ms_per_step", 1e3 * run.secondsPerStep()},
                     {"seconds", run.seconds}};
        out << line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    }
    out << Json{{"experiment", name}, {"verdict", result.verdict()}}.dump() << '\n';
    return 0;
}

}  // namespace

Command optimize2dCommand() {
    return {"optimize2d",
            "An optimizer of the engine on a 2-D loss surface: one JSON line per point, the start first, with g, m, v, "
            "m̂, v̂ and the update of both coordinates.",
            {{"surface", "valley|rosenbrock|saddle|cliff|noisy", "the loss surface (Rosenbrock with a = 1, b = 100)", true},
             {"optimizer", "sgd|momentum|rmsprop|adam|adamw", "the optimizer", true},
             {"start", "X,Y", "where to start (default: the surface's own start)"},
             {"lr", "X", "the learning rate η (default: one that suits the surface and the optimizer)"},
             {"beta1", "X", "β₁ (default 0.9)"},
             {"beta2", "X", "β₂ (default 0.999; RMSProp's decay)"},
             {"epsilon", "X", "ε (default 1e-8)"},
             {"momentum", "X", "SGD with momentum (default 0.9)"},
             {"weight-decay", "X", "λ: decoupled in AdamW, added to the gradient otherwise (default 0)"},
             {"no-bias-correction", "", "Adam: use m and v as they are, without (3)"},
             {"no-m-correction", "", "Adam: leave only m uncorrected"},
             {"no-v-correction", "", "Adam: leave only v uncorrected"},
             {"seed", "N", "the noisy surface's mini-batch noise (default 0)"},
             {"steps", "N", "steps to take (default 100)"}},
            [](const Arguments& a, std::ostream& out, std::ostream&) { return runOptimize2d(a, out); }};
}

Command memoryCommand() {
    return {"memory",
            "What one training step holds, in bytes: weights, master weights, gradients, optimizer state and activations.",
            {{"preset", "NAME", "BERT-base, BERT-large, GPT-2, GPT-2-XL or GPT-3"},
             {"from", "CKPT.safetensors", "a checkpoint `train --save` wrote, instead of a preset"},
             {"optimizer", "sgd|momentum|rmsprop|adam|adamw", "the optimizer (default adam)"},
             {"precision", "fp32|mixed", "all in fp32, or mixed precision with an fp32 master copy (default fp32)"},
             {"batch", "N", "sequences per step (default 1)"},
             {"ctx", "N", "tokens per sequence (default: the model's context)"}},
            [](const Arguments& a, std::ostream& out, std::ostream&) { return runMemory(a, out); }};
}

Command experimentCommand() {
    return {"experiment",
            "One of the Optimization lesson's paired runs on the toy world (warmup, norm, init, clip, precision, "
            "accumulation): a JSON line per run and the verdict.",
            {{"name", "warmup|norm|init|clip|precision|accumulation|adam-vs-sgd", "the experiment", true},
             {"seeds", "N", "seeds per variant (default: the experiment's)"},
             {"steps", "N", "steps per run (default: the experiment's)"},
             {"threads", "N", "threads for training (default: this machine's cores)"}},
            [](const Arguments& a, std::ostream& out, std::ostream&) { return runExperiment(a, out); }};
}

}  // namespace pretrainlab::cli
