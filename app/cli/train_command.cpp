#include "app/cli/train_command.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "app/cli/arguments.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/memory.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/metrics_csv.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

// The settings' problems in the words of the command line.
std::string asFlags(std::string problem) {
    const std::pair<const char*, const char*> words[] = {
        {"the number of heads", "--heads"}, {"the width d", "--d"}, {"the width (d)", "--d"},
        {"the context", "--ctx"},           {"the vocabulary", "--vocab"}, {"gradient accumulation", "--accum"},
        {"the batch", "--batch"},           {"the layers", "--layers"}, {"the encoder's context", "--ctx for the encoder"},
        {"the encoder-decoder's context", "--ctx for the encoder-decoder"}, {"the masking rate", "--mask-rate"}};
    for (const auto& [from, to] : words) {
        if (const std::size_t at = problem.find(from); at != std::string::npos) {
            problem.replace(at, std::string(from).size(), to);
        }
    }
    return problem;
}

// Options that are not run settings.
const std::vector<OptionSpec>& runOptions() {
    static const std::vector<OptionSpec> options{
        {"random-data", "", "train on random tokens (for speed; no held-out loss or probes)"},
        {"mask-only", "", "the encoder's picked tokens all become [MASK] (no random or kept ones)"},
        {"probes", "", "evaluate the toy world's held-out probes at every logged step"},
        {"metrics", "FILE.csv", "write every step's metrics as CSV"},
        {"log-every", "N", "print a JSON line every N steps (default: 20 lines in all)"},
        {"save", "FILE.safetensors",
         "save a checkpoint at the end, and when stopped by Ctrl+C or SIGTERM (FILE.json and "
         "FILE.optimizer.safetensors beside it; FILE.json is written last and commits the save)"},
        {"save-every", "N", "also save the checkpoint every N steps (needs --save)"},
        {"resume", "FILE.safetensors",
         "continue a saved run with its own settings (with --steps N: to N steps in all, the schedule planned again)"},
        {"restart-optimizer", "",
         "with --resume: continue even when the checkpoint's optimizer file is missing; the optimizer restarts"},
        {"stop-after", "N", "stop after step N (to save a run part-way)"}};
    return options;
}

std::vector<OptionSpec> trainOptions() {
    std::vector<OptionSpec> options;
    for (const train::SettingField& field : train::runSettingFields()) {
        if (field.flag.empty()) continue;
        options.push_back(
            fieldOption(field, field.key == "corpus" ? "FILE|" + std::string(train::toyWorldCorpus)
                               : field.key == "tokenizer" ? "PATH" : ""));
    }
    const auto& more = runOptions();
    options.insert(options.end(), more.begin(), more.end());
    return options;
}

// The table's settings as the command line gives them: the --config preset first, then each flag.
train::RunSettings settingsFrom(const Arguments& arguments) {
    train::RunSettings settings;
    // The --config preset first, so that each flag after it overrides its numbers.
    applyFlags(train::runSettingFields(), arguments, settings, {"preset"});
    if (const std::optional<std::string> text = arguments.value("config")) {
        if (!settings.applyPreset(settings.preset) && settings.preset != "custom") {
            throw UsageError("--config expects " + train::runSettingField("preset").expects() + ", got '" + *text + "'");
        }
    }
    std::vector<std::string> rest;
    for (const train::SettingField& field : train::runSettingFields()) {
        if (field.key != "preset") rest.push_back(field.key);
    }
    applyFlags(train::runSettingFields(), arguments, settings, rest);
    if (arguments.flag("mask-only")) {
        settings.masking.maskShare = 1.0;
        settings.masking.randomShare = 0.0;
    }
    if (arguments.flag("random-data")) {
        if (arguments.value("corpus")) throw UsageError("--random-data and --corpus exclude each other");
        settings.corpus.clear();
    }
    if (!settings.corpus.empty() && settings.corpus != train::toyWorldCorpus && settings.tokenizer.empty()) {
        throw UsageError("--corpus needs --tokenizer (or --corpus " + std::string(train::toyWorldCorpus) + ")");
    }
    if (settings.corpus.empty() && !settings.tokenizer.empty()) throw UsageError("--tokenizer needs --corpus");
    settings.trainer.schedule.total = settings.steps;
    if (const std::string problem = settings.problem(); !problem.empty()) throw UsageError(asFlags(problem));
    return settings;
}

