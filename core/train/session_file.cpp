#include "core/train/session_file.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/input_file.hpp"
#include "core/train/safetensors.hpp"
#include "core/train/weights_file.hpp"

namespace pretrainlab::train {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* formatName = "pretrainlab-session";

}  // namespace

std::string sessionFileBytes(const SessionParts& parts) {
    std::vector<BytesToWrite> tensors;
    Json record = Json::object();
    for (const auto& [name, bytes] : parts) {
        tensors.push_back({name, bytes});
        record[name] = {{"bytes", bytes.size()}, {"fnv1a", fingerprintHex(fingerprint(bytes))}};
    }
    return safetensorsOfBytes(tensors, {{"format", formatName},
                                      {"version", std::to_string(sessionFormatVersion)},
                                      {"parts", record.dump()}});
}

SessionParts parseSessionFile(std::string bytes, const std::string& source) {
    const auto fail = [&source](const std::string& what) { throw LocatedError({source, std::nullopt, std::nullopt}, what); };
    std::optional<SafetensorsFile> file;
    try {
        file.emplace(std::move(bytes), source);
    } catch (const LocatedError& error) {
        fail("not a whole PretrainLab session file: " + error.reason());
    }
    const std::map<std::string, std::string>& metadata = file->metadata();
    const auto format = metadata.find("format");
    if (format == metadata.end() || format->second != formatName) {
        fail("a safetensors file, but not a PretrainLab session (its metadata has no \"format\": \"" +
             std::string(formatName) + "\")");
    }
    const auto version = metadata.find("version");
    int number = 0;
    try {
        std::size_t used = 0;
        number = version == metadata.end() ? 0 : std::stoi(version->second, &used);
        if (version != metadata.end() && used != version->second.size()) number = 0;
    } catch (const std::exception&) {
        number = 0;
    }
    if (number < 1) fail("the session's version is missing or not a number");
    if (number > sessionFormatVersion) {
        fail("saved by a newer PretrainLab (session format " + std::to_string(number) + "; this one reads up to " +
             std::to_string(sessionFormatVersion) + "): open it with that version or a later one");
    }
    const auto partsText = metadata.find("parts");
    Json record;
    try {
        if (partsText != metadata.end()) record = Json::parse(partsText->second);
    } catch (const Json::exception&) {
        record = nullptr;
    }
    if (!record.is_object()) fail("the session's record of its parts is missing or broken");
    SessionParts parts;
    for (const auto& [name, entry] : file->tensors()) {
        if (!record.contains(name)) fail("the part '" + name + "' is not in the session's record");
        const std::string_view data = file->bytesOf(name);
        const Json& expected = record.at(name);
        if (!expected.is_object() || !expected.contains("bytes") || !expected.contains("fnv1a") ||
            expected.at("bytes") != data.size() || expected.at("fnv1a") != fingerprintHex(fingerprint(data))) {
            fail("the part '" + name + "' is not what was saved (its bytes changed: the file is damaged)");
        }
        parts.emplace(name, std::string(data));
    }
    for (const auto& [name, entry] : record.items()) {
        if (!parts.count(name)) fail("the part '" + name + "' is missing (the file is damaged)");
    }
    return parts;
}

void writeSessionFile(const std::filesystem::path& path, const SessionParts& parts) {
    writeFileAtomically(path, sessionFileBytes(parts));
}

SessionParts readSessionFile(const std::filesystem::path& path) {
    return parseSessionFile(readInputFile(path), path.string());
}

}  // namespace pretrainlab::train
