#pragma once

// Finetuning as the lecture describes it: a new, randomly initialised head on a pretrained body,
// p(y|x) = softmax(W h_[CLS] + b) for an encoder (the extract token's state for a decoder, a tag
// for every token with p(y_i|x) = softmax(W h_i + b), one score per ending for multiple choice),
// trained with all parameters, as a linear probe on a frozen body, or with the lowest blocks
// frozen; a decoder can add GPT's auxiliary LM loss. The same architecture from random weights
// (no pretraining) runs the same data, in the same order, for the same steps.

#include <memory>
#include <optional>
#include <random>
#include <vector>

#include <Eigen/Dense>

#include "core/finetune/finetune_settings.hpp"
#include "core/finetune/task_batches.hpp"
#include "core/finetune/tasks.hpp"
#include "core/optim/memory.hpp"
#include "core/train/model_bundle.hpp"
#include "core/train/safetensors.hpp"
#include "core/train/trainer.hpp"

namespace pretrainlab::finetune {

// One held-out example as the model answered it.
struct Answer {
    int predicted = 0;
    int right = 0;
    double probability = 0;       // of the predicted class (ending, tag)
    double rightProbability = 0;  // of the right one
    bool correct() const { return predicted == right; }
};

struct Evaluation {
    double accuracy = 0;
    std::vector<Answer> answers;  // per held-out example (tagging: per tagged word)
    // [right][predicted] counts over the classes (the endings' positions for multiple choice).
    std::vector<std::vector<std::size_t>> confusion;
};

class Finetuner {
public:
    // Finetunes `base` (pretrained = true) or the same architecture from random weights with the
    // same tokenizer (pretrained = false). Throws std::invalid_argument when the model cannot take
    // the task (too short a context, tagging with T5, settings that do not fit).
    Finetuner(const Task& task, std::shared_ptr<const train::ModelBundle> base, FinetuneSettings settings,
              bool pretrained = true);

    train::StepOutcome step();
    std::size_t stepsDone() const { return trainer_->stepsDone(); }
    bool finished() const { return stepsDone() >= settings_.steps; }
    Evaluation evaluate() const;  // on the task's held-out set
    // The probability of each class for one text (and a pair's second sentence).
    std::vector<double> classify(const std::string& text, const std::string& second = {}) const;
    // What the classifier reads for each example: [CLS]'s (an encoder) or the extract token's (a
    // decoder) final state, one row each. Single and pair tasks only.
    Eigen::MatrixXf features(const std::vector<Example>& examples) const;

    const Task& task() const { return task_; }
    const FinetuneSettings& settings() const { return settings_; }
    bool pretrained() const { return pretrained_; }
    const train::ModelBundle& base() const { return *base_; }
    // Every weight from a saved finetuned model of this task and shape (LocatedError otherwise).
    void restoreWeights(const train::SafetensorsFile& weights);
    const nn::Transformer<float>& model() const { return *model_; }
    // Parameters, gradients and optimizer state: a probe's gradients and state are the head's only.
    optim::TrainingMemory memory() const { return trainer_->memory(); }
    std::size_t trainableParameters() const { return trainer_->optimizer().trainableCount(); }
    // The labelled examples it learns from (the same for a seed, pretrained or not).
    const std::vector<Example>& labelled() const { return labelled_; }
    // The examples the last step read, in order: a seed gives the same sequence pretrained or not.
    const std::vector<const Example*>& lastExamples() const { return lastExamples_; }

private:
    std::vector<const Example*> nextExamples();
    nn::Batch batchOf(const std::vector<const Example*>& examples, bool withLm) const;
    // Class probabilities for each example (tagging: each tagged word), in order.
    std::vector<std::vector<double>> probabilities(const std::vector<Example>& examples, std::vector<int>* rights) const;

    const Task& task_;
    FinetuneSettings settings_;
    std::shared_ptr<const train::ModelBundle> base_;
    bool pretrained_ = true;
    std::unique_ptr<nn::Transformer<float>> model_;
    std::unique_ptr<train::Trainer<float>> trainer_;
    std::unique_ptr<TaskBatcher> batcher_;
    std::vector<Example> labelled_;
    std::vector<std::size_t> order_;
    std::size_t position_ = 0;
    std::vector<const Example*> lastExamples_;
    std::mt19937_64 random_;
};

// Copies every parameter `from` has into `to` by name: the same shape whole; an embedding table
// that grew (new special tokens) keeps its new rows. Parameters only `to` has (a new head) keep
// their fresh weights. Throws std::invalid_argument for a name whose shapes do not fit.
void transferWeights(const nn::Transformer<float>& from, nn::Transformer<float>& to);

// A randomly initialised model with the toy world's tokenizer (its vocabulary and special tokens
// set in `config`): the tiny preset of `architecture` is what `finetune --scratch` starts from.
std::shared_ptr<const train::ModelBundle> untrainedToyModel(nn::ModelConfig config, std::uint64_t seed,
                                                            std::string description = "untrained toy-world model");
std::shared_ptr<const train::ModelBundle> untrainedToyModel(nn::Architecture architecture, std::uint64_t seed);

}  // namespace pretrainlab::finetune
