#pragma once

// What every PretrainLab model file pair shares: the weights as safetensors, and the record a JSON
// keeps of them (file name, size, FNV-1a fingerprint) so a truncated or changed file is noticed.

#include <nlohmann/json.hpp>
#include <string>

#include "core/nn/parameters.hpp"
#include "core/train/safetensors.hpp"

namespace pretrainlab::train {

// A parameter's tensor shape: [rows, cols], or [cols] for a row vector.
std::vector<std::int64_t> tensorShape(const nn::ParameterInfo& info);
// A 64-bit fingerprint in hex, as the JSON files record them.
std::string fingerprintHex(std::uint64_t value);
// Every parameter under its name, float32, [rows, cols] (a row vector as [cols]).
std::string weightsBytes(const nn::Parameters<float>& parameters);
// The same layout with other values (a mixed-precision run's fp32 master copy).
std::string weightsBytes(const nn::Parameters<float>& parameters, const nn::FlatArray<float>& values);
// Copies each parameter's tensor from the file; a missing name or shape is a LocatedError.
void copyWeights(const SafetensorsFile& weights, nn::Parameters<float>& parameters);
// {"file": NAME, "bytes": N, "fnv1a": HEX}.
nlohmann::ordered_json fileRecord(const std::string& fileName, const std::string& bytes);
// The file at `path` holds what `json[key]` recorded: a LocatedError naming the file otherwise.
void checkRecorded(const nlohmann::ordered_json& json, const std::string& jsonPath, const std::string& path,
                   const std::string& bytes, const char* key);

}  // namespace pretrainlab::train
