#include "core/optimlab/model_memory.hpp"

namespace pretrainlab::optimlab {

optim::ModelShape shapeOf(const nn::Transformer<float>& model, std::string name) {
    const nn::ModelConfig& c = model.config();
    optim::ModelShape shape;
    shape.name = std::move(name);
    shape.parameters = model.parameters().size();
    shape.layers = static_cast<std::size_t>(c.layers + (c.architecture == nn::Architecture::EncoderDecoder ? c.decoderBlocks() : 0));
    shape.width = static_cast<std::size_t>(c.width);
    shape.heads = static_cast<std::size_t>(c.heads);
    shape.context = static_cast<std::size_t>(c.context);
    shape.vocabulary = static_cast<std::size_t>(c.vocabulary);
    shape.source = "this engine's parameter count";
    return shape;
}

}  // namespace pretrainlab::optimlab
