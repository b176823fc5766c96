#include "core/finetune/finetuner.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/data/toyworld.hpp"
#include "core/train/weights_file.hpp"

namespace pretrainlab::finetune {

using nn::Architecture;
using nn::Index;

namespace {

constexpr std::size_t evaluationChunk = 32;

std::vector<double> softmax(const std::vector<double>& scores) {
    const double top = *std::max_element(scores.begin(), scores.end());
    std::vector<double> p(scores.size());
    double sum = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) sum += p[i] = std::exp(scores[i] - top);
    for (double& value : p) value /= sum;
    return p;
}

std::vector<double> rowOf(const nn::Matrix<float>& m, Index row) {
    std::vector<double> out(static_cast<std::size_t>(m.cols()));
    for (Index c = 0; c < m.cols(); ++c) out[std::size_t(c)] = m(row, c);
    return out;
}

// The parameter groups a mode freezes, and how far down backward goes.
void freeze(Mode mode, std::size_t blocks, const nn::ModelConfig& config, train::TrainerOptions& options) {
    const bool encdec = config.architecture == Architecture::EncoderDecoder;
    if (mode == Mode::Probe) {
        options.frozenGroups = {"embeddings", "blocks", "encoder", "decoder", "final_norm", "head"};
        options.backward.stacks = false;
    } else if (mode == Mode::Freeze) {
        if (blocks > static_cast<std::size_t>(config.layers)) {
            throw std::invalid_argument("the model has " + std::to_string(config.layers) + " blocks; " +
                                        std::to_string(blocks) + " cannot be frozen");
        }
        options.frozenGroups = {"embeddings"};
        for (std::size_t i = 0; i < blocks; ++i) options.frozenGroups.push_back((encdec ? "encoder.blocks." : "blocks.") + std::to_string(i));
        if (!encdec) options.backward.firstBlock = static_cast<Index>(blocks);
    }
}

// Throws when the tokenizer reads more than a twentieth of the task's text as its unknown token:
// the model was pretrained on other text and has no words for this task's.
void requireVocabulary(const Task& task, const Tokenizer& tokenizer) {
    const std::optional<std::string>& unknown = tokenizer.config().unknownToken;
    if (!unknown) return;
    const std::optional<TokenId> unknownId = tokenizer.vocabulary().find(*unknown);
    if (!unknownId) return;
    std::size_t tokens = 0, unknowns = 0;
    std::string example;
    for (const Example& e : task.heldOut) {
        for (const std::string* text : {&e.text, &e.second}) {
            for (const TokenId id : tokenizer.encode(*text)) {
                ++tokens;
                if (id == *unknownId) {
                    ++unknowns;
                    if (example.empty()) example = *text;
                }
            }
        }
    }
    if (unknowns * 20 > tokens) {
        throw std::invalid_argument("the model's tokenizer reads " + std::to_string(unknowns * 100 / tokens) + "% of the " +
                                    task.name + " task's tokens as " + *unknown + " (as in \"" + example +
                                    "\"): it was trained on other text than the toy world's");
    }
}

}  // namespace

void transferWeights(const nn::Transformer<float>& from, nn::Transformer<float>& to) {
    const nn::Parameters<float>& source = from.parameters();
    nn::Parameters<float>& target = to.parameters();
    for (const nn::ParameterInfo& info : target.infos()) {
        const nn::ParameterInfo* have = source.find(info.name);
        if (!have) continue;  // a new head keeps its fresh weights
        if (have->cols != info.cols || have->rows > info.rows) {
            throw std::invalid_argument("the pretrained " + info.name + " is [" + std::to_string(have->rows) + ", " +
                                        std::to_string(have->cols) + "]; the finetuned model's is [" +
                                        std::to_string(info.rows) + ", " + std::to_string(info.cols) + "]");
        }
        // Row-major: the first rows are the pretrained ones; rows for new tokens stay as initialised.
        std::copy_n(source.values().data() + have->offset, have->size(), target.values().data() + info.offset);
    }
}

std::shared_ptr<const train::ModelBundle> untrainedToyModel(nn::ModelConfig config, std::uint64_t seed,
                                                            std::string description) {
    Tokenizer tokenizer = data::ToyWorld::tokenizer();
    nn::Index vocabulary = static_cast<nn::Index>(tokenizer.vocabulary().size());
    const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, config.architecture);
    config.vocabulary = vocabulary;
    return std::make_shared<const train::ModelBundle>(train::ModelBundle{
        std::make_shared<const nn::Transformer<float>>(config, seed), std::move(tokenizer), specials, std::move(description)});
}

std::shared_ptr<const train::ModelBundle> untrainedToyModel(Architecture architecture, std::uint64_t seed) {
    nn::ModelConfig config;
    config.architecture = architecture;
    return untrainedToyModel(config, seed, "untrained tiny " + std::string(nn::architectureName(architecture)));
}

