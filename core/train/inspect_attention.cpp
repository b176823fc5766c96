#include "core/train/inspect_attention.hpp"

#include <algorithm>

namespace pretrainlab::train {

using nn::Index;

ModelInput readSentence(const ModelBundle& bundle, const std::vector<std::int32_t>& tokens) {
    requireTokens(tokens);
    const nn::ModelConfig& config = bundle.model->config();
    ModelInput input;
    switch (config.architecture) {
        case nn::Architecture::Decoder: {
            const std::vector<std::int32_t> read = lastTokens(tokens, config.context);
            input.batch = readingBatch(read);
            input.encoderLabels = bundle.names(read);
            break;
        }
        case nn::Architecture::Encoder: {
            std::vector<std::int32_t> read{bundle.specials.cls};
            const std::vector<std::int32_t> text = lastTokens(tokens, std::max<Index>(1, config.context - 2));
            read.insert(read.end(), text.begin(), text.end());
            read.push_back(bundle.specials.sep);
            input.batch = readingBatch(read);
            input.batch.segments.assign(read.size(), 0);
            input.encoderLabels = bundle.names(read);
            break;
        }
        case nn::Architecture::EncoderDecoder: {
            const SpanExample example = spanExample(lastTokens(tokens, std::max<Index>(2, config.context - 2)), bundle.specials);
            input.batch = readingBatch(example.encoderInput);
            input.batch.targets.clear();
            input.batch.targetLength = static_cast<Index>(example.decoderInput.size());
            input.batch.decoderTokens = example.decoderInput;
            input.batch.decoderTargets = example.decoderTarget;
            input.encoderLabels = bundle.names(example.encoderInput);
            input.decoderLabels = bundle.names(example.decoderInput);
            break;
        }
    }
    return input;
}

std::vector<AttentionGrid> attentionGrids(const ModelBundle& bundle, const ModelInput& input) {
    const nn::Transformer<float>& model = *bundle.model;
    const nn::ModelConfig& config = model.config();
    typename nn::Transformer<float>::Workspace workspace;
    model.run(input.batch, workspace, nullptr, 1.0, 0.0);

    const auto grid = [&](std::string title, nn::AttentionStack stack, Index layers, const std::vector<std::string>& queries,
                          const std::vector<std::string>& keys, MaskPattern mask) {
        AttentionGrid g;
        g.title = std::move(title);
        g.stack = stack;
        g.layers = layers;
        g.heads = config.heads;
        g.queryLabels = queries;
        g.keyLabels = keys;
        g.mask = std::move(mask);
        for (Index l = 0; l < layers; ++l) {
            for (Index h = 0; h < config.heads; ++h) g.maps.push_back(model.attentionWeights(workspace, stack, l, 0, h));
        }
        return g;
    };
    const auto encoderLength = static_cast<Index>(input.encoderLabels.size());
    const auto decoderLength = static_cast<Index>(input.decoderLabels.size());
    std::vector<AttentionGrid> grids;
    switch (config.architecture) {
        case nn::Architecture::Decoder:
            grids.push_back(grid("causal self-attention", nn::AttentionStack::Encoder, config.layers,
                                 input.encoderLabels, input.encoderLabels,
                                 maskPatterns(ModelKind::Decoder, encoderLength).front()));
            break;
        case nn::Architecture::Encoder:
            grids.push_back(grid("bidirectional self-attention", nn::AttentionStack::Encoder, config.layers,
                                 input.encoderLabels, input.encoderLabels,
                                 maskPatterns(ModelKind::Encoder, encoderLength).front()));
            break;
        case nn::Architecture::EncoderDecoder: {
            std::vector<MaskPattern> masks = maskPatterns(ModelKind::EncoderDecoder, encoderLength, decoderLength);
            grids.push_back(grid("encoder self-attention", nn::AttentionStack::Encoder, config.layers,
                                 input.encoderLabels, input.encoderLabels, masks[0]));
            grids.push_back(grid("decoder self-attention", nn::AttentionStack::Decoder, config.decoderBlocks(),
                                 input.decoderLabels, input.decoderLabels, masks[1]));
            grids.push_back(grid("cross-attention", nn::AttentionStack::Cross, config.decoderBlocks(),
                                 input.decoderLabels, input.encoderLabels, masks[2]));
            break;
        }
    }
    return grids;
}

}  // namespace pretrainlab::train
