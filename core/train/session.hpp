#pragma once

// A training run from settings to checkpoints: the data (random tokens, the built-in toy world or
// a text file with a tokenizer), the model, the trainer, held-out loss, probes, and saving and
// resuming. The app's training lab and `pretrainlab-cli train` both drive this.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/data/objectives.hpp"
#include "core/data/toyworld.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/train/probes.hpp"
#include "core/train/trainer.hpp"

namespace pretrainlab::train {

inline constexpr const char* toyWorldCorpus = "builtin:toyworld";

struct RunSettings {
    std::string preset = "tiny";  // "tiny", "small", "medium" or "custom"
    nn::ModelConfig model;         // the vocabulary comes from the tokenizer when there is text
    nn::Index batch = 16;          // sequences per optimizer step
    nn::Index accumulation = 1;    // micro-batches per step (must divide batch)
    TrainerOptions trainer;        // optimizer, schedule (its total = steps), clipping, threads, seed
    std::size_t steps = 1000;      // the run's length (the schedule decays over it)
    std::string corpus;            // "" for random tokens, toyWorldCorpus, or a text file
    std::string tokenizer;         // a tokenizer file; "" for the toy world's own
    std::size_t toyWorldBytes = 4u << 20;  // how much toy-world text to generate
    data::MaskingOptions masking;  // the encoder's masked LM (rate 15%, 80/10/10)
    double heldOutShare = 0.05;    // a text file's tail kept for the held-out loss

    // Sets model sizes and batch to a preset ("tiny", "small", "medium"); false if unknown.
    bool applyPreset(const std::string& name);
    // What is wrong, in one sentence naming the setting; empty when all is well.
    std::string problem() const;
    std::string toJson() const;
    static RunSettings fromJson(const std::string& json, const std::string& source);
};

class TrainingSession {
public:
    // Builds the data (generating, reading and tokenizing text: `progress` may stop it), the model
    // and the trainer. Throws LocatedError for bad files, std::invalid_argument for bad settings.
    explicit TrainingSession(RunSettings settings, const Progress& progress = {});
    // From a checkpoint written by save(): the weights file, with its .json beside it.
    static std::unique_ptr<TrainingSession> load(const std::string& weightsPath, const Progress& progress = {});

    // One optimizer step on the next batch.
    StepOutcome step();
    std::size_t stepsDone() const { return trainer_->stepsDone(); }
    bool finished() const { return stepsDone() >= settings_.steps; }

    // Mean token loss on a fixed set of held-out batches (none for random tokens).
    std::optional<double> heldOutLoss();
    bool hasText() const { return tokenizer_.has_value(); }
    // The built-in world's probes (plus the lecture's five first), or none for other data.
    const std::vector<data::ProbeItem>& probeItems() const { return probeItems_; }
    ProbeReport probes(std::size_t top = 5) const;
    ProbeReport probe(const std::vector<data::ProbeItem>& items, std::size_t top = 5) const;

    // Writes PATH (weights, safetensors), PATH minus ".safetensors" plus ".json" (settings,
    // tokenizer, step, data position) and ".optimizer.safetensors" (m and v), each atomically.
    // `beforeCommit` runs when all are written under temporary names, before any is renamed.
    void save(const std::string& weightsPath, const std::function<void()>& beforeCommit = {}) const;

    const RunSettings& settings() const { return settings_; }
    nn::Transformer<float>& model() { return *model_; }
    const nn::Transformer<float>& model() const { return *model_; }
    Trainer<float>& trainer() { return *trainer_; }
    const Tokenizer* tokenizer() const { return tokenizer_ ? &*tokenizer_ : nullptr; }
    const data::SpecialTokens& specials() const { return specials_; }
    std::size_t trainingTokens() const { return stream_.size(); }

private:
    TrainingSession(RunSettings settings, const Progress& progress, std::optional<Tokenizer> tokenizer);
    nn::Batch nextBatch(nn::Index sequences, std::mt19937_64& random) const;

    RunSettings settings_;
    std::optional<Tokenizer> tokenizer_;
    data::SpecialTokens specials_;
    nn::Index textVocabulary_ = 0;
    std::vector<std::int32_t> stream_;
    std::vector<std::int32_t> heldOut_;
    std::vector<nn::Batch> heldOutBatches_;
    std::vector<data::ProbeItem> probeItems_;
    std::unique_ptr<nn::Transformer<float>> model_;
    std::unique_ptr<Trainer<float>> trainer_;
    std::mt19937_64 random_;  // the data's position: which windows come next
    std::uint64_t corpusHash_ = 0;
};

// The tiny preset of `architecture` on the built-in toy world for `steps` steps: AdamW, a cosine
// schedule peaking at `peak` after 30 warmup steps (the runs the lessons start for you).
RunSettings toyWorldRun(nn::Architecture architecture, std::size_t steps, double peak);

// Paths of a checkpoint's companions: "run.safetensors" -> "run.json", "run.optimizer.safetensors".
std::string checkpointJsonPath(const std::string& weightsPath);
std::string checkpointOptimizerPath(const std::string& weightsPath);

}  // namespace pretrainlab::train
