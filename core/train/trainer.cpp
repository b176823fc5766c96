#include "core/train/trainer.hpp"

#include <limits>

#include <cmath>
#include <sstream>

#include "core/nn/tensor.hpp"

namespace pretrainlab::train {

std::string Divergence::message() const {
    std::ostringstream text;
    text << "Step " << step << ": the " << quantity << " is ";
    if (std::isnan(value)) {
        text << "not a number";
    } else if (std::isinf(value)) {
        text << "infinite";
    } else {
        text << value;
    }
    text << "; the step was not taken. Try a smaller learning rate, warmup, or gradient clipping.";
    return text.str();
}

template <typename S>
Trainer<S>::Trainer(nn::Transformer<S>& model, TrainerOptions options)
    : model_(model),
      options_(std::move(options)),
      optimizer_(options_.optimizer, model.parameters().size()),
      gradients_(model.parameters().size(), S(0)),
      scaler_(options_.lossScale, options_.lossScaleGrowth, options_.dynamicLossScale) {
    setThreads(options_.threads);
    std::vector<std::pair<std::size_t, std::size_t>> frozen;
    for (const std::string& group : options_.frozenGroups) {
        const auto ranges = model.parameters().rangesOf(group);
        frozen.insert(frozen.end(), ranges.begin(), ranges.end());
    }
    optimizer_.setFrozen(std::move(frozen));
    // Each shard runs one product at a time on its own thread.
    nn::setBlasThreads(1);
}

template <typename S>
void Trainer<S>::roundWeightsFromMaster() {
    nn::FlatArray<S>& weights = model_.parameters().values();
    if (master_.empty()) master_ = weights;
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = S(optim::roundTo(options_.precision, float(master_[i])));
}

template <typename S>
std::pair<double, bool> Trainer<S>::roundGradients() {
    std::size_t underflowed = 0;
    bool overflowed = false;
    for (S& g : gradients_) {
        const S rounded = S(optim::roundTo(options_.precision, float(g)));
        underflowed += (g != S(0) && rounded == S(0)) ? 1 : 0;
        overflowed = overflowed || !std::isfinite(double(rounded));
        g = rounded;
    }
    return {gradients_.empty() ? 0.0 : double(underflowed) / double(gradients_.size()), overflowed};
}

template <typename S>
void Trainer<S>::setThreads(unsigned threads) {
    options_.threads = std::max(1u, threads);
    pool_ = std::make_unique<ThreadPool>(options_.threads);
    workspaces_.resize(options_.threads);
    shardGradients_.resize(options_.threads - 1);
}

template <typename S>
StepOutcome Trainer<S>::step(const std::vector<nn::Batch>& microBatches) {
    const auto started = std::chrono::steady_clock::now();
    const std::size_t stepNumber = steps_ + 1;
    // The mean over the whole batch: every token (and sequence) weighted by 1 / all of them.
    nn::Index tokensWithLoss = 0;
    nn::Index sequencesWithLoss = 0;
    nn::Index tokens = 0;
    for (const nn::Batch& micro : microBatches) {
        tokensWithLoss += micro.tokensWithLoss();
        if (!micro.sequenceLabels.empty()) sequencesWithLoss += micro.sequenceUnits();
        tokens += micro.sequences * (micro.length + micro.targetLength);
    }
    const bool mixed = options_.precision != optim::NumberFormat::Fp32;
    // Mixed precision: the forward and backward pass see the rounded weights and a scaled loss.
    const double lossScale = mixed ? scaler_.scale() : 1.0;
    if (mixed) roundWeightsFromMaster();
    const double tokenScale = tokensWithLoss > 0 ? lossScale * options_.tokenLossWeight / double(tokensWithLoss) : 0.0;
    const double sequenceScale = sequencesWithLoss > 0 ? lossScale / double(sequencesWithLoss) : 0.0;

    std::fill(gradients_.begin(), gradients_.end(), S(0));  // zero_grad()
    nn::Losses losses;
    for (std::size_t microIndex = 0; microIndex < microBatches.size(); ++microIndex) {
        const nn::Batch& micro = microBatches[microIndex];
        // Shards of whole sequences (whole questions, for multiple choice).
        const nn::Index unit = std::max<nn::Index>(1, micro.choices);
        const nn::Index units = micro.sequences / unit;
        const unsigned shards = static_cast<unsigned>(std::max<nn::Index>(1, std::min<nn::Index>(options_.threads, units)));
        std::vector<nn::Batch> parts(shards);
        std::vector<nn::Losses> partLosses(shards);
        for (unsigned s = 0; s < shards; ++s) {
            const nn::Index first = unit * (units * s / shards);
            const nn::Index last = unit * (units * (s + 1) / shards);
            parts[s] = shards == 1 ? micro : micro.slice(first, last - first);
        }
        pool_->run(shards, [&](unsigned s) {
            nn::FlatArray<S>& target = s == 0 ? gradients_ : shardGradients_[s - 1];
            if (s > 0) {
                target.resize(gradients_.size());
                std::fill(target.begin(), target.end(), S(0));
            }
            workspaces_[s].random.seed(options_.seed * 1000003u + stepNumber * 131u + microIndex * 17u + s);
            partLosses[s] = model_.run(parts[s], workspaces_[s], &target, tokenScale, sequenceScale, options_.backward);
        });
        // Shards add up in a fixed order, so a run is the same every time; the sum itself is
        // split by position across the threads.
        if (shards > 1) {
            const std::size_t size = gradients_.size();
            pool_->run(shards, [&](unsigned part) {
                const std::size_t begin = size * part / shards;
                const auto n = static_cast<nn::Index>(size * (part + 1) / shards - begin);
                nn::RowVectorMap<S> total(gradients_.data() + begin, n);
                for (unsigned s = 1; s < shards; ++s) total += nn::ConstRowVectorMap<S>(shardGradients_[s - 1].data() + begin, n);
            });
        }
        for (const nn::Losses& part : partLosses) losses += part;
    }

    StepMetrics metrics;
    metrics.step = stepNumber;
    metrics.tokenLoss = losses.tokenMean();
    metrics.sequenceLoss = losses.sequenceMean();
    metrics.loss = options_.tokenLossWeight * metrics.tokenLoss + metrics.sequenceLoss;
    metrics.tokens = tokens;
    metrics.tokensWithLoss = tokensWithLoss;
    if (!std::isfinite(metrics.loss)) return Divergence{stepNumber, "loss", metrics.loss};
    if (mixed) {
        metrics.lossScale = lossScale;
        const auto [underflow, overflowed] = roundGradients();
        metrics.underflowShare = underflow;
        if (overflowed && !scaler_.dynamic()) {
            // A fixed scale cannot step out of the way: an overflow is the run leaving the format's
            // range (in bf16, fp32's range), and the run stops here as a diverging one does.
            return Divergence{stepNumber, std::string("gradient (overflows ") + std::string(optim::formatName(options_.precision)) +
                                              " at loss scale " + std::to_string(lossScale) + ")",
                              std::numeric_limits<double>::infinity()};
        }
        if (!scaler_.update(overflowed)) {
            // An overflow in the format: the step is skipped, the (dynamic) scale halves.
            metrics.skipped = true;
            steps_ = stepNumber;
            metrics.learningRate = options_.schedule.at(stepNumber);
            metrics.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            return metrics;
        }
        const S unscale = S(1.0 / lossScale);  // back to the true gradient, in fp32
        for (S& g : gradients_) g *= unscale;
    }
    metrics.gradientNorm = optim::clipGradientNorm(gradients_, options_.clipNorm);
    if (!std::isfinite(metrics.gradientNorm)) return Divergence{stepNumber, "gradient norm", metrics.gradientNorm};
    metrics.clipped = options_.clipNorm > 0 && metrics.gradientNorm > options_.clipNorm;
    metrics.learningRate = options_.schedule.at(stepNumber);
    // The update splits across the threads too; each element's arithmetic is the same.
    optimizer_.beginStep();
    const std::size_t size = gradients_.size();
    const unsigned parts = options_.threads;
    nn::FlatArray<S>& updated = mixed ? master_ : model_.parameters().values();
    pool_->run(parts, [&](unsigned part) {
        optimizer_.update(updated, gradients_, metrics.learningRate, size * part / parts, size * (part + 1) / parts);
    });
    if (mixed) roundWeightsFromMaster();
    steps_ = stepNumber;
    metrics.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics.tokensPerSecond = metrics.seconds > 0 ? double(tokens) / metrics.seconds : 0.0;
    return metrics;
}

template <typename S>
optim::TrainingMemory Trainer<S>::memory() const {
    optim::TrainingMemory memory =
        optim::trainingMemory(model_.parameters().size(), optimizer_.trainableCount(), options_.optimizer.kind, sizeof(S));
    memory.masterWeights = master_.size() * sizeof(S);  // the engine keeps both copies in fp32 while emulating
    return memory;
}

template <typename S>
std::size_t workspaceBytes(const typename nn::Transformer<S>::Workspace& ws) {
    std::size_t bytes = 0;
    const auto add = [&bytes](const nn::Matrix<S>& m) { bytes += static_cast<std::size_t>(m.size()) * sizeof(S); };
    for (const nn::Matrix<S>* m : {&ws.encoderStates, &ws.decoderStates, &ws.encoderEmbedded, &ws.decoderEmbedded,
                                   &ws.encoderOutput, &ws.decoderOutput, &ws.targetStates, &ws.gathered, &ws.transformHidden,
                                   &ws.transformActivated, &ws.transformed, &ws.logits, &ws.sequenceHidden,
                                   &ws.sequenceLogits}) {
        add(*m);
    }
    for (const auto* blocks : {&ws.encoderBlocks, &ws.decoderBlocks}) {
        for (const auto& block : *blocks) {
            for (const nn::Matrix<S>* m : {&block.input, &block.normed1, &block.normedCross, &block.normed2,
                                           &block.attended, &block.crossed, &block.mlpOut, &block.afterAttention,
                                           &block.afterCross, &block.hidden, &block.activated, &block.slope,
                                           &block.attention.projected, &block.attention.memoryProjected,
                                           &block.attention.queryInput, &block.attention.probabilities,
                                           &block.attention.context, &block.crossAttention.projected,
                                           &block.crossAttention.memoryProjected, &block.crossAttention.probabilities,
                                           &block.crossAttention.context, &block.norm1.normalized,
                                           &block.crossNorm.normalized, &block.norm2.normalized}) {
                add(*m);
            }
        }
    }
    return bytes;
}

template <typename S>
std::size_t Trainer<S>::activationBytes() const {
    std::size_t bytes = 0;
    for (const auto& workspace : workspaces_) bytes += workspaceBytes<S>(workspace);
    return bytes;
}

template class Trainer<float>;
template class Trainer<double>;
template std::size_t workspaceBytes<float>(const nn::Transformer<float>::Workspace&);
template std::size_t workspaceBytes<double>(const nn::Transformer<double>::Workspace&);

}  // namespace pretrainlab::train
