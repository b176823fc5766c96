#pragma once

// The attention weights a model computes for one sentence, every layer and head, read the way its
// architecture reads text.

#include <string>
#include <vector>

#include "core/train/inspect_masks.hpp"
#include "core/train/model_bundle.hpp"

namespace pretrainlab::train {

// One sentence as an architecture reads it: a decoder its tokens; an encoder [CLS] tokens [SEP];
// an encoder-decoder the span example above. Cut to the model's context.
struct ModelInput {
    nn::Batch batch;
    std::vector<std::string> encoderLabels;  // the encoder's (or the decoder-only model's) positions
    std::vector<std::string> decoderLabels;  // the encoder-decoder's decoder positions
};
ModelInput readSentence(const ModelBundle& bundle, const std::vector<std::int32_t>& tokens);

// Every layer's and head's attention weights for one input.
struct AttentionGrid {
    std::string title;  // "causal self-attention", "decoder self-attention", "cross-attention", ...
    nn::AttentionStack stack = nn::AttentionStack::Encoder;
    nn::Index layers = 0;
    nn::Index heads = 0;
    std::vector<std::string> queryLabels;
    std::vector<std::string> keyLabels;
    std::vector<nn::Matrix<float>> maps;  // [layer · heads + head], each [queries, keys]
    MaskPattern mask;                     // which cells the model could not look at

    const nn::Matrix<float>& at(nn::Index layer, nn::Index head) const { return maps[std::size_t(layer * heads + head)]; }
};
std::vector<AttentionGrid> attentionGrids(const ModelBundle& bundle, const ModelInput& input);

}  // namespace pretrainlab::train
