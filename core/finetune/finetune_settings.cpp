#include "core/finetune/finetune_settings.hpp"

#include <algorithm>
#include <thread>

#include "core/finetune/tasks.hpp"

namespace pretrainlab::finetune {
namespace {

std::vector<FinetuneField> buildFields() {
    FieldTable<FinetuneSettings> t;
    using F = FinetuneSettings;
    t.choice("task", "task", "Task", "the labelled task to finetune on", taskNames(), "sentiment",
             [](const F& f) { return f.task; }, [](F& f, const std::string& v) { f.task = v; });
    t.integer("labels", "labels", "Labelled examples", "examples", "how many labelled examples the model learns from", 1,
              4096, 256, [](F& f) -> std::size_t& { return f.labels; });
    t.choice("mode", "mode", "What trains",
             "all parameters; a linear probe (only the new head, on a frozen body); or all but the lowest blocks",
             {"all", "probe", "freeze"}, "all", [](const F& f) { return std::string(modeName(f.mode)); },
             [](F& f, const std::string& v) { f.mode = v == "probe" ? Mode::Probe : v == "freeze" ? Mode::Freeze : Mode::All; });
    t.integer("frozen_blocks", "", "Frozen blocks", "blocks", "with mode freeze: the embeddings and this many lowest blocks stay",
              0, 256, 1, [](F& f) -> std::size_t& { return f.frozenBlocks; });
    t.number("aux_lm", "aux-lm", "Auxiliary LM (λ)", "",
             "λ of L = L_task + λ L_LM: next-token loss on the task's text beside the task's (decoders; 0: off)", 0, 10, 0,
             [](F& f) -> double& { return f.auxLm; });
    t.integer("steps", "steps", "Steps", "steps", "optimizer steps of finetuning", 1, 1'000'000, 300,
              [](F& f) -> std::size_t& { return f.steps; });
    t.number("lr", "lr", "Learning rate", "", "the peak learning rate (10% warmup, then linear decay to 0, as BERT)", 0,
             1, 1e-3, [](F& f) -> double& { return f.learningRate; });
    t.integer("batch", "batch", "Batch", "examples", "labelled examples per step", 1, 1024, 16,
              [](F& f) -> std::size_t& { return f.batch; });
    t.integer("seed", "seed", "Seed", "", "the labelled examples, the new head's weights and the order they come in", 0,
              999'999'999, 0, [](F& f) -> std::uint64_t& { return f.seed; });
    t.integer("threads", "threads", "Threads", "", "threads for training", 1, 256,
              std::max(1u, std::thread::hardware_concurrency()), [](F& f) -> unsigned& { return f.threads; });
    return t.take();
}

}  // namespace

std::string_view modeName(Mode mode) {
    switch (mode) {
        case Mode::All: return "all";
        case Mode::Probe: return "probe";
        case Mode::Freeze: return "freeze";
    }
    return "all";
}

const std::vector<FinetuneField>& finetuneFields() {
    static const std::vector<FinetuneField> fields = buildFields();
    return fields;
}

const FinetuneField& finetuneField(std::string_view key) { return fieldOf(finetuneFields(), key); }

FinetuneSettings::FinetuneSettings() {
    for (const FinetuneField& field : finetuneFields()) field.write(*this, field.defaultValue);
}

std::string FinetuneSettings::problem() const {
    if (mode == Mode::Freeze && frozenBlocks == 0) return "freezing needs at least one block to freeze (freeze:1 or more)";
    if (mode == Mode::Probe && auxLm > 0) return "a linear probe trains only the head: an auxiliary LM loss would train nothing";
    return {};
}

std::string FinetuneSettings::modeText() const {
    return mode == Mode::Freeze ? "freeze:" + std::to_string(frozenBlocks) : std::string(modeName(mode));
}

nlohmann::ordered_json finetuneSettingsJson(const FinetuneSettings& settings) {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (const FinetuneField& field : finetuneFields()) {
        json[field.key] = std::visit([](const auto& v) { return nlohmann::ordered_json(v); }, field.get(settings));
    }
    return json;
}

FinetuneSettings finetuneSettingsFrom(const nlohmann::ordered_json& json) {
    if (!json.is_object()) throw std::invalid_argument("the finetuning settings are not a JSON object");
    FinetuneSettings settings;
    for (const FinetuneField& field : finetuneFields()) {
        if (!json.contains(field.key)) continue;
        const nlohmann::ordered_json& value = json.at(field.key);
        switch (field.kind) {
            case SettingKind::Integer: field.set(settings, value.get<std::int64_t>()); break;
            case SettingKind::Number: field.set(settings, value.get<double>()); break;
            case SettingKind::Switch: field.set(settings, value.get<bool>()); break;
            default: field.set(settings, value.get<std::string>()); break;
        }
    }
    return settings;
}

}  // namespace pretrainlab::finetune
