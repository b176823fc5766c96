#pragma once

// A pretrained model from a folder in Hugging Face's layout (config.json, model.safetensors and
// the tokenizer: tokenizer.json, or vocab.json + merges.txt, or vocab.txt), opened into the same
// ModelBundle the tiny models are, so every view and command that reads a bundle reads it too.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "core/common/progress.hpp"
#include "core/pretrained/hf_config.hpp"
#include "core/train/model_bundle.hpp"

namespace pretrainlab::pretrained {

// The files of a model folder, found by their hub names. A LocatedError naming the folder when
// one is missing: config.json; model.safetensors (a pickled pytorch_model.bin is refused, with how
// to convert it; a sharded model is refused); a tokenizer.
struct ModelFolder {
    std::filesystem::path config, weights, tokenizer;
    std::optional<std::filesystem::path> merges;  // beside vocab.json
};
ModelFolder findModelFiles(const std::filesystem::path& folder);

// Bytes the model's parameters take as floats.
std::uint64_t parameterBytes(const nn::ModelConfig& config);

// Opens the folder: the configuration, the tokenizer (its vocabulary must fit the model's), the
// memory it needs against what is available (`available`: MemAvailable when not given), then the
// weights. Errors are LocatedErrors naming the file; `progress` gets 0..1 and may stop it.
std::shared_ptr<const train::ModelBundle> openPretrained(const std::filesystem::path& folder, const Progress& progress = {},
                                                         std::optional<std::uint64_t> available = std::nullopt);

// Whether a --model path is a Hugging Face folder (it holds config.json) rather than a checkpoint.
bool isModelFolder(const std::filesystem::path& path);

// A model from either kind of path: a folder in Hugging Face's layout (openPretrained), or a
// checkpoint saved by training here (any of its three files).
std::shared_ptr<const train::ModelBundle> openModel(const std::filesystem::path& path, const Progress& progress = {});

}  // namespace pretrainlab::pretrained
