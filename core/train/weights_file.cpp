#include "core/train/weights_file.hpp"

#include <cstdio>
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

namespace fs = std::filesystem;

nlohmann::ordered_json recordOf(const std::string& fileName, const std::string& bytes, const fs::path& temporary,
                                const fs::path& folder) {
    nlohmann::ordered_json record = fileRecord(fileName, bytes);
    record["written_as"] = temporary.parent_path() == folder ? temporary.filename().string() : fs::absolute(temporary).string();
    return record;
}

std::optional<fs::path> writtenAs(const nlohmann::ordered_json& json, const char* key, const std::string& jsonPath) {
    if (!json.is_object() || !json.contains(key) || !json.at(key).is_object()) return std::nullopt;
    const nlohmann::ordered_json& record = json.at(key);
    if (!record.contains("written_as") || !record.at("written_as").is_string()) return std::nullopt;
    const fs::path name(record.at("written_as").get<std::string>());
    if (name.extension() != ".partial") return std::nullopt;
    return name.is_absolute() ? name : fs::path(jsonPath).parent_path() / name;
}

namespace {

bool matchesRecord(const nlohmann::ordered_json& json, const char* key, const std::string& bytes) {
    if (!json.contains(key) || !json.at(key).is_object()) return false;
    const nlohmann::ordered_json& record = json.at(key);
    return record.contains("bytes") && record.at("bytes").is_number_unsigned() &&
           record.at("bytes").get<std::size_t>() == bytes.size() && record.contains("fnv1a") &&
           record.at("fnv1a").is_string() && record.at("fnv1a").get<std::string>() == fingerprintHex(fingerprint(bytes));
}

// "run.safetensors.0123abcd.partial" for "run.safetensors": the name writeTemporaryFile gives.
bool isTemporaryOf(const std::string& name, const std::string& target) {
    const std::string suffix = ".partial";
    if (name.size() != target.size() + 1 + 8 + suffix.size() || name.compare(0, target.size() + 1, target + ".") != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return false;
    }
    for (std::size_t i = target.size() + 1; i < target.size() + 9; ++i) {
        const char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace

std::optional<RecordedFile> readRecorded(const nlohmann::ordered_json& json, const std::string& jsonPath,
                                         const std::string& path, const char* key) {
    std::error_code status;
    std::optional<std::string> atPath;
    if (fs::exists(path, status)) {
        atPath = readFileBytes(path);
        if (matchesRecord(json, key, *atPath)) return RecordedFile{path, std::move(*atPath)};
    }
    if (const std::optional<fs::path> staged = writtenAs(json, key, jsonPath); staged && fs::exists(*staged, status)) {
        std::string bytes = readFileBytes(*staged);
        if (matchesRecord(json, key, bytes)) return RecordedFile{staged->string(), std::move(bytes)};
    }
    if (!atPath) return std::nullopt;
    checkRecorded(json, jsonPath, path, *atPath, key);
    return RecordedFile{path, std::move(*atPath)};
}

void moveIntoPlace(const fs::path& temporary, const std::string& path) {
    try {
        const fs::path target = writableTarget(path);
        if (::rename(temporary.c_str(), target.c_str()) == 0) syncDirectory(target.parent_path());
    } catch (const LocatedError&) {
    }
}

void removeStaleTemporaries(const std::string& path, const std::vector<fs::path>& keep) {
    fs::path target;
    try {
        target = writableTarget(path);
    } catch (const LocatedError&) {
        return;
    }
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const std::string name = target.filename().string();
    std::error_code status;
    std::vector<fs::path> stale;
    for (fs::directory_iterator entry(folder, status), end; !status && entry != end; entry.increment(status)) {
        if (!isTemporaryOf(entry->path().filename().string(), name)) continue;
        // A kept temporary lies beside the same target, so its name alone tells it.
        bool kept = false;
        for (const fs::path& temporary : keep) kept = kept || temporary.filename() == entry->path().filename();
        if (!kept) stale.push_back(entry->path());
    }
    for (const fs::path& file : stale) removeQuietly(file);
}

}  // namespace pretrainlab::train