Json probeJson(const train::ProbeReport& report) {
    Json accuracy = Json::object();
    for (int c = 0; c < data::probeCategoryCount; ++c) {
        if (report.items[static_cast<std::size_t>(c)] > 0) {
            accuracy[std::string(data::probeCategoryName(data::ProbeCategory(c)))] = report.accuracy[static_cast<std::size_t>(c)];
        }
    }
    return accuracy;
}

// The run to train: a saved one to continue (with only its thread count changed), or a new one
// from the flags.
std::unique_ptr<train::TrainingSession> openSession(const Arguments& arguments, std::ostream& err) {
    std::unique_ptr<train::TrainingSession> session;
    if (arguments.flag("restart-optimizer") && !arguments.value("resume")) {
        throw UsageError("--restart-optimizer goes with --resume");
    }
    if (const std::optional<std::string> resume = arguments.value("resume")) {
        for (const train::SettingField& field : train::runSettingFields()) {
            if (field.flag.empty() || field.flag == "threads" || field.flag == "steps") continue;
            if (arguments.value(field.flag) || arguments.flag(field.flag)) {
                throw UsageError("--resume continues the saved run with its own settings; drop --" + field.flag);
            }
        }
        for (const char* setting : {"random-data", "mask-only"}) {
            if (arguments.flag(setting)) {
                throw UsageError(std::string("--resume continues the saved run with its own settings; drop --") + setting);
            }
        }
        train::ResumeOptions options;
        options.restartOptimizer = arguments.flag("restart-optimizer");
        options.notice = [&err](const std::string& notice) { err << "pretrainlab-cli train: " << notice << '\n'; };
        try {
            session = train::loadCheckpoint(*resume, {}, options);
        } catch (const train::MissingOptimizerState& error) {
            throw LocatedError(error.where(), error.reason() + "; give --restart-optimizer to continue with a restarted optimizer");
        }
        if (arguments.value("steps")) {
            // A run continued to another length: its schedule is planned again over the new one.
            const auto steps = static_cast<std::size_t>(*arguments.integer("steps", 1, 100'000'000));  // the setting's range
            if (steps < session->stepsDone()) {
                throw UsageError("--steps " + std::to_string(steps) + " is fewer than the " +
                                 std::to_string(session->stepsDone()) + " steps the saved run has done");
            }
            if (steps != session->settings().steps) {
                err << "pretrainlab-cli train: continuing to step " << steps << " (the saved run was "
                    << session->settings().steps << " steps long); the learning rate follows its schedule planned again over "
                    << steps << " steps\n";
                session->extendTo(steps);
            }
        }
        if (arguments.value("threads")) {
            session->trainer().setThreads(static_cast<unsigned>(*arguments.integer("threads", 1, 256)));
        }
    } else {
        try {
            session = std::make_unique<train::TrainingSession>(settingsFrom(arguments));
        } catch (const std::invalid_argument& error) {
            throw UsageError(asFlags(error.what()));
        }
    }
    return session;
}

// What a run of `train` did, for its summary line: the speed without the first (warm-up) steps.
struct Tally {
    double timedSeconds = 0;
    nn::Index timedTokens = 0;
    std::size_t timedSteps = 0;
    double finalLoss = 0;
    nn::Index tokensWithLoss = 0;
    nn::Index tokensSeen = 0;
};

Json summaryOf(train::TrainingSession& session, const Tally& tally) {
    const train::RunSettings& settings = session.settings();
    const nn::ModelConfig& config = settings.model;
    const double seconds = tally.timedSeconds > 0 ? tally.timedSeconds : 1e-9;
    const double params = double(session.model().parameters().size());
    const nn::Index length = config.context;
    // The peer's estimate: 6 · params · tokens for the matrix products, plus attention.
    const double flopsPerStep = 6.0 * params * double(settings.batch * length) +
                                12.0 * double(config.layers) * double(length * length) * double(config.width) *
                                    double(settings.batch);
    const optim::TrainingMemory memory = session.trainer().memory();
    const std::size_t activations = session.trainer().activationBytes();
    Json summary{{"arch", std::string(nn::architectureName(config.architecture))},
                 {"config", settings.preset},
                 {"steps", session.stepsDone()},
                 {"threads", session.trainer().options().threads},
                 {"params", session.model().parameters().size()},
                 {"tokens_per_s", double(tally.timedTokens) / seconds},
                 {"ms_per_step", 1000.0 * seconds / double(std::max<std::size_t>(1, tally.timedSteps))},
                 {"gflops", flopsPerStep * double(tally.timedSteps) / seconds / 1e9},
                 {"final_loss", tally.finalLoss},
                 {"tokens_seen", tally.tokensSeen},
                 {"tokens_with_loss", tally.tokensWithLoss},
                 {"memory_bytes", {{"parameters", memory.parameters},
                                   {"gradients", memory.gradients},
                                   {"optimizer_state", memory.optimizerState},
                                   {"master_weights", memory.masterWeights},
                                   {"activations", activations},
                                   // activations grow with the micro-batch: k micro-batches keep 1/k of them
                                   {"activations_saved_by_accumulation",
                                    activations * static_cast<std::size_t>(settings.accumulation - 1)}}},
                 {"peak_rss_mb", peakResidentMegabytes()}};
    if (session.hasText()) summary["training_tokens"] = session.trainingTokens();
    return summary;
}

