#pragma once

// A Hugging Face model.safetensors read into the engine's parameters: each tensor found by its
// name as the hub stores it (with or without the "transformer." / "bert." prefix; LayerNorm's
// weight and bias also as the older gamma and beta), its shape checked, F16 and BF16 widened, and
// laid out as the engine keeps it. GPT-2's Conv1D weights are already [in, out]; BERT's Linear
// weights are [out, in] and are transposed; BERT's query, key and value go side by side into one
// [d, 3d] projection. Tied output layers (GPT-2's lm_head, BERT's decoder) and buffers (GPT-2's
// attn.bias / attn.masked_bias) are not read: the engine ties the output to the token embedding.

#include <filesystem>

#include "core/common/progress.hpp"
#include "core/nn/transformer.hpp"
#include "core/pretrained/hf_config.hpp"

namespace pretrainlab::pretrained {

// Fills every parameter of `model` (built from `config`) from the file. A missing tensor, one of
// another shape (both shapes named) or dtype, a file that is not safetensors: a LocatedError naming
// the file. `progress` gets 0..1 and may stop it (Cancelled).
void loadHfWeights(const std::filesystem::path& path, const HfConfig& config, nn::Transformer<float>& model,
                   const Progress& progress = {});

}  // namespace pretrainlab::pretrained
