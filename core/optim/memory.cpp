#include "core/optim/memory.hpp"

#include <algorithm>
#include <cctype>

namespace pretrainlab::optim {

int optimizerStateCopies(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd: return 0;
        case OptimizerKind::Momentum:
        case OptimizerKind::RmsProp: return 1;
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

const std::vector<ModelShape>& modelPresets() {
    // Parameter counts as the papers and model cards give them.
    static const std::vector<ModelShape> presets{
        {"BERT-base", 110'000'000, 12, 768, 12, 512, 30522, "Devlin et al. 2019: L 12, H 768, A 12, 110M"},
        {"BERT-large", 340'000'000, 24, 1024, 16, 512, 30522, "Devlin et al. 2019: L 24, H 1024, A 16, 340M"},
        {"GPT-2", 124'000'000, 12, 768, 12, 1024, 50257, "Radford et al. 2019, the smallest: 124M"},
        {"GPT-2 XL", 1'558'000'000, 48, 1600, 25, 1024, 50257, "Radford et al. 2019, the largest: 1.5B"},
        {"GPT-3", 175'000'000'000, 96, 12288, 96, 2048, 50257, "Brown et al. 2020: 175B"},
    };
    return presets;
}

std::optional<ModelShape> modelPreset(const std::string& name) {
    // "GPT-2 XL", "gpt-2-xl" and "GPT-2-XL" are one name.
    const auto key = [](std::string text) {
        for (char& c : text) c = c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return text;
    };
    for (const ModelShape& shape : modelPresets()) {
        if (key(shape.name) == key(name)) return shape;
    }
    return std::nullopt;
}

std::string_view precisionName(Precision precision) { return precision == Precision::Mixed ? "mixed" : "fp32"; }

std::optional<Precision> parsePrecision(std::string_view name) {
    if (name == "fp32") return Precision::Fp32;
    if (name == "mixed") return Precision::Mixed;
    return std::nullopt;
}

StepMemory stepMemory(const ModelShape& shape, OptimizerKind kind, Precision precision, std::size_t batch,
                      std::size_t context) {
    StepMemory m;
    const std::size_t p = shape.parameters;
    const bool mixed = precision == Precision::Mixed;
    m.parameters = p;
    m.weights = p * (mixed ? 2 : 4);
    m.masterWeights = mixed ? p * 4 : 0;
    m.gradients = p * (mixed ? 2 : 4);
    m.optimizerState = std::size_t(optimizerStateCopies(kind)) * p * 4;
    const double s = double(context), b = double(batch), h = double(shape.width), a = double(shape.heads);
    const double perLayer = s * b * h * (34.0 + 5.0 * a * s / h) * (mixed ? 1.0 : 2.0);
    const double logits = 2.0 * s * b * double(shape.vocabulary) * 4.0;
    // Saturates rather than wraps for sizes no machine holds (the CLI and the tab allow them).
    const double activations = double(shape.layers) * perLayer + logits;
    constexpr double ceiling = 1e18;  // an exabyte: far above any real step, far below size_t's limit
    m.activations = static_cast<std::size_t>(std::min(activations, ceiling));
    return m;
}

}  // namespace pretrainlab::optim
