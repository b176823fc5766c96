#pragma once

#include <cstddef>

#include "core/optim/optimizer.hpp"

namespace pretrainlab::optim {

// What training holds besides activations (the lecture: "What is the memory cost of SGD vs Adam?").
struct TrainingMemory {
    std::size_t parameters = 0;
    std::size_t gradients = 0;       // as many as the parameters that train (all, but for a frozen body)
    std::size_t optimizerState = 0;  // SGD none, momentum one copy, Adam two (m and v)
    std::size_t total() const { return parameters + gradients + optimizerState; }
};

// Copies of the parameters the optimizer keeps: SGD 0, momentum 1, Adam and AdamW 2.
int optimizerStateCopies(OptimizerKind kind);

// For any number of parameters, `bytesPerValue` bytes each (4 for float32).
TrainingMemory trainingMemory(std::size_t parameterCount, OptimizerKind kind, std::size_t bytesPerValue = 4);
// With only `trainableCount` of them training (a linear probe: the head's): gradients and optimizer
// state for those alone.
TrainingMemory trainingMemory(std::size_t parameterCount, std::size_t trainableCount, OptimizerKind kind,
                              std::size_t bytesPerValue = 4);

}  // namespace pretrainlab::optim
