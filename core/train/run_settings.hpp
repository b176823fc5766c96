#pragma once

// The settings of a training run, and the one table of them: each setting's name (its JSON key
// and, where it has one, its command-line flag), default, range, unit and one line of help. The
// checkpoint's JSON, the CLI's flags and usage, and the Training lab's form all read this table.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

    // Every setting at its default from the table (threads: this machine's cores).
    RunSettings();

    // Sets model sizes and batch to a preset ("tiny", "small", "medium"); false if unknown.
    bool applyPreset(const std::string& name);
    // What is wrong across settings, in one sentence naming the setting; empty when all is well.
    // `tokenizerGiven`: the run gets its tokenizer in memory, not from a file.
    std::string problem(bool tokenizerGiven = false) const;
    std::string toJson() const;
    // Reads the JSON toJson() writes; every value is checked as the command line checks it.
    // Throws LocatedError naming `source` and the key.
    static RunSettings fromJson(const std::string& json, const std::string& source);
};

// ---- the table ---------------------------------------------------------------------------------

enum class SettingKind { Integer, Number, Choice, Switch, Text };

using SettingValue = std::variant<std::int64_t, double, bool, std::string>;

struct SettingField {
    std::string key;    // the JSON key: "lr"
    std::string flag;   // the command line's --flag without dashes ("" when the CLI does not set it)
    std::string label;  // the form's label: "Learning rate"
    std::string unit;   // "steps", "sequences", "" ...
    std::string help;   // one line: what it does
    SettingKind kind = SettingKind::Integer;
    double minimum = 0;  // Integer and Number
    double maximum = 0;
    std::vector<std::string> choices;  // Choice: the names in JSON and on the command line
    bool percent = false;              // a share in [0, 1] that a form shows in %
    bool cliSwitchInverts = false;     // Switch: the flag sets the value to false (--post-ln)
    SettingValue defaultValue;
    std::function<SettingValue(const RunSettings&)> read;
    std::function<void(RunSettings&, const SettingValue&)> write;

    SettingValue get(const RunSettings& settings) const;
    void set(RunSettings& settings, const SettingValue& value) const;
    // "" when `value` is of the field's kind and in its range or choices; otherwise what is wrong,
    // as "expects a number from 0 to 1000000" (without the setting's name).
    std::string check(const SettingValue& value) const;
    // A value from text as typed on a command line ("3e-4", "cosine", "12"); throws
    // std::invalid_argument with "expects ..., got '...'".
    SettingValue parse(std::string_view text) const;
    // The range or choices in words: "a number from 0 to 10", "constant, linear or cosine".
    std::string expects() const;
};

// In the order the JSON writes them.
const std::vector<SettingField>& runSettingFields();
// The field of a JSON key; throws std::out_of_range for an unknown one.
const SettingField& runSettingField(std::string_view key);

// A value as text (numbers in their shortest exact form), for usage lines and forms.
std::string settingText(const SettingValue& value);

}  // namespace pretrainlab::train
