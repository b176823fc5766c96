#include "core/train/run_settings.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"

namespace pretrainlab::train {

using Json = nlohmann::ordered_json;

namespace {

std::string numberText(double value) {
    if (value == std::floor(value) && std::abs(value) < 1e15) return std::to_string(static_cast<long long>(value));
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

std::string listInWords(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
        text += names[i];
    }
    return text;
}

std::vector<std::string> namesOf(auto kinds, auto name) {
    std::vector<std::string> names;
    for (const auto kind : kinds) names.emplace_back(name(kind));
    return names;
}

unsigned machineThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

// The table is built once; each row says where its value lives in RunSettings.
std::vector<SettingField> buildFields() {
    std::vector<SettingField> fields;
    using K = SettingKind;
    const auto integer = [&](std::string key, std::string flag, std::string label, std::string unit, std::string help,
                             double minimum, double maximum, std::int64_t fallback, auto member) {
        SettingField f;
        f.key = std::move(key), f.flag = std::move(flag), f.label = std::move(label), f.unit = std::move(unit);
        f.help = std::move(help), f.kind = K::Integer, f.minimum = minimum, f.maximum = maximum;
        f.defaultValue = fallback;
        f.read = [member](const RunSettings& s) { return SettingValue(static_cast<std::int64_t>(member(const_cast<RunSettings&>(s)))); };
        f.write = [member](RunSettings& s, const SettingValue& v) {
            auto& into = member(s);
            into = static_cast<std::remove_reference_t<decltype(into)>>(std::get<std::int64_t>(v));
        };
        fields.push_back(std::move(f));
        return &fields.back();
    };
    const auto number = [&](std::string key, std::string flag, std::string label, std::string unit, std::string help,
                            double minimum, double maximum, double fallback, auto member) {
        SettingField f;
        f.key = std::move(key), f.flag = std::move(flag), f.label = std::move(label), f.unit = std::move(unit);
        f.help = std::move(help), f.kind = K::Number, f.minimum = minimum, f.maximum = maximum;
        f.defaultValue = fallback;
        f.read = [member](const RunSettings& s) { return SettingValue(double(member(const_cast<RunSettings&>(s)))); };
        f.write = [member](RunSettings& s, const SettingValue& v) { member(s) = std::get<double>(v); };
        fields.push_back(std::move(f));
        return &fields.back();
    };
    const auto choice = [&](std::string key, std::string flag, std::string label, std::string help,
                            std::vector<std::string> choices, std::string fallback, auto read, auto write) {
        SettingField f;
        f.key = std::move(key), f.flag = std::move(flag), f.label = std::move(label), f.help = std::move(help);
        f.kind = K::Choice, f.choices = std::move(choices), f.defaultValue = std::move(fallback);
        f.read = [read](const RunSettings& s) { return SettingValue(std::string(read(s))); };
        f.write = [write](RunSettings& s, const SettingValue& v) { write(s, std::get<std::string>(v)); };
        fields.push_back(std::move(f));
        return &fields.back();
    };
    const auto text = [&](std::string key, std::string flag, std::string label, std::string help, std::string fallback,
                          auto member) {
        SettingField f;
        f.key = std::move(key), f.flag = std::move(flag), f.label = std::move(label), f.help = std::move(help);
        f.kind = K::Text, f.defaultValue = std::move(fallback);
        f.read = [member](const RunSettings& s) { return SettingValue(member(const_cast<RunSettings&>(s))); };
        f.write = [member](RunSettings& s, const SettingValue& v) { member(s) = std::get<std::string>(v); };
        fields.push_back(std::move(f));
        return &fields.back();
    };
    fields.reserve(40);

    choice("preset", "config", "Size", "the model's size: tiny (d 64, 2 layers, context 64, batch 16), small or medium",
           {"tiny", "small", "medium", "custom"}, "tiny", [](const RunSettings& s) { return s.preset; },
           [](RunSettings& s, const std::string& v) { s.preset = v; });
    choice("arch", "arch", "Model", "decoder (GPT, next token), encoder (BERT, masked LM) or encdec (T5, spans)",
           namesOf(std::initializer_list<nn::Architecture>{nn::Architecture::Decoder, nn::Architecture::Encoder,
                                                            nn::Architecture::EncoderDecoder},
                   nn::architectureName),
           "decoder", [](const RunSettings& s) { return std::string(nn::architectureName(s.model.architecture)); },
           [](RunSettings& s, const std::string& v) { s.model.architecture = *nn::parseArchitecture(v); });
    integer("vocab", "vocab", "Vocabulary", "tokens", "the vocabulary of random tokens (text brings its own)", 2,
            1'000'000, 256, [](RunSettings& s) -> nn::Index& { return s.model.vocabulary; });
    integer("d", "d", "d", "", "d_model: the width of every token's vector", 1, 8192, 64,
            [](RunSettings& s) -> nn::Index& { return s.model.width; });
    integer("layers", "layers", "layers", "blocks", "transformer blocks", 1, 256, 2,
            [](RunSettings& s) -> nn::Index& { return s.model.layers; });
    integer("decoder_layers", "", "decoder layers", "blocks", "the encoder-decoder's decoder blocks (0: as many as the encoder)",
            0, 256, 0, [](RunSettings& s) -> nn::Index& { return s.model.decoderLayers; });
    integer("heads", "heads", "heads", "", "attention heads; they must divide d", 1, 256, 4,
            [](RunSettings& s) -> nn::Index& { return s.model.heads; });
    integer("ctx", "ctx", "context", "tokens", "tokens the model reads at once (learned positions)", 1, 65'536, 64,
            [](RunSettings& s) -> nn::Index& { return s.model.context; });
    integer("ffn", "", "MLP width", "", "the MLP's hidden width (0: 4 × d)", 0, 65'536, 0,
            [](RunSettings& s) -> nn::Index& { return s.model.feedForward; });
    {
        SettingField f;
        f.key = "pre_norm", f.flag = "post-ln", f.label = "Pre-LN";
        f.help = "LayerNorm after each sublayer, as BERT and GPT-1 (default: before it, as GPT-2)";
        f.kind = K::Switch, f.cliSwitchInverts = true, f.defaultValue = true;
        f.read = [](const RunSettings& s) { return SettingValue(s.model.preNorm); };
        f.write = [](RunSettings& s, const SettingValue& v) { s.model.preNorm = std::get<bool>(v); };
        fields.push_back(std::move(f));
    }
    number("dropout", "", "Dropout", "", "the share of activations dropped while training", 0, 0.99, 0,
           [](RunSettings& s) -> double& { return s.model.dropout; });
    number("init_std", "", "Initial σ", "", "weights and embeddings start as N(0, σ²)", 0, 10, 0.02,
           [](RunSettings& s) -> double& { return s.model.initialStd; });
    integer("batch", "batch", "Batch", "sequences", "sequences per optimizer step", 1, 65'536, 16,
            [](RunSettings& s) -> nn::Index& { return s.batch; });
    integer("accum", "accum", "Accumulation", "micro-batches",
            "split each batch into this many micro-batches and add their gradients: the same update with less "
            "activation memory",
            1, 4096, 1, [](RunSettings& s) -> nn::Index& { return s.accumulation; });
    integer("steps", "steps", "Steps", "steps", "the run's length; the schedule decays over it", 1, 100'000'000, 1000,
            [](RunSettings& s) -> std::size_t& { return s.steps; });
    choice("optimizer", "optimizer", "Optimizer", "AdamW, Adam, SGD with momentum or SGD",
           namesOf(std::initializer_list<optim::OptimizerKind>{optim::OptimizerKind::Sgd, optim::OptimizerKind::Momentum,
                                                                optim::OptimizerKind::Adam, optim::OptimizerKind::AdamW},
                   optim::optimizerName),
           "adamw", [](const RunSettings& s) { return std::string(optim::optimizerName(s.trainer.optimizer.kind)); },
           [](RunSettings& s, const std::string& v) { s.trainer.optimizer.kind = *optim::parseOptimizer(v); });
    number("beta1", "beta1", "β₁", "", "how long Adam's mean of gradients remembers", 0, 1, 0.9,
           [](RunSettings& s) -> double& { return s.trainer.optimizer.beta1; });
    number("beta2", "beta2", "β₂", "", "how long Adam's mean of squared gradients remembers", 0, 1, 0.999,
           [](RunSettings& s) -> double& { return s.trainer.optimizer.beta2; });
    number("epsilon", "epsilon", "ε", "", "Adam's ε beside √v̂", 0, 1, 1e-8,
           [](RunSettings& s) -> double& { return s.trainer.optimizer.epsilon; });
    number("momentum", "momentum", "Momentum", "", "SGD with momentum: how much of the last step carries on", 0, 1, 0.9,
           [](RunSettings& s) -> double& { return s.trainer.optimizer.momentum; });
    number("weight_decay", "weight-decay", "Weight decay", "",
           "λ: AdamW shrinks the weights by η λ θ apart from the gradient; the others add λ θ to the gradient", 0, 10, 0.01,
           [](RunSettings& s) -> double& { return s.trainer.optimizer.weightDecay; });
    number("lr", "lr", "Learning rate", "", "the peak learning rate η", 0, 1000, 2e-3,
           [](RunSettings& s) -> double& { return s.trainer.schedule.peak; });
    choice("schedule", "schedule", "Schedule", "how the learning rate decays after warmup",
           namesOf(std::initializer_list<optim::ScheduleKind>{optim::ScheduleKind::Constant, optim::ScheduleKind::Linear,
                                                               optim::ScheduleKind::Cosine, optim::ScheduleKind::Exponential,
                                                               optim::ScheduleKind::InverseSqrt},
                   optim::scheduleName),
           "cosine", [](const RunSettings& s) { return std::string(optim::scheduleName(s.trainer.schedule.kind)); },
           [](RunSettings& s, const std::string& v) { s.trainer.schedule.kind = *optim::parseSchedule(v); });
    integer("warmup", "warmup", "Warmup steps", "steps", "steps over which the rate rises linearly to its peak", 0,
            100'000'000, 30, [](RunSettings& s) -> std::size_t& { return s.trainer.schedule.warmup; });
    number("clip", "clip", "Clip norm", "", "scale the gradient down when its global norm is larger than this (0: off)",
           0, 1e6, 0, [](RunSettings& s) -> double& { return s.trainer.clipNorm; });
    integer("threads", "threads", "Threads", "", "threads for training (the batch is split between them)", 1, 256,
            machineThreads(), [](RunSettings& s) -> unsigned& { return s.trainer.threads; });
    integer("seed", "seed", "Seed", "", "the same seed gives the same data, weights and curve", 0, 999'999'999, 0,
            [](RunSettings& s) -> std::uint64_t& { return s.trainer.seed; });
    text("corpus", "corpus", "Text",
         "the text to train on: builtin:toyworld, a text file (with a tokenizer), or nothing for random tokens",
         toyWorldCorpus, [](RunSettings& s) -> std::string& { return s.corpus; });
    text("tokenizer", "tokenizer", "Tokenizer", "a tokenizer file for a text file (the toy world has its own)", "",
         [](RunSettings& s) -> std::string& { return s.tokenizer; });
    integer("toyworld_bytes", "", "Toy world", "bytes", "how much toy-world text to generate", 1000, 1 << 30, 4 << 20,
            [](RunSettings& s) -> std::size_t& { return s.toyWorldBytes; });
    number("mask_rate", "mask-rate", "Mask rate", "", "the share of tokens BERT's masked LM hides and predicts", 0.001, 1,
           0.15, [](RunSettings& s) -> double& { return s.masking.rate; })
        ->percent = true;
    number("mask_share", "", "[MASK] share", "", "of the picked tokens, the share replaced by [MASK]", 0, 1, 0.8,
           [](RunSettings& s) -> double& { return s.masking.maskShare; })
        ->percent = true;
    number("random_share", "", "Random share", "", "of the picked tokens, the share replaced by a random token", 0, 1,
           0.1, [](RunSettings& s) -> double& { return s.masking.randomShare; })
        ->percent = true;
    number("held_out_share", "", "Held out", "", "a text file's tail kept for the held-out loss", 0, 0.5, 0.05,
           [](RunSettings& s) -> double& { return s.heldOutShare; })
        ->percent = true;
    for (const char* key : {"beta1", "beta2", "momentum"}) {
        for (SettingField& f : fields) {
            if (f.key == key) f.maximum = std::nextafter(1.0, 0.0);  // [0, 1): a β of 1 never forgets
        }
    }
    return fields;
}

}  // namespace

// ---- the table ---------------------------------------------------------------------------------

const std::vector<SettingField>& runSettingFields() {
    static const std::vector<SettingField> fields = buildFields();
    return fields;
}

const SettingField& runSettingField(std::string_view key) {
    for (const SettingField& field : runSettingFields()) {
        if (field.key == key) return field;
    }
    throw std::out_of_range("no run setting named '" + std::string(key) + "'");
}

std::string settingText(const SettingValue& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) return v;
            else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
            else if constexpr (std::is_same_v<T, double>) return numberText(v);
            else return std::to_string(v);
        },
        value);
}

