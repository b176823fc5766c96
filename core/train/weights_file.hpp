#pragma once

// What every PretrainLab model file pair shares: the weights as safetensors, and the record a JSON
// keeps of them (file name, size, FNV-1a fingerprint) so a truncated or changed file is noticed.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

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


// A model file pair's save commits at the JSON: the weights are written under a temporary name
// (core/common/file_io), the JSON records that name as "written_as" and is renamed into place
// (the commit), and only then are the weights renamed to their final name. A reader takes the
// weights at their final name when they match the record, and under the recorded temporary name
// otherwise.

// fileRecord, with the temporary name the file was written under: relative to `folder` (the
// JSON's) when it is there, absolute otherwise.
nlohmann::ordered_json recordOf(const std::string& fileName, const std::string& bytes, const std::filesystem::path& temporary,
                                const std::filesystem::path& folder);

// The temporary name `json[key]` records (only a name ending in .partial), resolved against the
// JSON's folder.
std::optional<std::filesystem::path> writtenAs(const nlohmann::ordered_json& json, const char* key, const std::string& jsonPath);

struct RecordedFile {
    std::string path;  // where it was read
    std::string bytes;
};

// The file `json[key]` records: at `path` when it matches the record, or else under its recorded
// temporary name. Nothing when neither exists; a LocatedError naming `path` when it is there but
// does not match and the temporary does not either.
std::optional<RecordedFile> readRecorded(const nlohmann::ordered_json& json, const std::string& jsonPath,
                                         const std::string& path, const char* key);

// Renames a committed temporary to its final name. The JSON names the temporary, so a failure
// here loses nothing: the temporary stays and is read in its place.
void moveIntoPlace(const std::filesystem::path& temporary, const std::string& path);

// Once a save has committed: removes the temporaries of earlier saves beside `path`'s target
// (PATH.XXXXXXXX.partial, as writeTemporaryFile names them), whether an earlier JSON named them or
// a save stopped before its commit left them, except those in `keep`.
void removeStaleTemporaries(const std::string& path, const std::vector<std::filesystem::path>& keep);

}  // namespace pretrainlab::train