Finetuner::Finetuner(const Task& task, std::shared_ptr<const train::ModelBundle> base, FinetuneSettings settings,
                     bool pretrained)
    : task_(task), settings_(std::move(settings)), base_(std::move(base)), pretrained_(pretrained), random_(settings_.seed) {
    if (const std::string problem = settings_.problem(); !problem.empty()) throw std::invalid_argument(problem);
    labelled_ = labelledSet(task_, settings_.labels, settings_.seed);
    requireVocabulary(task_, base_->tokenizer);
    nn::ModelConfig config = base_->model->config();
    const Architecture architecture = config.architecture;
    const TaskTokens tokens =
        taskTokens(architecture, config.vocabulary, base_->specials, settings_.mode == Mode::Probe);
    config.vocabulary = tokens.vocabulary;
    config.nextSentenceHead = false;
    config.dropout = 0;
    config.classes = 0;
    config.tags = 0;
    // A frozen body's [CLS] or last token was never trained to sum a text up: a probe reads the mean.
    config.meanPooling = settings_.mode == Mode::Probe;
    if (task_.form == TaskForm::Tagging) {
        config.tags = static_cast<Index>(task_.labels.size());
    } else if (architecture != Architecture::EncoderDecoder) {
        config.classes = static_cast<Index>(task_.classes());
    }
    if (architecture == Architecture::EncoderDecoder && settings_.mode == Mode::Probe) {
        throw std::invalid_argument("a T5-style model answers through its tied output layer: a linear probe has no head "
                                    "of its own to train");
    }
    batcher_ = std::make_unique<TaskBatcher>(task_, base_->tokenizer, tokens, architecture, config.context);
    const Index needed = std::max(batcher_->longest(labelled_), batcher_->longest(task_.heldOut));
    if (needed > config.context) {
        throw std::invalid_argument("the " + task_.name + " task's examples take up to " + std::to_string(needed) +
                                    " tokens with this model's tokenizer; the model reads at most " +
                                    std::to_string(config.context));
    }
    model_ = std::make_unique<nn::Transformer<float>>(config, settings_.seed * 7919 + 17);
    if (pretrained) transferWeights(*base_->model, *model_);

    train::TrainerOptions options;
    options.optimizer.kind = optim::OptimizerKind::AdamW;
    options.optimizer.weightDecay = 0.01;
    options.schedule = {optim::ScheduleKind::Linear, settings_.learningRate, settings_.steps / 10, settings_.steps};
    options.clipNorm = 1.0;
    options.threads = settings_.threads;
    options.seed = settings_.seed;
    const bool auxiliary = architecture == Architecture::Decoder && task_.form != TaskForm::Tagging && settings_.auxLm > 0;
    options.tokenLossWeight = auxiliary ? settings_.auxLm : 1.0;
    freeze(settings_.mode, settings_.frozenBlocks, config, options);
    trainer_ = std::make_unique<train::Trainer<float>>(*model_, options);

    order_.resize(labelled_.size());
    std::iota(order_.begin(), order_.end(), std::size_t(0));
}

void Finetuner::restoreWeights(const train::SafetensorsFile& weights) { train::copyWeights(weights, model_->parameters()); }

std::vector<const Example*> Finetuner::nextExamples() {
    std::vector<const Example*> examples;
    while (examples.size() < settings_.batch) {
        if (position_ == 0) std::shuffle(order_.begin(), order_.end(), random_);  // a new epoch
        examples.push_back(&labelled_[order_[position_]]);
        position_ = (position_ + 1) % order_.size();
    }
    return examples;
}

nn::Batch Finetuner::batchOf(const std::vector<const Example*>& examples, bool withLm) const {
    return batcher_->batch(examples, withLm);
}

train::StepOutcome Finetuner::step() {
    const bool auxiliary = model_->config().architecture == Architecture::Decoder && task_.form != TaskForm::Tagging &&
                           settings_.auxLm > 0;
    lastExamples_ = nextExamples();
    return trainer_->step(batchOf(lastExamples_, auxiliary));
}