SettingValue SettingField::get(const RunSettings& settings) const { return read(settings); }

void SettingField::set(RunSettings& settings, const SettingValue& value) const {
    if (const std::string problem = check(value); !problem.empty()) {
        throw std::invalid_argument(key + " " + problem + ", got " + settingText(value));
    }
    write(settings, value);
}

std::string SettingField::expects() const {
    const bool belowOne = maximum < 1.0 && std::nextafter(1.0, 0.0) == maximum;
    switch (kind) {
        case SettingKind::Integer:
            return "a whole number from " + numberText(minimum) + " to " + numberText(maximum);
        case SettingKind::Number:
            return belowOne ? "a number from " + numberText(minimum) + " up to (not including) 1"
                            : "a number from " + numberText(minimum) + " to " + numberText(maximum);
        case SettingKind::Choice: return listInWords(choices);
        case SettingKind::Switch: return "true or false";
        case SettingKind::Text: return "text";
    }
    return {};
}

std::string SettingField::check(const SettingValue& value) const {
    const std::string expected = "expects " + expects();
    switch (kind) {
        case SettingKind::Integer: {
            const auto* v = std::get_if<std::int64_t>(&value);
            if (!v || double(*v) < minimum || double(*v) > maximum) return expected;
            return {};
        }
        case SettingKind::Number: {
            const auto* v = std::get_if<double>(&value);
            if (!v || !std::isfinite(*v) || *v < minimum || *v > maximum) return expected;
            return {};
        }
        case SettingKind::Choice: {
            const auto* v = std::get_if<std::string>(&value);
            if (!v || std::find(choices.begin(), choices.end(), *v) == choices.end()) return expected;
            return {};
        }
        case SettingKind::Switch: return std::holds_alternative<bool>(value) ? std::string() : expected;
        case SettingKind::Text: return std::holds_alternative<std::string>(value) ? std::string() : expected;
    }
    return expected;
}