// The signal that asked the run to stop (SIGINT or SIGTERM), 0 while none has.
std::atomic<int> interruption{0};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");

extern "C" void noteInterruption(int signal) { interruption.store(signal); }

// While it lives, Ctrl+C and SIGTERM let the current step finish (the loop then saves and exits);
// a second one ends the process as usual.
class InterruptionHandlers {
public:
    InterruptionHandlers() {
        interruption.store(0);
        struct sigaction action {};
        action.sa_handler = noteInterruption;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND | SA_RESTART;
        sigaction(SIGINT, &action, &previousInterrupt_);
        sigaction(SIGTERM, &action, &previousTerminate_);
    }
    ~InterruptionHandlers() {
        sigaction(SIGINT, &previousInterrupt_, nullptr);
        sigaction(SIGTERM, &previousTerminate_, nullptr);
    }
    InterruptionHandlers(const InterruptionHandlers&) = delete;
    InterruptionHandlers& operator=(const InterruptionHandlers&) = delete;

private:
    struct sigaction previousInterrupt_ {};
    struct sigaction previousTerminate_ {};
};

}  // namespace

int runTrain(const Arguments& arguments, std::ostream& out, std::ostream& err) {
    const std::optional<std::string> savePath = arguments.value("save");
    const std::optional<long long> saveEvery = arguments.integer("save-every", 1, 100'000'000);
    if (saveEvery && !savePath) throw UsageError("--save-every needs --save FILE.safetensors");
    if (savePath) {
        // Found out now, not after the training it would have saved.
        const std::filesystem::path folder = std::filesystem::absolute(*savePath).parent_path();
        if (!std::filesystem::is_directory(folder)) {
            throw UsageError("--save " + *savePath + ": the folder " + folder.string() + " does not exist");
        }
        const std::string weightsPath = train::checkpointWeightsPath(*savePath);
        for (const std::string& path : {weightsPath, train::checkpointJsonPath(weightsPath), train::checkpointOptimizerPath(weightsPath)}) {
            writableTarget(path);
        }
    }
    if (const std::optional<std::string> path = arguments.value("metrics")) writableTarget(*path);
    const std::unique_ptr<train::TrainingSession> session = openSession(arguments, err);
    if (savePath && session->tokenizer()) {
        // The save at the end would fail after the whole run.
        if (const std::string problem = train::checkpointTokenizerProblem(*session->tokenizer()); !problem.empty()) {
            throw UsageError("--save " + *savePath + ": the tokenizer " + session->settings().tokenizer + " is a tiktoken rank "
                             "file, which cannot be stored in a checkpoint (it has no merge list); train with a "
                             "tokenizer.json (or a vocab.txt) to save the run, or drop --save");
        }
    }
    const std::size_t steps = session->settings().steps;
    const std::size_t stopAfter =
        static_cast<std::size_t>(arguments.integer("stop-after", 1, 100'000'000).value_or(static_cast<long long>(steps)));
    const bool probing = arguments.flag("probes");
    if (probing && session->probeItems().empty()) {
        throw UsageError("--probes needs the built-in world's probe sets: --corpus " + std::string(train::toyWorldCorpus));
    }
    const std::size_t logEvery = static_cast<std::size_t>(
        arguments.integer("log-every", 1, 100'000'000).value_or(std::max<std::size_t>(1, steps / 20)));

    const std::size_t firstStep = session->stepsDone();
    const std::size_t lastStep = std::min(steps, std::max(firstStep, stopAfter));
    const std::size_t untimed = std::min<std::size_t>(5, (lastStep - firstStep) / 5);  // warm-up steps left out of the speed
    std::vector<train::MetricsRow> metrics;
    Tally tally;
    // How the run was made and what it scored so far, kept in the checkpoint's JSON.
    const auto save = [&](const std::optional<Json>& probes) {
        std::string command = "pretrainlab-cli train";
        for (const std::string& arg : arguments.given()) command += " " + arg;
        Json notes{{"command", command}, {"final_loss", tally.finalLoss}};
        if (const std::optional<double> heldOut = session->heldOutLoss()) notes["held_out_loss"] = *heldOut;
        if (probes) notes["probes"] = *probes;
        train::saveCheckpoint(*session, *savePath, {}, notes.dump());
    };
    const InterruptionHandlers handlers;
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t s = firstStep; s < lastStep && interruption.load() == 0; ++s) {
        const train::StepOutcome outcome = session->step();
        if (const auto* divergence = std::get_if<train::Divergence>(&outcome)) {
            Json line{{"diverged", true}, {"step", divergence->step}, {"quantity", divergence->quantity},
                      {"value", std::isfinite(divergence->value) ? Json(divergence->value)
                                                                 : Json(std::isnan(divergence->value) ? "nan" : "inf")},
                      {"message", divergence->message()}};
            out << line.dump() << '\n';
            return 3;
        }
        metrics.push_back({std::get<train::StepMetrics>(outcome), {}, {}});
        const train::StepMetrics& step = metrics.back().step;
        tally.finalLoss = step.loss;
        tally.tokensWithLoss += step.tokensWithLoss;
        tally.tokensSeen += step.tokens;
        if (s - firstStep >= untimed) {
            tally.timedSeconds += step.seconds;
            tally.timedTokens += step.tokens;
            ++tally.timedSteps;
        }
        if (step.step % logEvery == 0 || step.step == lastStep) {
            Json line{{"step", step.step},
                      {"loss", step.loss},
                      {"lr", step.learningRate},
                      {"grad_norm", step.gradientNorm},
                      {"tokens_with_loss", step.tokensWithLoss},
                      {"tokens", step.tokens},
                      {"tokens_per_s", step.tokensPerSecond}};
            if (session->settings().trainer.precision != optim::NumberFormat::Fp32) {
                // Mixed precision: the scale this step used, whether it was skipped, what underflowed.
                line["loss_scale"] = step.lossScale;
                line["skipped"] = step.skipped;
                line["underflow_share"] = step.underflowShare;
            }
            if (const std::optional<double> heldOut = session->heldOutLoss()) {
                line["held_out_loss"] = *heldOut;
                metrics.back().heldOutLoss = *heldOut;
            }
            if (probing) {
                const train::ProbeReport report = session->probes();
                line["probes"] = probeJson(report);
                metrics.back().probeAccuracy = report.accuracy;
            }
            line["elapsed_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            out << line.dump() << '\n';
            out.flush();
        }
        if (saveEvery && step.step % static_cast<std::size_t>(*saveEvery) == 0 && step.step < lastStep &&
            interruption.load() == 0) {
            save(std::nullopt);
            out << Json{{"saved", *savePath}, {"step", step.step}}.dump() << '\n';
            out.flush();
        }
    }
    const int stoppedBy = interruption.load();
    if (const std::optional<std::string> path = arguments.value("metrics")) train::metricsTable(metrics).write(*path);
    Json summary = summaryOf(*session, tally);
    if (probing) summary["probes"] = probeJson(session->probes());
    if (savePath) {
        save(probing ? std::optional<Json>(summary["probes"]) : std::nullopt);
        summary["saved"] = *savePath;
    }
    if (stoppedBy != 0) summary["interrupted"] = stoppedBy == SIGINT ? "SIGINT" : "SIGTERM";
    out << summary.dump() << '\n';
    out.flush();
    return stoppedBy != 0 ? 128 + stoppedBy : 0;  // 130 for SIGINT, 143 for SIGTERM, as a shell reports them
}

Command trainCommand() {
    return {"train", "Train a transformer; one JSON line per logged step and a summary line.", trainOptions(),
            [](const Arguments& arguments, std::ostream& out, std::ostream& err) { return runTrain(arguments, out, err); }};
}

}  // namespace pretrainlab::cli
