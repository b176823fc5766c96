#pragma once

// What a run will hold in memory, estimated from its settings before anything is allocated, so a
// configuration larger than the machine is refused with the numbers instead of ending in bad_alloc
// or the kernel's OOM killer. `pretrainlab-cli train`, checkpoints and the Training lab use it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/nn/transformer.hpp"
#include "core/train/run_settings.hpp"

namespace pretrainlab::train {

using nn::parameterCount;

struct RunMemory {
    std::size_t parameters = 0;   // the count
    double modelStates = 0;       // bytes: weights, gradients (one copy per thread), optimizer state, master copy
    double activations = 0;       // bytes kept for backward for one micro-batch, and the logits
    double batches = 0;           // bytes of the token arrays: the training batch and the held-out ones
    double total() const { return modelStates + activations + batches; }
};

// `vocabulary`: the model's (a tokenizer's size with its special tokens; the settings' for random
// tokens; 0 when not known yet). Saturates rather than overflowing for sizes no machine holds.
RunMemory estimateRunMemory(const RunSettings& settings, nn::Index vocabulary);

// Empty when the run fits in `availableBytes`; otherwise one sentence with the estimate, what is
// available and the settings to change ("the context", "the batch", "the width d", ...).
std::string memoryProblem(const RunSettings& settings, nn::Index vocabulary, std::uint64_t availableBytes);
// The same against this machine's available memory (core/common/memory); empty when that is unknown.
std::string memoryProblem(const RunSettings& settings, nn::Index vocabulary);

// A model alone, to look inside or finetune (its float32 parameters): empty when it fits.
std::string modelMemoryProblem(const nn::ModelConfig& config, std::optional<std::uint64_t> availableBytes);

}  // namespace pretrainlab::train