SettingValue SettingField::parse(std::string_view text) const {
    const auto fail = [&]() -> SettingValue {
        throw std::invalid_argument("expects " + expects() + ", got '" + std::string(text) + "'");
    };
    SettingValue value;
    switch (kind) {
        case SettingKind::Integer: {
            std::int64_t number = 0;
            const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (error != std::errc() || stop != text.data() + text.size()) return fail();
            value = number;
            break;
        }
        case SettingKind::Number: {
            double number = 0;
            const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (error != std::errc() || stop != text.data() + text.size()) return fail();
            value = number;
            break;
        }
        case SettingKind::Switch:
            if (text == "true" || text == "1") value = true;
            else if (text == "false" || text == "0") value = false;
            else return fail();
            break;
        case SettingKind::Choice:
        case SettingKind::Text: value = std::string(text); break;
    }
    if (!check(value).empty()) return fail();
    return value;
}

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
    return {};
}

std::string RunSettings::toJson() const {
    Json json = Json::object();
    for (const SettingField& field : runSettingFields()) {
        std::visit([&](const auto& value) { json[field.key] = value; }, field.get(*this));
    }
    return json.dump();
}

RunSettings RunSettings::fromJson(const std::string& text, const std::string& source) {
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
                               "settings." + field.key + ": expects " + field.expects() + ", got " + entry.dump());
        }
        field.write(s, *value);
    }
    s.trainer.schedule.total = s.steps;
    return s;
}

}  // namespace pretrainlab::train
