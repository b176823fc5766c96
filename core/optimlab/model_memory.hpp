#pragma once

// A model of the engine described as the memory accounting needs it (optim::ModelShape), so a
// checkpoint or the lesson's current model sits beside BERT's and GPT's presets.

#include <string>

#include "core/nn/transformer.hpp"
#include "core/optim/memory.hpp"

namespace pretrainlab::optimlab {

optim::ModelShape shapeOf(const nn::Transformer<float>& model, std::string name);

}  // namespace pretrainlab::optimlab
