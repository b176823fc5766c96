#pragma once

// A trained model with its tokenizer (a ModelBundle) as the bytes of two files: a JSON of its
// shape, special tokens, tokenizer and description, and its weights as safetensors. A session file
// keeps the models a class trained this way; the finetuned-model file shares the shape's JSON.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/train/model_bundle.hpp"

namespace pretrainlab::train {

// The shape of a model under short keys ("arch", "d", "layers", "heads", "ctx", ...). Reading
// checks it (ModelConfig::problem); keys of the heads and pooling may be left out (their defaults).
// Throws std::invalid_argument or nlohmann's exceptions for a JSON that is not a shape.
nlohmann::ordered_json modelConfigJson(const nn::ModelConfig& config);
nn::ModelConfig modelConfigFrom(const nlohmann::ordered_json& json);

struct BundleBytes {
    std::string json;
    std::string weights;  // safetensors
};
BundleBytes bundleBytes(const ModelBundle& bundle);
// Throws LocatedError naming `source` and what does not fit: a broken JSON, a tokenizer of another
// size than the model's vocabulary, a special token outside it, a missing or misshapen tensor.
std::shared_ptr<const ModelBundle> bundleFromBytes(const BundleBytes& bytes, const std::string& source);

}  // namespace pretrainlab::train
