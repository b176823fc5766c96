#include "app/cli/train_command.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <thread>

#include "app/cli/arguments.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/memory.hpp"
#include "core/data/objectives.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/train/trainer.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

struct Preset {
    nn::Index vocabulary, width, layers, heads, context, batch;
};

const std::map<std::string, Preset>& presets() {
    static const std::map<std::string, Preset> table = {
        {"tiny", {256, 64, 2, 4, 64, 16}},
        {"small", {512, 128, 4, 4, 128, 16}},
        {"medium", {2048, 256, 6, 8, 256, 8}},
    };
    return table;
}

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

// The model's problems in the words of the command line.
std::string asFlags(std::string problem) {
    const std::pair<const char*, const char*> words[] = {
        {"the number of heads", "--heads"}, {"the width d", "--d"}, {"the width (d)", "--d"},
        {"the context", "--ctx"},           {"the vocabulary", "--vocab"}};
    for (const auto& [from, to] : words) {
        if (const std::size_t at = problem.find(from); at != std::string::npos) {
            problem.replace(at, std::string(from).size(), to);
        }
    }
    return problem;
}

}  // namespace

int runTrain(const std::vector<std::string>& args, std::ostream& out) {
    const Arguments arguments(args,
                              {"arch", "config", "vocab", "d", "layers", "heads", "ctx", "batch", "steps", "optimizer",
                               "lr", "schedule", "warmup", "accum", "clip", "threads", "seed", "corpus", "tokenizer",
                               "metrics", "log-every", "weight-decay"},
                              {"random-data", "post-ln"});
    const std::string archName = arguments.value("arch").value_or("decoder");
    const std::optional<nn::Architecture> architecture = nn::parseArchitecture(archName);
    if (!architecture) throw UsageError("--arch expects decoder, encoder or encdec, got '" + archName + "'");
    const std::string presetName = arguments.value("config").value_or("tiny");
    const auto preset = presets().find(presetName);
    if (preset == presets().end()) throw UsageError("--config expects tiny, small or medium, got '" + presetName + "'");

    nn::ModelConfig config;
    config.architecture = *architecture;
    const auto integer = [&](const char* name, nn::Index fallback, long long minimum) {
        return static_cast<nn::Index>(arguments.integer(name, minimum, 1'000'000'000).value_or(fallback));
    };
    config.vocabulary = integer("vocab", preset->second.vocabulary, 2);
    config.width = integer("d", preset->second.width, 1);
    config.layers = integer("layers", preset->second.layers, 1);
    config.heads = integer("heads", preset->second.heads, 1);
    config.context = integer("ctx", preset->second.context, 0);
    config.preNorm = !arguments.flag("post-ln");
    const nn::Index batchSize = integer("batch", preset->second.batch, 1);
    if (!arguments.value("steps")) throw UsageError("missing --steps");
    const auto steps = static_cast<std::size_t>(*arguments.integer("steps", 1, 100'000'000));
    const auto accumulation = static_cast<std::size_t>(arguments.integer("accum", 1, 4096).value_or(1));
    if (*architecture != nn::Architecture::Decoder && config.context > 0 && config.context < 3) {
        throw UsageError(std::string("--ctx must be at least 3 for the ") +
                         (*architecture == nn::Architecture::Encoder
                              ? "encoder: [CLS], a token and [SEP]"
                              : "encoder-decoder: the target holds a sentinel, a span and the closing sentinel"));
    }
    if (batchSize % static_cast<nn::Index>(accumulation) != 0) {
        throw UsageError("--accum (" + std::to_string(accumulation) + ") must divide --batch (" +
                         std::to_string(batchSize) + "): each micro-batch gets batch / accum sequences");
    }
    const unsigned threads = static_cast<unsigned>(
        arguments.integer("threads", 1, 256).value_or(std::max(1u, std::thread::hardware_concurrency())));
    const auto seed = static_cast<std::uint64_t>(arguments.integer("seed", 0, 1LL << 62).value_or(0));

    train::TrainerOptions options;
    const std::string optimizer = arguments.value("optimizer").value_or("adamw");
    const std::optional<optim::OptimizerKind> kind = optim::parseOptimizer(optimizer);
    if (!kind) throw UsageError("--optimizer expects sgd, momentum, adam or adamw, got '" + optimizer + "'");
    options.optimizer.kind = *kind;
    options.optimizer.weightDecay = number(arguments, "weight-decay", *kind == optim::OptimizerKind::AdamW ? 0.01 : 0.0, 0, 10);
    const std::string scheduleName = arguments.value("schedule").value_or("constant");
    const std::optional<optim::ScheduleKind> schedule = optim::parseSchedule(scheduleName);
    if (!schedule) {
        throw UsageError("--schedule expects constant, linear, cosine, exponential or invsqrt, got '" + scheduleName + "'");
    }
    options.schedule.kind = *schedule;
    options.schedule.peak = number(arguments, "lr", 3e-4, 0, 1e6);
    options.schedule.warmup = static_cast<std::size_t>(arguments.integer("warmup", 0, 100'000'000).value_or(0));
    options.schedule.total = steps;
    options.clipNorm = number(arguments, "clip", 0, 0, 1e12);
    options.threads = threads;
    options.seed = seed;
    if (arguments.flag("random-data") && arguments.value("corpus")) {
        throw UsageError("--random-data and --corpus exclude each other");
    }
    if (arguments.value("corpus") && !arguments.value("tokenizer")) throw UsageError("--corpus needs --tokenizer");

    // ---- data ----
    std::mt19937_64 random(seed);
    data::SpecialTokens specials;
    nn::Index textVocabulary = 0;
    std::vector<std::int32_t> stream;
    if (const std::optional<std::string> corpus = arguments.value("corpus")) {
        const Tokenizer tokenizer = loadTokenizer(*arguments.value("tokenizer"));
        const std::string text = readFileBytes(*corpus);
        if (!tokenizer.config().byteLevel || !tokenizer.config().normalizer.empty()) utf8::requireValid(text, *corpus);
        for (const TokenId id : tokenizer.encode(text)) stream.push_back(static_cast<std::int32_t>(id));
        if (stream.empty()) {
            throw LocatedError(SourceLocation{*corpus, std::nullopt, std::nullopt}, "the corpus is empty: it holds no tokens");
        }
        const nn::Index needed = config.context + 1;
        if (static_cast<nn::Index>(stream.size()) < needed) {
            throw LocatedError(SourceLocation{*corpus, std::nullopt, std::nullopt},
                               "the corpus holds " + std::to_string(stream.size()) + " tokens; a window of --ctx " +
                                   std::to_string(config.context) + " needs " + std::to_string(needed) +
                                   ". Use a smaller --ctx or a longer corpus");
        }
        textVocabulary = static_cast<nn::Index>(tokenizer.vocabulary().size());
        nn::Index vocabulary = textVocabulary;
        specials = data::appendSpecialTokens(vocabulary, *architecture);
        config.vocabulary = vocabulary;
    } else {
        try {
            specials = data::reserveSpecialTokens(config.vocabulary, *architecture, textVocabulary);
        } catch (const std::invalid_argument& error) {
            throw UsageError(asFlags(error.what()));
        }
    }
    if (const std::string problem = config.problem(); !problem.empty()) throw UsageError(asFlags(problem));
    const nn::Index length = config.context;
    data::MaskingOptions masking;
    masking.textVocabulary = textVocabulary;
    const auto nextBatch = [&](nn::Index sequences) {
        if (stream.empty()) return data::randomBatch(*architecture, textVocabulary, sequences, length, specials, random);
        switch (*architecture) {
            case nn::Architecture::Decoder: return data::nextTokenBatch(stream, sequences, length, random);
            case nn::Architecture::Encoder: return data::maskedLmBatch(stream, sequences, length, masking, specials, random);
            case nn::Architecture::EncoderDecoder: return data::spanCorruptionBatch(stream, sequences, length, {}, specials, random);
        }
        return nn::Batch{};
    };

    nn::Transformer<float> model(config, seed);
    train::Trainer<float> trainer(model, options);
    const std::size_t logEvery = static_cast<std::size_t>(
        arguments.integer("log-every", 1, 100'000'000).value_or(std::max<std::size_t>(1, steps / 20)));
    const std::size_t untimed = std::min<std::size_t>(5, steps / 5);  // warm-up steps left out of the speed
    std::string metricsCsv = "step,loss,token_loss,sequence_loss,learning_rate,gradient_norm,tokens,tokens_with_loss,tokens_per_s\n";
    double timedSeconds = 0;
    nn::Index timedTokens = 0;
    double finalLoss = 0;
    nn::Index tokensWithLoss = 0;
    nn::Index tokensSeen = 0;
    for (std::size_t s = 0; s < steps; ++s) {
        std::vector<nn::Batch> micro;
        const nn::Index perMicro = batchSize / static_cast<nn::Index>(accumulation);
        for (std::size_t k = 0; k < accumulation; ++k) micro.push_back(nextBatch(perMicro));
        const train::StepOutcome outcome = trainer.step(micro);
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
        if (s >= untimed) {
            timedSeconds += metrics.seconds;
            timedTokens += metrics.tokens;
        }
        metricsCsv += std::to_string(metrics.step) + ',' + Json(metrics.loss).dump() + ',' + Json(metrics.tokenLoss).dump() +
                      ',' + Json(metrics.sequenceLoss).dump() + ',' + Json(metrics.learningRate).dump() + ',' +
                      Json(metrics.gradientNorm).dump() + ',' + std::to_string(metrics.tokens) + ',' +
                      std::to_string(metrics.tokensWithLoss) + ',' + Json(metrics.tokensPerSecond).dump() + '\n';
        if (metrics.step % logEvery == 0 || metrics.step == steps) {
            Json line{{"step", metrics.step},
                      {"loss", metrics.loss},
                      {"lr", metrics.learningRate},
                      {"grad_norm", metrics.gradientNorm},
                      {"tokens_with_loss", metrics.tokensWithLoss},
                      {"tokens", metrics.tokens},
                      {"tokens_per_s", metrics.tokensPerSecond}};
            out << line.dump() << '\n';
            out.flush();
        }
    }
    if (const std::optional<std::string> path = arguments.value("metrics")) writeFileAtomically(*path, metricsCsv);

    const double seconds = timedSeconds > 0 ? timedSeconds : 1e-9;
    const std::size_t timedSteps = steps - untimed;
    const double params = double(model.parameters().size());
    // The peer's estimate: 6 · params · tokens for the matrix products, plus attention.
    const double flopsPerStep = 6.0 * params * double(batchSize * length) +
                                12.0 * double(config.layers) * double(length * length) * double(config.width) * double(batchSize);
    const optim::TrainingMemory memory = trainer.memory();
    Json summary{{"arch", std::string(nn::architectureName(*architecture))},
                 {"config", presetName},
                 {"steps", steps},
                 {"threads", threads},
                 {"params", model.parameters().size()},
                 {"tokens_per_s", double(timedTokens) / seconds},
                 {"ms_per_step", 1000.0 * seconds / double(std::max<std::size_t>(1, timedSteps))},
                 {"gflops", flopsPerStep * double(timedSteps) / seconds / 1e9},
                 {"final_loss", finalLoss},
                 {"tokens_seen", tokensSeen},
                 {"tokens_with_loss", tokensWithLoss},
                 {"memory_bytes", {{"parameters", memory.parameters}, {"gradients", memory.gradients},
                                   {"optimizer_state", memory.optimizerState}, {"activations", trainer.activationBytes()},
                                   // activations grow with the micro-batch: k micro-batches keep 1/k of them
                                   {"activations_saved_by_accumulation", trainer.activationBytes() * (accumulation - 1)}}},
                 {"peak_rss_mb", peakResidentMegabytes()}};
    out << summary.dump() << '\n';
    return 0;
}

}  // namespace pretrainlab::cli