std::vector<std::vector<double>> Finetuner::probabilities(const std::vector<Example>& examples,
                                                          std::vector<int>* rights) const {
    std::vector<std::vector<double>> out;
    const Architecture architecture = model_->config().architecture;
    typename nn::Transformer<float>::Workspace workspace;
    for (std::size_t start = 0; start < examples.size(); start += evaluationChunk) {
        std::vector<const Example*> chunk;
        for (std::size_t i = start; i < std::min(examples.size(), start + evaluationChunk); ++i) chunk.push_back(&examples[i]);
        const nn::Batch batch = batchOf(chunk, false);
        model_->run(batch, workspace, nullptr, 1.0, 1.0);
        if (task_.form == TaskForm::Tagging) {
            const nn::Matrix<float>& logits = model_->logits(workspace);  // one row per tagged word, in order
            Index row = 0;
            for (const std::int32_t target : batch.targets) {
                if (target < 0) continue;
                out.push_back(softmax(rowOf(logits, row++)));
                if (rights) rights->push_back(target);
            }
            continue;
        }
        if (architecture == Architecture::EncoderDecoder) {
            // The answer generated as a word: each class's probability is its word's.
            const nn::Matrix<float>& logits = model_->logits(workspace);
            for (std::size_t i = 0; i < chunk.size(); ++i) {
                const std::vector<double> p = softmax(rowOf(logits, Index(i)));
                const std::size_t classes = task_.form == TaskForm::MultipleChoice ? chunk[i]->choices.size() : task_.labels.size();
                std::vector<double> perClass(classes);
                for (std::size_t c = 0; c < classes; ++c) perClass[c] = p[std::size_t(batcher_->answerToken(*chunk[i], c))];
                // A greedy answer that is no class's word counts as wrong: its probability is left out.
                const std::size_t top = std::size_t(std::max_element(p.begin(), p.end()) - p.begin());
                bool answered = false;
                for (std::size_t c = 0; c < classes; ++c) answered = answered || std::size_t(batcher_->answerToken(*chunk[i], c)) == top;
                if (!answered) perClass.push_back(p[top]);
                out.push_back(perClass);
                if (rights) rights->push_back(chunk[i]->label);
            }
            continue;
        }
        const nn::Matrix<float>& logits = model_->sequenceLogits(workspace);
        if (task_.form == TaskForm::MultipleChoice) {
            Index row = 0;
            for (const Example* example : chunk) {
                std::vector<double> scores;
                for (std::size_t c = 0; c < example->choices.size(); ++c) scores.push_back(logits(row++, 0));
                out.push_back(softmax(scores));
                if (rights) rights->push_back(example->label);
            }
            continue;
        }
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            out.push_back(softmax(rowOf(logits, Index(i))));
            if (rights) rights->push_back(chunk[i]->label);
        }
    }
    return out;
}

Evaluation Finetuner::evaluate() const {
    std::vector<int> rights;
    const std::vector<std::vector<double>> all = probabilities(task_.heldOut, &rights);
    const std::size_t classes = task_.form == TaskForm::MultipleChoice ? 4 : task_.labels.size();
    Evaluation evaluation;
    evaluation.confusion.assign(classes, std::vector<std::size_t>(classes, 0));
    std::size_t correct = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const std::vector<double>& p = all[i];
        Answer answer;
        answer.right = rights[i];
        answer.predicted = int(std::max_element(p.begin(), p.end()) - p.begin());
        answer.probability = p[std::size_t(answer.predicted)];
        answer.rightProbability = p[std::size_t(answer.right)];
        if (answer.predicted >= int(classes)) answer.predicted = -1;  // a T5 answer that is no class
        if (answer.predicted >= 0 && std::size_t(answer.right) < classes) ++evaluation.confusion[std::size_t(answer.right)][std::size_t(answer.predicted)];
        correct += answer.correct() ? 1 : 0;
        evaluation.answers.push_back(answer);
    }
    evaluation.accuracy = all.empty() ? 0.0 : double(correct) / double(all.size());
    return evaluation;
}

std::vector<double> Finetuner::classify(const std::string& text, const std::string& second) const {
    if (task_.form != TaskForm::Single && task_.form != TaskForm::Pair) {
        throw std::invalid_argument("typed text is classified for single-sentence and pair tasks");
    }
    const std::vector<Example> one{Example{text, second, {}, 0, {}}};
    return probabilities(one, nullptr).front();
}

Eigen::MatrixXf Finetuner::features(const std::vector<Example>& examples) const {
    if (task_.form != TaskForm::Single && task_.form != TaskForm::Pair) {
        throw std::invalid_argument("features are drawn for single-sentence and pair tasks");
    }
    if (model_->config().architecture == Architecture::EncoderDecoder) {
        throw std::invalid_argument("a T5-style model has no [CLS] or extract state to draw");
    }
    Eigen::MatrixXf out(static_cast<Eigen::Index>(examples.size()), model_->config().width);
    typename nn::Transformer<float>::Workspace workspace;
    for (std::size_t start = 0; start < examples.size(); start += evaluationChunk) {
        std::vector<const Example*> chunk;
        for (std::size_t i = start; i < std::min(examples.size(), start + evaluationChunk); ++i) chunk.push_back(&examples[i]);
        model_->run(batchOf(chunk, false), workspace, nullptr, 1.0, 1.0);
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            out.row(Eigen::Index(start + i)) = workspace.sequenceHidden.row(Index(i));
        }
    }
    return out;
}

}  // namespace pretrainlab::finetune
