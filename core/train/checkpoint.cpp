#include "core/train/checkpoint.hpp"

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/safetensors.hpp"

namespace pretrainlab::train {

using Json = nlohmann::ordered_json;

namespace {

std::vector<std::int64_t> shapeOf(const nn::ParameterInfo& info) {
    if (info.rows == 1) return {info.cols};
    return {info.rows, info.cols};
}

std::string hex(std::uint64_t value) {
    std::ostringstream text;
    text << std::hex << value;
    return text.str();
}

}  // namespace

std::string checkpointJsonPath(const std::string& weightsPath) {
    std::filesystem::path path(weightsPath);
    if (path.extension() == ".safetensors") path.replace_extension();
    return path.string() + ".json";
}

std::string checkpointOptimizerPath(const std::string& weightsPath) {
    std::filesystem::path path(weightsPath);
    if (path.extension() == ".safetensors") path.replace_extension();
    return path.string() + ".optimizer.safetensors";
}

void saveCheckpoint(const TrainingSession& session, const std::string& weightsPath, const std::function<void()>& beforeCommit) {
    const nn::Parameters<float>& parameters = session.model().parameters();
    std::vector<TensorToWrite> weights;
    for (const nn::ParameterInfo& info : parameters.infos()) {
        weights.push_back({info.name, shapeOf(info), parameters.values().data() + info.offset});
    }
    const std::string weightBytes =
        safetensorsBytes(weights, {{"format", "pt"}, {"producer", "PretrainLab"},
                                   {"layout", "row-major; a linear layer's weight is [in, out], y = x W + b"}});

    const optim::Optimizer<float>& optimizer = session.trainer().optimizer();
    std::vector<TensorToWrite> moments;
    for (const nn::ParameterInfo& info : parameters.infos()) {
        if (!optimizer.firstMoment().empty()) moments.push_back({"m." + info.name, shapeOf(info), optimizer.firstMoment().data() + info.offset});
        if (!optimizer.secondMoment().empty()) moments.push_back({"v." + info.name, shapeOf(info), optimizer.secondMoment().data() + info.offset});
    }
    const std::string momentBytes = safetensorsBytes(moments, {{"producer", "PretrainLab"}});

    const std::filesystem::path weightsFile(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    Json json{{"format", "pretrainlab-checkpoint"},
              {"version", 1},
              {"step", session.stepsDone()},
              {"optimizer_steps", optimizer.steps()},
              {"parameters", parameters.size()},
              {"settings", Json::parse(session.settings().toJson())},
              {"weights", {{"file", weightsFile.filename().string()},
                           {"bytes", weightBytes.size()},
                           {"fnv1a", hex(fingerprint(weightBytes))}}},
              {"optimizer_state", {{"file", std::filesystem::path(optimizerPath).filename().string()},
                                   {"bytes", momentBytes.size()},
                                   {"fnv1a", hex(fingerprint(momentBytes))}}},
              {"data_random_state", session.dataPosition()},
              {"corpus_fnv1a", hex(session.corpusFingerprint())},
              {"tokenizer", session.tokenizer() ? Json::parse(tokenizerJson(*session.tokenizer())) : Json(nullptr)}};
    const std::string jsonPath = checkpointJsonPath(weightsPath);

    // All three under temporary names first; then the renames, the JSON last.
    const auto weightsTemporary = writeTemporaryFile(weightsPath, weightBytes);
    const auto momentsTemporary = writeTemporaryFile(optimizerPath, momentBytes);
    const auto jsonTemporary = writeTemporaryFile(jsonPath, json.dump(1) + "\n");
    if (beforeCommit) beforeCommit();
    commitTemporaryFile(momentsTemporary, optimizerPath);
    commitTemporaryFile(weightsTemporary, weightsPath);
    commitTemporaryFile(jsonTemporary, jsonPath);
}

std::unique_ptr<TrainingSession> loadCheckpoint(const std::string& weightsPath, const Progress& progress) {
    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    const SourceLocation jsonWhere{jsonPath, {}, {}};
    Json json;
    try {
        json = Json::parse(readFileBytes(jsonPath));
    } catch (const Json::parse_error& error) {
        throw LocatedError(jsonWhere, std::string("not valid JSON: ") + error.what());
    }
    if (!json.is_object() || json.value("format", "") != "pretrainlab-checkpoint") {
        throw LocatedError(jsonWhere, "not a PretrainLab checkpoint (no \"format\": \"pretrainlab-checkpoint\")");
    }
    const std::string weightBytes = readFileBytes(weightsPath);
    const auto check = [&](const std::string& path, const std::string& bytes, const char* key) {
        try {
            const Json& entry = json.at(key);
            const auto expected = entry.at("bytes").get<std::size_t>();
            if (bytes.size() < expected) {
                throw LocatedError({path, {}, {}}, "is truncated: it holds " + std::to_string(bytes.size()) +
                                                       " bytes, and " + jsonPath + " recorded " +
                                                       std::to_string(expected));
            }
            if (bytes.size() != expected || entry.at("fnv1a").get<std::string>() != hex(fingerprint(bytes))) {
                throw LocatedError({path, {}, {}}, "is corrupt or was changed: its content does not match what " +
                                                       jsonPath + " recorded (was a save interrupted?)");
            }
        } catch (const Json::exception& error) {
            throw LocatedError(jsonWhere, std::string(key) + ": " + error.what());
        }
    };
    check(weightsPath, weightBytes, "weights");
    const SafetensorsFile weights(weightBytes, weightsPath);

    RunSettings settings = RunSettings::fromJson(json.at("settings").dump(), jsonPath);
    std::optional<Tokenizer> tokenizer;
    if (json.contains("tokenizer") && !json.at("tokenizer").is_null()) {
        tokenizer = parseTokenizerJson(json.at("tokenizer").dump(), jsonPath + ": tokenizer");
    }
    auto session = std::make_unique<TrainingSession>(settings, std::move(tokenizer), progress);
    if (session->corpusFingerprint() != 0 && json.value("corpus_fnv1a", "") != hex(session->corpusFingerprint())) {
        throw LocatedError({settings.corpus, {}, {}}, "changed since the checkpoint " + weightsPath +
                                                          " was saved, so the run cannot continue as it was");
    }
    nn::Parameters<float>& parameters = session->model().parameters();
    for (const nn::ParameterInfo& info : parameters.infos()) {
        weights.copyFloats(info.name, shapeOf(info), parameters.values().data() + info.offset);
    }

    Trainer<float>& trainer = session->trainer();
    const std::size_t optimizerSteps = json.value("optimizer_steps", std::size_t(0));
    nn::FlatArray<float> m, v;
    if (std::filesystem::exists(optimizerPath)) {
        const std::string momentBytes = readFileBytes(optimizerPath);
        check(optimizerPath, momentBytes, "optimizer_state");
        const SafetensorsFile moments(momentBytes, optimizerPath);
        const auto read = [&](const char* prefix, nn::FlatArray<float>& into) {
            if (!moments.has(prefix + parameters.infos().front().name)) return;
            into.resize(parameters.size());
            for (const nn::ParameterInfo& info : parameters.infos()) {
                moments.copyFloats(prefix + info.name, shapeOf(info), into.data() + info.offset);
            }
        };
        read("m.", m);
        read("v.", v);
    }
    trainer.optimizer().restore(optimizerSteps, std::move(m), std::move(v));
    trainer.setStepsDone(json.value("step", std::size_t(0)));
    session->restoreDataPosition(json.value("data_random_state", std::string()), jsonPath);
    return session;
}

}  // namespace pretrainlab::train
