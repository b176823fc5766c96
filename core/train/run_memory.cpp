#include "core/train/run_memory.hpp"

#include <algorithm>
#include <cstdio>

#include "core/common/memory.hpp"
#include "core/optim/memory.hpp"

namespace pretrainlab::train {

RunMemory estimateRunMemory(const RunSettings& settings, nn::Index vocabulary) {
    nn::ModelConfig config = settings.model;
    config.vocabulary = vocabulary;
    config.nextSentenceHead = settings.nextSentence;
    RunMemory memory;
    memory.parameters = parameterCount(config);
    const double p = double(memory.parameters), d = double(config.width), f = double(config.ffn());
    const double heads = double(config.heads), t = double(config.context), v = double(vocabulary);
    const double microBatch = double(std::max<nn::Index>(1, settings.batch / std::max<nn::Index>(1, settings.accumulation)));
    const double shards = std::min(double(std::max(1u, settings.trainer.threads)), microBatch);
    const bool mixed = settings.trainer.precision != optim::NumberFormat::Fp32;
    const double copies = 1.0 + shards + optim::optimizerStateCopies(settings.trainer.optimizer.kind) + (mixed ? 1.0 : 0.0);
    memory.modelStates = p * 4.0 * copies;

    // Per token and block, in floats, as the engine's workspace keeps them: about twelve vectors of
    // d (inputs, norms, the attention's q, k, v and context, the sums), three of the MLP's width,
    // and a row of attention weights per head. Backward needs about one block more at a time.
    const double selfBlock = 12.0 * d + 3.0 * f + heads * t;
    const double crossBlock = selfBlock + 8.0 * d + heads * t;
    double perToken = double(config.layers) * selfBlock + selfBlock + 8.0 * d + 2.0 * v;  // + the logits and their gradient
    if (config.architecture == nn::Architecture::EncoderDecoder) perToken += double(config.decoderBlocks()) * crossBlock;
    memory.activations = 4.0 * microBatch * t * perToken;

    // Token ids, targets, segments and padding of the batch and the four held-out ones; the
    // generated toy world's text and its ids.
    memory.batches = 5.0 * double(settings.batch) * (t + 1.0) * 13.0;
    if (settings.corpus == toyWorldCorpus) memory.batches += 2.0 * double(settings.toyWorldBytes);
    return memory;
}

namespace {

// "40.3 billion", "2.1 million", "52,000": a count for a message.
std::string countInWords(double count) {
    char text[32];
    if (count >= 1e9) {
        std::snprintf(text, sizeof text, "%.1f billion", count / 1e9);
    } else if (count >= 1e6) {
        std::snprintf(text, sizeof text, "%.1f million", count / 1e6);
    } else {
        std::snprintf(text, sizeof text, "%.0f", count);
    }
    return text;
}

}  // namespace

std::string memoryProblem(const RunSettings& settings, nn::Index vocabulary, std::uint64_t availableBytes) {
    const RunMemory memory = estimateRunMemory(settings, vocabulary);
    if (memory.total() <= double(availableBytes)) return {};
    const nn::Index microBatch = std::max<nn::Index>(1, settings.batch / std::max<nn::Index>(1, settings.accumulation));
    std::string advice;
    if (memory.activations + memory.batches >= memory.modelStates) {
        advice = "lower the context or the batch";
        if (microBatch > 1) advice += ", or raise gradient accumulation";
    } else {
        advice = settings.corpus.empty() ? "lower the width d, the layers or the vocabulary" : "lower the width d or the layers";
    }
    return "this run needs about " + bytesInWords(memory.total()) + " of memory (" +
           bytesInWords(memory.modelStates) + " for the " + countInWords(double(memory.parameters)) +
           " parameters with their gradients and optimizer state, " + bytesInWords(memory.activations) +
           " of activations for " + std::to_string(microBatch) + " sequences of " + std::to_string(settings.model.context) +
           " tokens at a time, " + bytesInWords(memory.batches) + " of data), more than the " +
           bytesInWords(double(availableBytes)) + " available: " + advice;
}

std::string memoryProblem(const RunSettings& settings, nn::Index vocabulary) {
    const std::optional<std::uint64_t> available = availableMemoryBytes();
    return available ? memoryProblem(settings, vocabulary, *available) : std::string();
}

std::string modelMemoryProblem(const nn::ModelConfig& config, std::optional<std::uint64_t> availableBytes) {
    if (!availableBytes) return {};
    const double bytes = 4.0 * double(parameterCount(config));
    if (bytes <= double(*availableBytes)) return {};
    return "the model's " + std::to_string(parameterCount(config)) + " parameters need about " + bytesInWords(bytes) +
           " of memory, more than the " + bytesInWords(double(*availableBytes)) + " available";
}

}  // namespace pretrainlab::train
