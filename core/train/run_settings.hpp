#pragma once

// The settings of a training run, and the one table of them: each setting's name (its JSON key
// and, where it has one, its command-line flag), default, range, unit and one line of help. The
// checkpoint's JSON, the CLI's flags and usage, and the Training lab's form all read this table.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/settings_table.hpp"

#include "core/data/objectives.hpp"
#include "core/nn/transformer.hpp"
#include "core/train/trainer.hpp"

namespace pretrainlab::train {

inline constexpr const char* toyWorldCorpus = "builtin:toyworld";

struct RunSettings {
    std::string preset;            // "tiny", "small", "medium" or "custom"
    nn::ModelConfig model;         // the vocabulary comes from the tokenizer when there is text
    nn::Index batch = 0;           // sequences per optimizer step
    nn::Index accumulation = 0;    // micro-batches per step (must divide batch)
    TrainerOptions trainer;        // optimizer, schedule (its total = steps), clipping, threads, seed
    std::size_t steps = 0;         // the run's length (the schedule decays over it)
    std::string corpus;            // "" for random tokens, toyWorldCorpus, or a text file
    std::string tokenizer;         // a tokenizer file; "" for the toy world's own (or one given in memory)
    std::size_t toyWorldBytes = 0; // how much toy-world text to generate
    data::MaskingOptions masking;  // the encoder's masked LM (rate 15%, 80/10/10)
    double heldOutShare = 0;       // a text file's tail kept for the held-out loss
    bool nextSentence = false;     // encoder: sentence pairs with [SEP] and segments, and BERT's NSP
    std::string lossScale;         // mixed precision: "dynamic" or a fixed number

    // Every setting at its default from the table (threads: this machine's cores).
    RunSettings();

    // Sets model sizes and batch to a preset ("tiny", "small", "medium"); false if unknown.
    bool applyPreset(const std::string& name);
    // What is wrong across settings, in one sentence naming the setting; empty when all is well.
    // `tokenizerGiven`: the run gets its tokenizer in memory, not from a file.
    std::string problem(bool tokenizerGiven = false) const;
    // The loss scale as a number, 0 for dynamic; nothing when the text is neither.
    std::optional<double> lossScaleValue() const;
    std::string toJson() const;
    // Reads the JSON toJson() writes; every value is checked as the command line checks it.
    // Throws LocatedError naming `source` and the key.
    static RunSettings fromJson(const std::string& json, const std::string& source);
};

// ---- the table ---------------------------------------------------------------------------------

using pretrainlab::SettingKind;
using pretrainlab::SettingValue;
using pretrainlab::settingText;
using SettingField = Field<RunSettings>;

// In the order the JSON writes them.
const std::vector<SettingField>& runSettingFields();
// The field of a JSON key; throws std::out_of_range for an unknown one.
const SettingField& runSettingField(std::string_view key);

}  // namespace pretrainlab::train
