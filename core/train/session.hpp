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
#include "core/train/run_settings.hpp"
#include "core/train/trainer.hpp"

namespace pretrainlab::train {

class TrainingSession {
public:
    // Builds the data (generating, reading and tokenizing text: `progress` may stop it), the model
    // and the trainer. Throws LocatedError for bad files, std::invalid_argument for bad settings.
    explicit TrainingSession(RunSettings settings, const Progress& progress = {});
    // With a tokenizer made in memory (the Tokenization lesson's): it reads the corpus in place of
    // settings.tokenizer.
    TrainingSession(RunSettings settings, std::optional<Tokenizer> tokenizer, const Progress& progress = {});

    // One optimizer step on the next batch.
    StepOutcome step();
    std::size_t stepsDone() const { return trainer_->stepsDone(); }
    bool finished() const { return stepsDone() >= settings_.steps; }
    // Gives the run `steps` steps in all, from where it is (a finished run continues): the
    // schedule is planned again over the new length, so a decaying rate rises where the old plan
    // had brought it down; a constant one goes on as if planned so from the start.
    // std::invalid_argument when `steps` is fewer than the steps done.
    void extendTo(std::size_t steps);

    // Mean token loss on a fixed set of held-out batches (none for random tokens).
    std::optional<double> heldOutLoss();
    bool hasText() const { return tokenizer_.has_value(); }
    // The built-in world's probes (plus the lecture's five first), or none for other data.
    const std::vector<data::ProbeItem>& probeItems() const { return probeItems_; }
    ProbeReport probes(std::size_t top = 5) const;
    ProbeReport probe(const std::vector<data::ProbeItem>& items, std::size_t top = 5) const;

    // Where the data stream is: which windows come next (saved with a checkpoint), and a
    // fingerprint of a text file's content (0 for generated data) to notice it changed.
    std::string dataPosition() const;
    void restoreDataPosition(const std::string& state, const std::string& source);
    std::uint64_t corpusFingerprint() const { return corpusHash_; }

    // A fresh batch of `sequences` drawn as training draws them, from its own seed (the run's
    // position does not move): for comparing gradients on the same data.
    nn::Batch sampleBatch(nn::Index sequences, std::uint64_t seed) const;
    // How often each model id occurs in the training text (empty for random tokens).
    std::vector<std::size_t> tokenCounts() const;

    const RunSettings& settings() const { return settings_; }
    nn::Transformer<float>& model() { return *model_; }
    const nn::Transformer<float>& model() const { return *model_; }
    Trainer<float>& trainer() { return *trainer_; }
    const Trainer<float>& trainer() const { return *trainer_; }
    const Tokenizer* tokenizer() const { return tokenizer_ ? &*tokenizer_ : nullptr; }
    const data::SpecialTokens& specials() const { return specials_; }
    std::size_t trainingTokens() const { return stream_.size(); }

private:
    nn::Batch nextBatch(nn::Index sequences, std::mt19937_64& random) const;

    RunSettings settings_;
    std::optional<Tokenizer> tokenizer_;
    data::SpecialTokens specials_;
    nn::Index textVocabulary_ = 0;
    std::vector<std::int32_t> stream_;
    std::vector<std::int32_t> heldOut_;
    std::vector<nn::Batch> heldOutBatches_;
    std::vector<std::vector<std::int32_t>> sentences_;  // sentence pairs (NSP): the text's lines
    std::vector<std::vector<std::int32_t>> heldOutSentences_;
    std::vector<data::ProbeItem> probeItems_;
    std::unique_ptr<nn::Transformer<float>> model_;
    std::unique_ptr<Trainer<float>> trainer_;
    std::mt19937_64 random_;  // the data's position: which windows come next
    std::uint64_t corpusHash_ = 0;
};

}  // namespace pretrainlab::train
