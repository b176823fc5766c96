#pragma once

// Small untrained models on the toy world's tokenizer, and log-probabilities computed the plain
// way (one forward pass per prediction), for checking what the attention lesson shows.

#include <cmath>
#include <memory>
#include <vector>

#include "core/data/toyworld.hpp"
#include "core/finetune/finetuner.hpp"
#include "core/train/inspect_attention.hpp"
#include "core/train/inspect_generation.hpp"
#include "core/train/inspect_masks.hpp"
#include "core/train/inspect_scoring.hpp"

namespace pretrainlab::testing {

// Weights larger than training starts with (std 0.3), so that attention is far from uniform.
inline std::shared_ptr<const train::ModelBundle> toyModel(nn::Architecture architecture, std::uint64_t seed,
                                                          nn::Index heads = 4, nn::Index context = 24) {
    nn::ModelConfig config;
    config.architecture = architecture;
    config.width = 32;
    config.layers = 2;
    config.heads = heads;
    config.context = context;
    config.initialStd = 0.3;
    return finetune::untrainedToyModel(config, seed, "test model");
}

// log p(token | before) from a forward pass over `before` alone, in double; over the text's tokens
// only (as generation draws) or over the whole vocabulary.
inline double logProbabilityAfter(const train::ModelBundle& bundle, const std::vector<std::int32_t>& before,
                                  std::int32_t token, bool textOnly = false) {
    nn::Batch batch;
    batch.sequences = 1;
    batch.length = static_cast<nn::Index>(before.size());
    batch.tokens = before;
    batch.targets.assign(before.size(), -1);
    batch.targets.back() = token;
    typename nn::Transformer<float>::Workspace workspace;
    bundle.model->run(batch, workspace, nullptr, 1.0, 0.0);
    const nn::RowVector<float> logits = bundle.model->logits(workspace).row(0);
    const nn::Index count = textOnly ? nn::Index(bundle.tokenizer.vocabulary().size()) : logits.size();
    double sum = 0;
    for (nn::Index i = 0; i < count; ++i) sum += std::exp(double(logits[i]));
    return double(logits[token]) - std::log(sum);
}

}  // namespace pretrainlab::testing
