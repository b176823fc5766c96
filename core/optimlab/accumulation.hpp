#pragma once

// Gradient accumulation, checked on the real network: one batch of 32 sequences against the same
// sequences as micro-batches whose gradients add up; and the known pitfall of averaging the loss
// per micro-batch when micro-batches hold different numbers of target tokens.

#include <cstddef>
#include <cstdint>

#include "core/train/run_settings.hpp"

namespace pretrainlab::optimlab {

struct AccumulationCheck {
    std::size_t sequences = 0;      // the large batch
    std::size_t microBatches = 0;   // how many it is split into
    std::size_t parameters = 0;
    double gradientNorm = 0;        // of the large batch's gradient
    // Largest |difference| of any gradient entry from the large batch's, and relative to its largest entry.
    double accumulatedMaxDifference = 0;
    double accumulatedRelative = 0;
    // Each micro-batch's mean loss averaged over micro-batches (÷ its own token count, then ÷ k),
    // instead of ÷ the total token count.
    double naiveMaxDifference = 0;
    double naiveRelative = 0;
    std::size_t fewestTargets = 0, mostTargets = 0;  // target tokens per micro-batch (MLM: they vary)
    std::size_t largeActivationBytes = 0;  // kept for backward by one pass over the whole batch
    std::size_t microActivationBytes = 0;  // ... over one micro-batch
    double largeSeconds = 0;  // forward and backward of the whole batch at once
    double microSeconds = 0;  // ... as micro-batches, summed
};

// On the model `settings` builds (its data, its seed; threads 1, no dropout), the batch of
// `sequences` drawn from `seed`, split into `microBatches` (which must divide it).
AccumulationCheck checkAccumulation(train::RunSettings settings, std::size_t sequences, std::size_t microBatches,
                                    std::uint64_t seed = 7);

}  // namespace pretrainlab::optimlab
