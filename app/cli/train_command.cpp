#include "app/cli/train_command.hpp"

#include <chrono>
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
#include "core/train/session.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

double number(const Arguments& arguments, const std::string& name, double fallback, double minimum, double maximum) {
    const std::optional<std::string> text = arguments.value(name);
    if (!text) return fallback;
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(*text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text->size() || !std::isfinite(value) || value < minimum || value > maximum) {
        throw UsageError("--" + name + " expects a number from " + Json(minimum).dump() + " to " + Json(maximum).dump() +
                         ", got '" + *text + "'");
    }
    return value;
}

// The settings' problems in the words of the command line.
std::string asFlags(std::string problem) {
    const std::pair<const char*, const char*> words[] = {
        {"the number of heads", "--heads"}, {"the width d", "--d"}, {"the width (d)", "--d"},
        {"the context", "--ctx"},           {"the vocabulary", "--vocab"}, {"gradient accumulation", "--accum"},
        {"the batch", "--batch"},           {"the encoder's context", "--ctx for the encoder"},
        {"the encoder-decoder's context", "--ctx for the encoder-decoder"}, {"the masking rate", "--mask-rate"}};
    for (const auto& [from, to] : words) {
        if (const std::size_t at = problem.find(from); at != std::string::npos) {
            problem.replace(at, std::string(from).size(), to);
        }
    }
    return problem;
}

