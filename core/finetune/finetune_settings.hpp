#pragma once

// How a pretrained model is finetuned on a task, declared once (as run settings are): the CLI's
// `finetune` flags, the lesson's form and the ablation all read this table.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/settings_table.hpp"

namespace pretrainlab::finetune {

enum class Mode {
    All,     // every parameter trains (the lecture's default)
    Probe,   // a linear probe: the pretrained body is frozen, only the new head trains
    Freeze,  // the embeddings and the lowest `frozenBlocks` blocks are frozen
};

std::string_view modeName(Mode mode);  // "all", "probe", "freeze"

struct FinetuneSettings {
    std::string task;
    std::size_t labels = 0;         // labelled examples to train on
    Mode mode = Mode::All;
    std::size_t frozenBlocks = 0;   // Mode::Freeze
    double auxLm = 0;               // λ of L = L_task + λ L_LM (decoders)
    std::size_t steps = 0;
    double learningRate = 0;
    std::size_t batch = 0;
    std::uint64_t seed = 0;
    unsigned threads = 0;

    FinetuneSettings();  // the table's defaults
    // What is wrong across settings; empty when all is well.
    std::string problem() const;
    // "freeze:2" and the like, as the CLI writes a mode.
    std::string modeText() const;
};

using FinetuneField = Field<FinetuneSettings>;
const std::vector<FinetuneField>& finetuneFields();
const FinetuneField& finetuneField(std::string_view key);

// The settings as a JSON object under the table's keys; and back, every value checked as the
// command line checks it (a key left out keeps its default). Throws std::invalid_argument
// ("lr expects ..., got ...") or nlohmann's type_error for a value of the wrong kind.
nlohmann::ordered_json finetuneSettingsJson(const FinetuneSettings& settings);
FinetuneSettings finetuneSettingsFrom(const nlohmann::ordered_json& json);

}  // namespace pretrainlab::finetune
