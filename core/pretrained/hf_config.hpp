#pragma once

// A pretrained model's config.json, as Hugging Face's hub serves it, read into the engine's
// configuration: GPT-2 (GPT2LMHeadModel) and BERT (BertForMaskedLM, BertForPreTraining).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/nn/transformer.hpp"

namespace pretrainlab::pretrained {

enum class Family { Gpt2, Bert };

std::string_view familyName(Family family);  // "GPT-2", "BERT"

struct HfConfig {
    Family family = Family::Gpt2;
    std::string architecture;  // as config.json names it: "GPT2LMHeadModel"
    nn::ModelConfig model;     // the engine's shape: no dropout, weights left at zero to be loaded
};

// The architectures this reads, for messages: "GPT2LMHeadModel, BertForMaskedLM, BertForPreTraining".
std::string supportedArchitectures();

// A model folder's JSON file (config.json, tokenizer_config.json) as an object: nesting too deep,
// invalid JSON or another kind of value is a LocatedError naming `source`.
nlohmann::json parseJsonObject(std::string_view text, const std::string& source);

// Parses config.json's text. An architecture that is not supported, a missing or impossible size,
// an activation or position embedding this engine does not have: a LocatedError naming `source`
// and the key.
HfConfig parseHfConfig(std::string_view json, const std::string& source);

}  // namespace pretrainlab::pretrained
