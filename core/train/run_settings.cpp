#include "core/train/run_settings.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/json_depth.hpp"

namespace pretrainlab::train {

using Json = nlohmann::ordered_json;

namespace {

std::vector<std::string> namesOf(auto kinds, auto name) {
    std::vector<std::string> names;
    for (const auto kind : kinds) names.emplace_back(name(kind));
    return names;
}

unsigned machineThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

// The table is built once; each row says where its value lives in RunSettings.
std::vector<SettingField> buildFields() {
    FieldTable<RunSettings> t;
    using S = RunSettings;
    t.choice("preset", "config", "Size", "the model's size: tiny (d 64, 2 layers, context 64, batch 16), small or medium",
             {"tiny", "small", "medium", "custom"}, "tiny", [](const S& s) { return s.preset; },
             [](S& s, const std::string& v) { s.preset = v; });
    t.choice("arch", "arch", "Model", "decoder (GPT, next token), encoder (BERT, masked LM) or encdec (T5, spans)",
             namesOf(std::initializer_list<nn::Architecture>{nn::Architecture::Decoder, nn::Architecture::Encoder,
                                                              nn::Architecture::EncoderDecoder},
                     nn::architectureName),
             "decoder", [](const S& s) { return std::string(nn::architectureName(s.model.architecture)); },
             [](S& s, const std::string& v) { s.model.architecture = *nn::parseArchitecture(v); });
    t.integer("vocab", "vocab", "Vocabulary", "tokens", "the vocabulary of random tokens (text brings its own)", 2,
              1'000'000, 256, [](S& s) -> nn::Index& { return s.model.vocabulary; });
    t.integer("d", "d", "d", "", "d_model: the width of every token's vector", 1, 8192, 64,
              [](S& s) -> nn::Index& { return s.model.width; });
    t.integer("layers", "layers", "layers", "blocks", "transformer blocks", 1, 256, 2,
              [](S& s) -> nn::Index& { return s.model.layers; });
    t.integer("decoder_layers", "", "decoder layers", "blocks",
              "the encoder-decoder's decoder blocks (0: as many as the encoder)", 0, 256, 0,
              [](S& s) -> nn::Index& { return s.model.decoderLayers; });
    t.integer("heads", "heads", "heads", "", "attention heads; they must divide d", 1, 256, 4,
              [](S& s) -> nn::Index& { return s.model.heads; });
    t.integer("ctx", "ctx", "context", "tokens", "tokens the model reads at once (learned positions)", 1, 65'536, 64,
              [](S& s) -> nn::Index& { return s.model.context; });
    t.integer("ffn", "", "MLP width", "", "the MLP's hidden width (0: 4 × d)", 0, 65'536, 0,
              [](S& s) -> nn::Index& { return s.model.feedForward; });
    t.toggle("pre_norm", "post-ln", "Pre-LN", "LayerNorm after each sublayer, as BERT and GPT-1 (default: before it, as GPT-2)",
             true, [](S& s) -> bool& { return s.model.preNorm; })
        .cliSwitchInverts = true;
    t.number("dropout", "", "Dropout", "", "the share of activations dropped while training", 0, 0.99, 0,
             [](S& s) -> double& { return s.model.dropout; });
    t.number("init_std", "init-std", "Init scale", "",
             "weights and embeddings start as N(0, σ²) with this σ (GPT-2 and BERT: 0.02, at width 768; the tiny "
             "models learn the toy world sooner from 0.1)",
             0, 10, 0.1,
             [](S& s) -> double& { return s.model.initialStd; });
    t.integer("batch", "batch", "Batch", "sequences", "sequences per optimizer step", 1, 65'536, 16,
              [](S& s) -> nn::Index& { return s.batch; });
    t.integer("accum", "accum", "Accumulation", "micro-batches",
              "split each batch into this many micro-batches and add their gradients: the same update with less "
              "activation memory",
              1, 4096, 1, [](S& s) -> nn::Index& { return s.accumulation; });
    t.integer("steps", "steps", "Steps", "steps", "the run's length; the schedule decays over it", 1, 100'000'000, 12000,
              [](S& s) -> std::size_t& { return s.steps; });
    t.choice("optimizer", "optimizer", "Optimizer", "AdamW, Adam, RMSProp, SGD with momentum or SGD",
             namesOf(optim::optimizerKinds(), optim::optimizerName),
             "adamw", [](const S& s) { return std::string(optim::optimizerName(s.trainer.optimizer.kind)); },
             [](S& s, const std::string& v) { s.trainer.optimizer.kind = *optim::parseOptimizer(v); });
    t.number("beta1", "beta1", "β₁", "", "how long Adam's mean of gradients remembers", 0, 1, 0.9,
             [](S& s) -> double& { return s.trainer.optimizer.beta1; })
        .maximumExcluded = true;
    t.number("beta2", "beta2", "β₂", "",
             "how long Adam's mean of squared gradients remembers (Adam's paper: 0.999; GPT-3 and LLaMA: 0.95, from "
             "which the tiny models learn the toy world sooner)",
             0, 1, 0.95, [](S& s) -> double& { return s.trainer.optimizer.beta2; })
        .maximumExcluded = true;
    t.number("epsilon", "epsilon", "ε", "", "Adam's ε beside √v̂", 0, 1, 1e-8,
             [](S& s) -> double& { return s.trainer.optimizer.epsilon; });
    t.number("momentum", "momentum", "Momentum", "", "SGD with momentum: how much of the last step carries on", 0, 1, 0.9,
             [](S& s) -> double& { return s.trainer.optimizer.momentum; })
        .maximumExcluded = true;
    t.number("weight_decay", "weight-decay", "Weight decay", "",
             "λ: AdamW shrinks the weights by η λ θ apart from the gradient; the others add λ θ to the gradient", 0, 10,
             0.01, [](S& s) -> double& { return s.trainer.optimizer.weightDecay; });
    t.number("lr", "lr", "Learning rate", "", "the peak learning rate η", 0, 1000, 2e-3,
             [](S& s) -> double& { return s.trainer.schedule.peak; });
    t.choice("schedule", "schedule", "Schedule", "how the learning rate decays after warmup",
             namesOf(std::initializer_list<optim::ScheduleKind>{optim::ScheduleKind::Constant, optim::ScheduleKind::Linear,
                                                                 optim::ScheduleKind::Cosine, optim::ScheduleKind::Exponential,
                                                                 optim::ScheduleKind::InverseSqrt},
                     optim::scheduleName),
             "cosine", [](const S& s) { return std::string(optim::scheduleName(s.trainer.schedule.kind)); },
             [](S& s, const std::string& v) { s.trainer.schedule.kind = *optim::parseSchedule(v); });
    t.integer("warmup", "warmup", "Warmup steps", "steps", "steps over which the rate rises linearly to its peak", 0,
              100'000'000, 30, [](S& s) -> std::size_t& { return s.trainer.schedule.warmup; });
    t.number("clip", "clip", "Clip norm", "", "scale the gradient down when its global norm is larger than this (0: off)",
             0, 1e6, 0, [](S& s) -> double& { return s.trainer.clipNorm; });
    t.choice("precision", "precision", "Precision",
             "fp32; or mixed precision emulated: weights and gradients rounded to fp16 or bf16, an fp32 master copy "
             "updated",
             {"fp32", "fp16", "bf16"}, "fp32",
             [](const S& s) { return std::string(optim::formatName(s.trainer.precision)); },
             [](S& s, const std::string& v) { s.trainer.precision = *optim::parseFormat(v); });
    t.text("loss_scale", "loss-scale", "Loss scale",
           "mixed precision: dynamic (fp16: start at 2^16, halve and skip on overflow, double after 200 good steps; "
           "bf16: no scaling, its range is fp32's) or a fixed number (an overflow then stops the run)",
           "dynamic", [](S& s) -> std::string& { return s.lossScale; });
    t.integer("threads", "threads", "Threads", "", "threads for training (the batch is split between them)", 1, 256,
              machineThreads(), [](S& s) -> unsigned& { return s.trainer.threads; });
    t.integer("seed", "seed", "Seed", "", "the same seed gives the same data, weights and curve", 0, 999'999'999, 0,
              [](S& s) -> std::uint64_t& { return s.trainer.seed; });
    t.text("corpus", "corpus", "Text",
           "the text to train on: builtin:toyworld, a text file (with a tokenizer), or nothing for random tokens",
           toyWorldCorpus, [](S& s) -> std::string& { return s.corpus; });
    t.text("tokenizer", "tokenizer", "Tokenizer", "a tokenizer file for a text file (the toy world has its own)", "",
           [](S& s) -> std::string& { return s.tokenizer; });
    t.integer("toyworld_bytes", "", "Toy world", "bytes", "how much toy-world text to generate", 1000, 1 << 30, 4 << 20,
              [](S& s) -> std::size_t& { return s.toyWorldBytes; });
    t.number("mask_rate", "mask-rate", "Mask rate", "", "the share of tokens BERT's masked LM hides and predicts", 0.001, 1,
             0.15, [](S& s) -> double& { return s.masking.rate; })
        .percent = true;
    t.number("mask_share", "", "[MASK] share", "", "of the picked tokens, the share replaced by [MASK]", 0, 1, 0.8,
             [](S& s) -> double& { return s.masking.maskShare; })
        .percent = true;
    t.number("random_share", "", "Random share", "", "of the picked tokens, the share replaced by a random token", 0, 1,
             0.1, [](S& s) -> double& { return s.masking.randomShare; })
        .percent = true;
    t.number("held_out_share", "", "Held out", "", "a text file's tail kept for the held-out loss", 0, 0.5, 0.05,
             [](S& s) -> double& { return s.heldOutShare; })
        .percent = true;
    t.toggle("nsp", "nsp", "Sentence pairs (NSP)",
             "encoder: read sentence pairs [CLS] A [SEP] B [SEP] with segment embeddings and also predict whether B "
             "follows A (BERT's next-sentence prediction)",
             false, [](S& s) -> bool& { return s.nextSentence; });
    return t.take();
}

}  // namespace

// ---- the table ---------------------------------------------------------------------------------

const std::vector<SettingField>& runSettingFields() {
    static const std::vector<SettingField> fields = buildFields();
    return fields;
}

const SettingField& runSettingField(std::string_view key) { return fieldOf(runSettingFields(), key); }

// ---- the settings --------------------------------------------------------------------------------

RunSettings::RunSettings() {
    for (const SettingField& field : runSettingFields()) field.write(*this, field.defaultValue);
    trainer.schedule.total = steps;
}

bool RunSettings::applyPreset(const std::string& name) {
    struct Preset {
        const char* name;
        nn::Index vocabulary, width, layers, heads, context, batch;
    };
    static constexpr Preset presets[] = {{"tiny", 256, 64, 2, 4, 64, 16},
                                         {"small", 512, 128, 4, 4, 128, 16},
                                         {"medium", 2048, 256, 6, 8, 256, 8}};
    for (const Preset& p : presets) {
        if (name != p.name) continue;
        preset = name;
        model.vocabulary = p.vocabulary;
        model.width = p.width;
        model.layers = p.layers;
        model.heads = p.heads;
        model.context = p.context;
        batch = p.batch;
        return true;
    }
    return false;
}

std::string RunSettings::problem(bool tokenizerGiven) const {
    if (std::string problem = model.problem(); !problem.empty()) return problem;
    if (batch < 1) return "the batch needs at least one sequence";
    if (accumulation < 1 || batch % accumulation != 0) {
        return "gradient accumulation (" + std::to_string(accumulation) + ") must divide the batch (" +
               std::to_string(batch) + "): each micro-batch gets batch / accumulation sequences";
    }
    if (steps < 1) return "the run needs at least one step";
    if (model.architecture != nn::Architecture::Decoder && model.context < 3) {
        return model.architecture == nn::Architecture::Encoder
                   ? "the encoder's context must hold at least 3 tokens: [CLS], a token and [SEP]"
                   : "the encoder-decoder's context must hold at least 3 tokens: a sentinel, a span and the closing sentinel";
    }
    if (!(masking.rate > 0 && masking.rate <= 1)) return "the masking rate must be above 0 and at most 1";
    if (masking.maskShare < 0 || masking.randomShare < 0 || masking.maskShare + masking.randomShare > 1) {
        return "the [MASK] and random shares must be non-negative and add up to at most 1";
    }
    if (!(trainer.schedule.peak >= 0) || !std::isfinite(trainer.schedule.peak)) return "the learning rate must be a number of at least 0";
    if (!tokenizer.empty() && corpus.empty()) return "a tokenizer needs a corpus to tokenize";
    if (!corpus.empty() && corpus != toyWorldCorpus && tokenizer.empty() && !tokenizerGiven) {
        return "a text file needs a tokenizer";
    }
    if (nextSentence && model.architecture != nn::Architecture::Encoder) return "next-sentence pairs are an encoder's objective";
    if (nextSentence && corpus.empty()) return "next-sentence pairs need text (sentences), not random tokens";
    if (!lossScaleValue()) return "the loss scale must be dynamic or a number above 0, got '" + lossScale + "'";
    return {};
}

std::optional<double> RunSettings::lossScaleValue() const {
    if (lossScale == "dynamic") return 0.0;
    try {
        std::size_t used = 0;
        const double value = std::stod(lossScale, &used);
        if (used == lossScale.size() && value > 0 && std::isfinite(value)) return value;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::string RunSettings::toJson() const {
    Json json = Json::object();
    for (const SettingField& field : runSettingFields()) {
        std::visit([&](const auto& value) { json[field.key] = value; }, field.get(*this));
    }
    return json.dump();
}

RunSettings RunSettings::fromJson(const std::string& text, const std::string& source) {
    requireShallowJson(text, source);
    Json json;
    try {
        json = Json::parse(text);
    } catch (const Json::exception& error) {
        throw LocatedError({source, {}, {}}, std::string("settings: ") + error.what());
    }
    if (!json.is_object()) throw LocatedError({source, {}, {}}, "settings: expects an object of settings");
    RunSettings s;
    for (const SettingField& field : runSettingFields()) {
        if (!json.contains(field.key)) continue;
        const Json& entry = json.at(field.key);
        std::optional<SettingValue> value;
        switch (field.kind) {
            case SettingKind::Integer:
                if (entry.is_number_integer()) value = entry.get<std::int64_t>();
                break;
            case SettingKind::Number:
                if (entry.is_number()) value = entry.get<double>();
                break;
            case SettingKind::Switch:
                if (entry.is_boolean()) value = entry.get<bool>();
                break;
            case SettingKind::Choice:
            case SettingKind::Text:
                if (entry.is_string()) value = entry.get<std::string>();
                break;
        }
        if (!value || !field.check(*value).empty()) {
            throw LocatedError({source, {}, {}},
                               "settings." + field.key + ": expects " + field.expects() + ", got " + jsonBrief(entry));
        }
        field.write(s, *value);
    }
    s.trainer.schedule.total = s.steps;
    return s;
}

}  // namespace pretrainlab::train
