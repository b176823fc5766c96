#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/optim/optimizer.hpp"

namespace pretrainlab::optim {

// What training holds besides activations (the lecture: "What is the memory cost of SGD vs Adam?").
struct TrainingMemory {
    std::size_t parameters = 0;
    std::size_t gradients = 0;       // as many as the parameters that train (all, but for a frozen body)
    std::size_t optimizerState = 0;  // SGD none, momentum one copy, Adam two (m and v)
    std::size_t masterWeights = 0;   // emulated mixed precision: the fp32 copy the optimizer updates
    std::size_t total() const { return parameters + gradients + optimizerState + masterWeights; }
};

// Copies of the parameters the optimizer keeps: SGD 0, momentum 1, Adam and AdamW 2.
int optimizerStateCopies(OptimizerKind kind);

// For any number of parameters, `bytesPerValue` bytes each (4 for float32).
TrainingMemory trainingMemory(std::size_t parameterCount, OptimizerKind kind, std::size_t bytesPerValue = 4);
// With only `trainableCount` of them training (a linear probe: the head's): gradients and optimizer
// state for those alone.
TrainingMemory trainingMemory(std::size_t parameterCount, std::size_t trainableCount, OptimizerKind kind,
                              std::size_t bytesPerValue = 4);

// ---- what a whole step holds, for models of any size ----

// The shape of a transformer, enough to count its parameters and its activations.
struct ModelShape {
    std::string name;        // "BERT-base"
    std::size_t parameters = 0;
    std::size_t layers = 0, width = 0, heads = 0, context = 0, vocabulary = 0;
    std::string source;      // where the figures come from
};
// BERT-base, BERT-large, GPT-2 (124M), GPT-2 XL (1.5B), GPT-3 (175B).
const std::vector<ModelShape>& modelPresets();
std::optional<ModelShape> modelPreset(const std::string& name);

enum class Precision {
    Fp32,   // everything in 4-byte floats
    Mixed,  // fp16 weights, gradients and activations; an fp32 master copy and fp32 optimizer state
};
std::string_view precisionName(Precision precision);  // "fp32", "mixed"
std::optional<Precision> parsePrecision(std::string_view name);

struct StepMemory {
    std::size_t parameters = 0;
    std::size_t weights = 0;         // the copy forward and backward use
    std::size_t masterWeights = 0;   // mixed precision: the fp32 copy the optimizer updates
    std::size_t gradients = 0;
    std::size_t optimizerState = 0;  // SGD 0, momentum and RMSProp 1, Adam 2 copies, in fp32
    std::size_t activations = 0;     // kept for backward, for the batch
    std::size_t modelStates() const { return weights + masterWeights + gradients + optimizerState; }
    std::size_t total() const { return modelStates() + activations; }
};

// Model states exactly; activations estimated per layer as s·b·h·(34 + 5·a·s/h) bytes in 16 bits
// (Korthikanti et al., 2022, without recomputation; twice that in fp32) plus the logits, s·b·V in
// fp32 and their gradient.
StepMemory stepMemory(const ModelShape& shape, OptimizerKind kind, Precision precision, std::size_t batch,
                      std::size_t context);

}  // namespace pretrainlab::optim
