#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/common/thread_pool.hpp"
#include "core/nn/transformer.hpp"
#include "core/optim/memory.hpp"
#include "core/optim/optimizer.hpp"
#include "core/optim/precision.hpp"
#include "core/optim/schedule.hpp"

namespace pretrainlab::train {

struct TrainerOptions {
    optim::OptimizerOptions optimizer;
    optim::Schedule schedule;
    double clipNorm = 0.0;   // global gradient-norm clipping; 0: off
    unsigned threads = 1;    // the batch's sequences are split into this many shards
    std::uint64_t seed = 0;  // dropout
    std::vector<std::string> frozenGroups;  // parameter groups the optimizer leaves alone
    nn::BackwardScope backward;             // how far down backward goes (a frozen body: not at all)
    // GPT's finetuning objective L = L_task + λ L_LM: λ weighs the token loss (next token) against
    // the sequence loss (the task's classes). 1 for pretraining.
    double tokenLossWeight = 1.0;
    // Mixed precision, emulated: the forward and backward pass use the weights rounded to this
    // format and their gradients are rounded to it too (what underflows becomes 0, what overflows
    // infinity); an fp32 master copy of the weights takes the update. Activations stay fp32.
    optim::NumberFormat precision = optim::NumberFormat::Fp32;
    double lossScale = 1.0;         // the loss is multiplied by it before backward, the gradients divided after
    bool dynamicLossScale = false;  // halve it and skip the step on an overflow; double it after a run of good steps
    std::size_t lossScaleGrowth = 200;  // good steps before the scale doubles
};

// What one optimizer step did.
struct StepMetrics {
    std::size_t step = 0;
    double loss = 0;          // λ · token loss + sequence loss (means; λ = 1 but when finetuning with an aux LM)
    double tokenLoss = 0;
    double sequenceLoss = 0;
    double learningRate = 0;
    double gradientNorm = 0;  // before clipping
    bool clipped = false;
    nn::Index tokens = 0;          // input tokens seen
    nn::Index tokensWithLoss = 0;  // the lecture's 15% (MLM) against all (next token)
    double seconds = 0;
    double tokensPerSecond = 0;
    // Mixed precision: the loss scale this step used, whether its gradients overflowed (the step
    // was skipped) and the share of gradient entries that underflowed to zero in the format.
    double lossScale = 1.0;
    bool skipped = false;
    double underflowShare = 0;
};

// A step that would have made the weights non-finite: it was not taken.
struct Divergence {
    std::size_t step = 0;
    std::string quantity;  // "loss" or "gradient norm"
    double value = 0;
    std::string message() const;
};

using StepOutcome = std::variant<StepMetrics, Divergence>;

// The training loop's step: forward and backward over micro-batches (gradient accumulation), each
// split into shards that run at once, one per thread; then clipping, the schedule, the optimizer.
template <typename S>
class Trainer {
public:
    Trainer(nn::Transformer<S>& model, TrainerOptions options);

    // One optimizer step over the micro-batches; their gradients add up to those of the one big
    // batch they make (each token's loss weighted by 1 / all tokens with loss).
    StepOutcome step(const std::vector<nn::Batch>& microBatches);
    StepOutcome step(const nn::Batch& batch) { return step(std::vector<nn::Batch>{batch}); }

    std::size_t stepsDone() const { return steps_; }
    nn::Transformer<S>& model() { return model_; }
    const optim::Optimizer<S>& optimizer() const { return optimizer_; }
    optim::Optimizer<S>& optimizer() { return optimizer_; }
    const TrainerOptions& options() const { return options_; }
    void setStepsDone(std::size_t steps) { steps_ = steps; }
    // The learning rate from the next step on (a run continued to another length).
    void setSchedule(const optim::Schedule& schedule) { options_.schedule = schedule; }
    // How many shards (threads) the next steps use.
    void setThreads(unsigned threads);
    // Runs task(0) … task(n − 1) together on the training threads (n at most options().threads),
    // for work between two steps on the thread that steps (the held-out loss, the probes).
    void onThreads(unsigned n, const std::function<void(unsigned)>& task) const { pool_->run(n, task); }
    // Parameters, gradients and optimizer state, in bytes.
    optim::TrainingMemory memory() const;
    // Activations the last step kept for backward, summed over its shards, in bytes.
    std::size_t activationBytes() const;
    const nn::FlatArray<S>& gradients() const { return gradients_; }
    // Mixed precision: the current loss scale and how many steps were skipped for overflows.
    const optim::LossScaler& lossScaler() const { return scaler_; }
    optim::LossScaler& lossScaler() { return scaler_; }
    // Mixed precision: the fp32 weights the optimizer updates (empty before the first step; the
    // model holds them rounded to the format). A checkpoint saves these.
    const nn::FlatArray<S>& masterWeights() const { return master_; }

private:
    // Mixed precision: the model's weights become the master copy rounded to the format.
    void roundWeightsFromMaster();
    // Rounds the (scaled) gradients to the format; returns the share that underflowed to 0 and
    // whether any overflowed.
    std::pair<double, bool> roundGradients();

    nn::Transformer<S>& model_;
    TrainerOptions options_;
    optim::Optimizer<S> optimizer_;
    nn::FlatArray<S> gradients_;
    std::vector<nn::FlatArray<S>> shardGradients_;  // shards 1..n-1 (shard 0 adds into gradients_)
    std::vector<typename nn::Transformer<S>::Workspace> workspaces_;
    std::unique_ptr<ThreadPool> pool_;
    std::size_t steps_ = 0;
    nn::FlatArray<S> master_;  // mixed precision: the fp32 weights the optimizer updates
    optim::LossScaler scaler_;
};

// Bytes held by a workspace's matrices.
template <typename S>
std::size_t workspaceBytes(const typename nn::Transformer<S>::Workspace& workspace);

extern template class Trainer<float>;
extern template class Trainer<double>;

}  // namespace pretrainlab::train
