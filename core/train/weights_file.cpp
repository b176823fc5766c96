#include "core/train/weights_file.hpp"

#include <sstream>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"

namespace pretrainlab::train {
std::vector<std::int64_t> tensorShape(const nn::ParameterInfo& info) {
    if (info.rows == 1) return {info.cols};
    return {info.rows, info.cols};
}

std::string fingerprintHex(std::uint64_t value) {
    std::ostringstream text;
    text << std::hex << value;
    return text.str();
}

std::string weightsBytes(const nn::Parameters<float>& parameters) { return weightsBytes(parameters, parameters.values()); }

std::string weightsBytes(const nn::Parameters<float>& parameters, const nn::FlatArray<float>& values) {
    std::vector<TensorToWrite> weights;
    for (const nn::ParameterInfo& info : parameters.infos()) {
        weights.push_back({info.name, tensorShape(info), values.data() + info.offset});
    }
    return safetensorsBytes(weights, {{"format", "pt"}, {"producer", "PretrainLab"},
                                      {"layout", "row-major; a linear layer's weight is [in, out], y = x W + b"}});
}

void copyWeights(const SafetensorsFile& weights, nn::Parameters<float>& parameters) {
    for (const nn::ParameterInfo& info : parameters.infos()) {
        weights.copyFloats(info.name, tensorShape(info), parameters.values().data() + info.offset);
    }
}

nlohmann::ordered_json fileRecord(const std::string& fileName, const std::string& bytes) {
    return {{"file", fileName}, {"bytes", bytes.size()}, {"fnv1a", fingerprintHex(fingerprint(bytes))}};
}

void checkRecorded(const nlohmann::ordered_json& json, const std::string& jsonPath, const std::string& path,
                   const std::string& bytes, const char* key) {
    try {
        const nlohmann::ordered_json& entry = json.at(key);
        const auto expected = entry.at("bytes").get<std::size_t>();
        if (bytes.size() < expected) {
            throw LocatedError({path, {}, {}}, "is truncated: it holds " + std::to_string(bytes.size()) + " bytes, and " +
                                                   jsonPath + " recorded " + std::to_string(expected));
        }
        if (bytes.size() != expected || entry.at("fnv1a").get<std::string>() != fingerprintHex(fingerprint(bytes))) {
            throw LocatedError({path, {}, {}}, "is corrupt or was changed: its content does not match what " + jsonPath +
                                                   " recorded (was a save interrupted?)");
        }
    } catch (const nlohmann::ordered_json::exception& error) {
        throw LocatedError({jsonPath, {}, {}}, std::string(key) + ": " + error.what());
    }
}

}  // namespace pretrainlab::train