train::RunSettings settingsFrom(const Arguments& arguments, std::size_t steps) {
    train::RunSettings settings;
    const std::string archName = arguments.value("arch").value_or("decoder");
    const std::optional<nn::Architecture> architecture = nn::parseArchitecture(archName);
    if (!architecture) throw UsageError("--arch expects decoder, encoder or encdec, got '" + archName + "'");
    settings.model.architecture = *architecture;
    const std::string presetName = arguments.value("config").value_or("tiny");
    if (!settings.applyPreset(presetName)) throw UsageError("--config expects tiny, small or medium, got '" + presetName + "'");
    const auto integer = [&](const char* name, nn::Index fallback, long long minimum) {
        return static_cast<nn::Index>(arguments.integer(name, minimum, 1'000'000'000).value_or(fallback));
    };
    settings.model.vocabulary = integer("vocab", settings.model.vocabulary, 2);
    settings.model.width = integer("d", settings.model.width, 1);
    settings.model.layers = integer("layers", settings.model.layers, 1);
    settings.model.heads = integer("heads", settings.model.heads, 1);
    settings.model.context = integer("ctx", settings.model.context, 0);
    settings.model.preNorm = !arguments.flag("post-ln");
    settings.batch = integer("batch", settings.batch, 1);
    settings.accumulation = integer("accum", 1, 1);
    settings.steps = steps;

    const std::string optimizer = arguments.value("optimizer").value_or("adamw");
    const std::optional<optim::OptimizerKind> kind = optim::parseOptimizer(optimizer);
    if (!kind) throw UsageError("--optimizer expects sgd, momentum, adam or adamw, got '" + optimizer + "'");
    settings.trainer.optimizer.kind = *kind;
    settings.trainer.optimizer.weightDecay =
        number(arguments, "weight-decay", *kind == optim::OptimizerKind::AdamW ? 0.01 : 0.0, 0, 10);
    const std::string scheduleName = arguments.value("schedule").value_or("constant");
    const std::optional<optim::ScheduleKind> schedule = optim::parseSchedule(scheduleName);
    if (!schedule) {
        throw UsageError("--schedule expects constant, linear, cosine, exponential or invsqrt, got '" + scheduleName + "'");
    }
    settings.trainer.schedule.kind = *schedule;
    settings.trainer.schedule.peak = number(arguments, "lr", 3e-4, 0, 1e6);
    settings.trainer.schedule.warmup = static_cast<std::size_t>(arguments.integer("warmup", 0, 100'000'000).value_or(0));
    settings.trainer.clipNorm = number(arguments, "clip", 0, 0, 1e12);
    settings.trainer.seed = static_cast<std::uint64_t>(arguments.integer("seed", 0, 1LL << 62).value_or(0));
    settings.masking.rate = number(arguments, "mask-rate", 0.15, 0.001, 1.0);
    if (arguments.flag("mask-only")) {
        settings.masking.maskShare = 1.0;
        settings.masking.randomShare = 0.0;
    }
    if (arguments.flag("random-data") && arguments.value("corpus")) {
        throw UsageError("--random-data and --corpus exclude each other");
    }
    settings.corpus = arguments.value("corpus").value_or("");
    settings.tokenizer = arguments.value("tokenizer").value_or("");
    if (!settings.corpus.empty() && settings.corpus != train::toyWorldCorpus && settings.tokenizer.empty()) {
        throw UsageError("--corpus needs --tokenizer (or --corpus " + std::string(train::toyWorldCorpus) + ")");
    }
    if (settings.corpus.empty() && !settings.tokenizer.empty()) throw UsageError("--tokenizer needs --corpus");
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

}  // namespace

int runTrain(const std::vector<std::string>& args, std::ostream& out) {
    const Arguments arguments(args,
                              {"arch", "config", "vocab", "d", "layers", "heads", "ctx", "batch", "steps", "optimizer",
                               "lr", "schedule", "warmup", "accum", "clip", "threads", "seed", "corpus", "tokenizer",
                               "metrics", "log-every", "weight-decay", "mask-rate", "save", "resume", "stop-after"},
                              {"random-data", "post-ln", "probes", "mask-only"});
    if (!arguments.value("steps")) throw UsageError("missing --steps");
    const auto steps = static_cast<std::size_t>(*arguments.integer("steps", 1, 100'000'000));
    const unsigned threads = static_cast<unsigned>(
        arguments.integer("threads", 1, 256).value_or(std::max(1u, std::thread::hardware_concurrency())));

    std::unique_ptr<train::TrainingSession> session;
    if (const std::optional<std::string> resume = arguments.value("resume")) {
        for (const char* setting : {"arch", "config", "vocab", "d", "layers", "heads", "ctx", "batch", "optimizer", "lr",
                                    "schedule", "warmup", "accum", "clip", "seed", "corpus", "tokenizer", "weight-decay",
                                    "mask-rate"}) {
            if (arguments.value(setting)) {
                throw UsageError(std::string("--resume continues the saved run with its own settings; drop --") + setting);
            }
        }
        session = train::TrainingSession::load(*resume);
        if (steps != session->settings().steps) {
            throw UsageError("--steps must be the saved run's length (" + std::to_string(session->settings().steps) +
                             "): its schedule was planned for it");
        }
        session->trainer().setThreads(threads);
    } else {
        train::RunSettings settings = settingsFrom(arguments, steps);
        settings.trainer.threads = threads;
        try {
            session = std::make_unique<train::TrainingSession>(settings);
        } catch (const std::invalid_argument& error) {
            throw UsageError(asFlags(error.what()));
        }
    }
    if (const std::optional<std::string> path = arguments.value("save")) {
        // Found out now, not after the training it would have saved.
        const std::filesystem::path folder = std::filesystem::absolute(*path).parent_path();
        if (!std::filesystem::is_directory(folder)) {
            throw UsageError("--save " + *path + ": the folder " + folder.string() + " does not exist");
        }
    }
    const train::RunSettings& settings = session->settings();
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
    std::string metricsCsv =
        "step,loss,token_loss,sequence_loss,learning_rate,gradient_norm,tokens,tokens_with_loss,tokens_per_s\n";
    double timedSeconds = 0;
    nn::Index timedTokens = 0;
    std::size_t timedSteps = 0;
    double finalLoss = 0;
    nn::Index tokensWithLoss = 0;
    nn::Index tokensSeen = 0;
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t s = firstStep; s < lastStep; ++s) {
        const train::StepOutcome outcome = session->step();
        if (const auto* divergence = std::get_if<train::Divergence>(&outcome)) {
            Json line{{"diverged", true}, {"step", divergence->step}, {"quantity", divergence->quantity},
                      {"value", std::isfinite(divergence->value) ? Json(divergence->value)
                                                                 : Json(std::isnan(divergence->value) ? "nan" : "inf")},
                      {"message", divergence->message()}};
            out << line.dump() << '\n';
            return 3;
        }
        const auto& metrics = std::get<train::StepMetrics>(outcome);
        finalLoss = metrics.loss;
        tokensWithLoss += metrics.tokensWithLoss;
        tokensSeen += metrics.tokens;
        if (s - firstStep >= untimed) {
            timedSeconds += metrics.seconds;
            timedTokens += metrics.tokens;
            ++timedSteps;
        }
        metricsCsv += std::to_string(metrics.step) + ',' + Json(metrics.loss).dump() + ',' + Json(metrics.tokenLoss).dump() +
                      ',' + Json(metrics.sequenceLoss).dump() + ',' + Json(metrics.learningRate).dump() + ',' +
                      Json(metrics.gradientNorm).dump() + ',' + std::to_string(metrics.tokens) + ',' +
                      std::to_string(metrics.tokensWithLoss) + ',' + Json(metrics.tokensPerSecond).dump() + '\n';
        if (metrics.step % logEvery == 0 || metrics.step == lastStep) {
            Json line{{"step", metrics.step},
                      {"loss", metrics.loss},
                      {"lr", metrics.learningRate},
                      {"grad_norm", metrics.gradientNorm},
                      {"tokens_with_loss", metrics.tokensWithLoss},
                      {"tokens", metrics.tokens},
                      {"tokens_per_s", metrics.tokensPerSecond}};
            if (const std::optional<double> heldOut = session->heldOutLoss()) line["held_out_loss"] = *heldOut;
            if (probing) line["probes"] = probeJson(session->probes());
            line["elapsed_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            out << line.dump() << '\n';
            out.flush();
        }
    }
    if (const std::optional<std::string> path = arguments.value("metrics")) writeFileAtomically(*path, metricsCsv);
    if (const std::optional<std::string> path = arguments.value("save")) session->save(*path);

    const nn::ModelConfig& config = settings.model;
    const double seconds = timedSeconds > 0 ? timedSeconds : 1e-9;
    const double params = double(session->model().parameters().size());
    const nn::Index length = config.context;
    // The peer's estimate: 6 · params · tokens for the matrix products, plus attention.
    const double flopsPerStep = 6.0 * params * double(settings.batch * length) +
                                12.0 * double(config.layers) * double(length * length) * double(config.width) *
                                    double(settings.batch);
    const optim::TrainingMemory memory = session->trainer().memory();
    const std::size_t activations = session->trainer().activationBytes();
    Json summary{{"arch", std::string(nn::architectureName(config.architecture))},
                 {"config", settings.preset},
                 {"steps", session->stepsDone()},
                 {"threads", threads},
                 {"params", session->model().parameters().size()},
                 {"tokens_per_s", double(timedTokens) / seconds},
                 {"ms_per_step", 1000.0 * seconds / double(std::max<std::size_t>(1, timedSteps))},
                 {"gflops", flopsPerStep * double(timedSteps) / seconds / 1e9},
                 {"final_loss", finalLoss},
                 {"tokens_seen", tokensSeen},
                 {"tokens_with_loss", tokensWithLoss},
                 {"memory_bytes", {{"parameters", memory.parameters},
                                   {"gradients", memory.gradients},
                                   {"optimizer_state", memory.optimizerState},
                                   {"activations", activations},
                                   // activations grow with the micro-batch: k micro-batches keep 1/k of them
                                   {"activations_saved_by_accumulation",
                                    activations * static_cast<std::size_t>(settings.accumulation - 1)}}},
                 {"peak_rss_mb", peakResidentMegabytes()}};
    if (session->hasText()) summary["training_tokens"] = session->trainingTokens();
    if (probing) summary["probes"] = probeJson(session->probes());
    if (const std::optional<std::string> path = arguments.value("save")) summary["saved"] = *path;
    out << summary.dump() << '\n';
    return 0;
}

}  // namespace pretrainlab::cli
