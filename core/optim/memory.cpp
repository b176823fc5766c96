#include "core/optim/memory.hpp"

namespace pretrainlab::optim {

int optimizerStateCopies(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd: return 0;
        case OptimizerKind::Momentum: return 1;
        case OptimizerKind::Adam:
        case OptimizerKind::AdamW: return 2;
    }
    return 0;
}

TrainingMemory trainingMemory(std::size_t parameterCount, OptimizerKind kind, std::size_t bytesPerValue) {
    return trainingMemory(parameterCount, parameterCount, kind, bytesPerValue);
}

TrainingMemory trainingMemory(std::size_t parameterCount, std::size_t trainableCount, OptimizerKind kind,
                              std::size_t bytesPerValue) {
    TrainingMemory memory;
    memory.parameters = parameterCount * bytesPerValue;
    memory.gradients = trainableCount * bytesPerValue;
    memory.optimizerState = static_cast<std::size_t>(optimizerStateCopies(kind)) * trainableCount * bytesPerValue;
    return memory;
}

}  // namespace pretrainlab::optim
