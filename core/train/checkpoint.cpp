#include "core/train/checkpoint.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/safetensors.hpp"
#include "core/train/weights_file.hpp"
#include "core/data/objectives.hpp"

namespace pretrainlab::train {

using Json = nlohmann::ordered_json;


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

void saveCheckpoint(const TrainingSession& session, const std::string& weightsPath, const std::function<void()>& beforeCommit,
                    const std::string& notesJson) {
    const nn::Parameters<float>& parameters = session.model().parameters();
    // Mixed precision: the fp32 master copy, not the rounded weights the model computes with, so
    // a resumed run continues exactly.
    const nn::FlatArray<float>& master = session.trainer().masterWeights();
    const std::string weightBytes = master.empty() ? weightsBytes(parameters) : weightsBytes(parameters, master);

    const optim::Optimizer<float>& optimizer = session.trainer().optimizer();
    if (optimizer.trainableCount() != parameters.size()) {
        throw std::logic_error("a checkpoint keeps the optimizer state of every parameter; this run freezes some");
    }
    std::vector<TensorToWrite> moments;
    for (const nn::ParameterInfo& info : parameters.infos()) {
        if (!optimizer.firstMoment().empty()) moments.push_back({"m." + info.name, tensorShape(info), optimizer.firstMoment().data() + info.offset});
        if (!optimizer.secondMoment().empty()) moments.push_back({"v." + info.name, tensorShape(info), optimizer.secondMoment().data() + info.offset});
    }
    const std::string momentBytes = safetensorsBytes(moments, {{"producer", "PretrainLab"}});

    const std::filesystem::path weightsFile(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    Json json{{"format", "pretrainlab-checkpoint"},
              {"version", 1},
              {"step", session.stepsDone()},
              {"optimizer_steps", optimizer.steps()},
              {"loss_scaler", {{"scale", session.trainer().lossScaler().scale()},
                               {"good_steps", session.trainer().lossScaler().goodSteps()},
                               {"skipped", session.trainer().lossScaler().skipped()}}},
              {"parameters", parameters.size()},
              {"settings", Json::parse(session.settings().toJson())},
              {"weights", {{"file", weightsFile.filename().string()},
                           {"bytes", weightBytes.size()},
                           {"fnv1a", fingerprintHex(fingerprint(weightBytes))}}},
              {"optimizer_state", {{"file", std::filesystem::path(optimizerPath).filename().string()},
                                   {"bytes", momentBytes.size()},
                                   {"fnv1a", fingerprintHex(fingerprint(momentBytes))}}},
              {"data_random_state", session.dataPosition()},
              {"corpus_fnv1a", fingerprintHex(session.corpusFingerprint())},
              {"tokenizer", session.tokenizer() ? Json::parse(tokenizerJson(*session.tokenizer())) : Json(nullptr)}};
    if (!notesJson.empty()) json["notes"] = Json::parse(notesJson);
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

namespace {

// A checkpoint's JSON, checked to be one.
Json checkpointJson(const std::string& text, const std::string& jsonPath) {
    Json json;
    try {
        json = Json::parse(text);
    } catch (const Json::parse_error& error) {
        throw LocatedError({jsonPath, {}, {}}, std::string("not valid JSON: ") + error.what());
    }
    if (!json.is_object() || json.value("format", "") != "pretrainlab-checkpoint") {
        throw LocatedError({jsonPath, {}, {}}, "not a PretrainLab checkpoint (no \"format\": \"pretrainlab-checkpoint\")");
    }
    return json;
}

std::optional<Tokenizer> tokenizerIn(const Json& json, const std::string& jsonPath) {
    if (!json.contains("tokenizer") || json.at("tokenizer").is_null()) return std::nullopt;
    return parseTokenizerJson(json.at("tokenizer").dump(), jsonPath + ": tokenizer");
}

}  // namespace

CheckpointModel readCheckpointModel(const std::string& jsonText, const std::string& weightBytes,
                                    const std::string& weightsPath) {
    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const Json json = checkpointJson(jsonText, jsonPath);
    checkRecorded(json, jsonPath, weightsPath, weightBytes, "weights");
    const SafetensorsFile weights(weightBytes, weightsPath);
    CheckpointModel out;
    out.settings = RunSettings::fromJson(json.at("settings").dump(), jsonPath);
    std::optional<Tokenizer> tokenizer = tokenizerIn(json, jsonPath);
    if (!tokenizer) {
        throw LocatedError({jsonPath, {}, {}}, "this model was trained on random tokens: it has no tokenizer, so it "
                                               "cannot read text");
    }
    nn::Index vocabulary = static_cast<nn::Index>(tokenizer->vocabulary().size());
    const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, out.settings.model.architecture);
    nn::ModelConfig config = out.settings.model;
    config.vocabulary = vocabulary;
    config.nextSentenceHead = out.settings.nextSentence;
    auto model = std::make_shared<nn::Transformer<float>>(config, out.settings.trainer.seed);
    copyWeights(weights, model->parameters());
    out.steps = json.value("step", std::size_t(0));
    if (json.contains("notes") && json["notes"].is_object()) out.notesJson = json["notes"].dump();
    out.bundle = std::make_shared<const ModelBundle>(ModelBundle{
        std::move(model), std::move(*tokenizer), specials,
        std::filesystem::path(weightsPath).filename().string() + ", step " + std::to_string(out.steps)});
    return out;
}

CheckpointModel loadCheckpointModel(const std::string& weightsPath) {
    return readCheckpointModel(readFileBytes(checkpointJsonPath(weightsPath)), readFileBytes(weightsPath), weightsPath);
}

std::unique_ptr<TrainingSession> loadCheckpoint(const std::string& weightsPath, const Progress& progress) {
    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    const Json json = checkpointJson(readFileBytes(jsonPath), jsonPath);
    const std::string weightBytes = readFileBytes(weightsPath);
    checkRecorded(json, jsonPath, weightsPath, weightBytes, "weights");
    const SafetensorsFile weights(weightBytes, weightsPath);

    RunSettings settings = RunSettings::fromJson(json.at("settings").dump(), jsonPath);
    auto session = std::make_unique<TrainingSession>(settings, tokenizerIn(json, jsonPath), progress);
    if (session->corpusFingerprint() != 0 && json.value("corpus_fnv1a", "") != fingerprintHex(session->corpusFingerprint())) {
        throw LocatedError({settings.corpus, {}, {}}, "changed since the checkpoint " + weightsPath +
                                                          " was saved, so the run cannot continue as it was");
    }
    nn::Parameters<float>& parameters = session->model().parameters();
    copyWeights(weights, parameters);

    Trainer<float>& trainer = session->trainer();
    const std::size_t optimizerSteps = json.value("optimizer_steps", std::size_t(0));
    nn::FlatArray<float> m, v;
    if (std::filesystem::exists(optimizerPath)) {
        const std::string momentBytes = readFileBytes(optimizerPath);
        checkRecorded(json, jsonPath, optimizerPath, momentBytes, "optimizer_state");
        const SafetensorsFile moments(momentBytes, optimizerPath);
        const auto read = [&](const char* prefix, nn::FlatArray<float>& into) {
            if (!moments.has(prefix + parameters.infos().front().name)) return;
            into.resize(parameters.size());
            for (const nn::ParameterInfo& info : parameters.infos()) {
                moments.copyFloats(prefix + info.name, tensorShape(info), into.data() + info.offset);
            }
        };
        read("m.", m);
        read("v.", v);
    }
    trainer.optimizer().restore(optimizerSteps, std::move(m), std::move(v));
    if (json.contains("loss_scaler") && settings.trainer.precision != optim::NumberFormat::Fp32) {
        const Json& scaler = json.at("loss_scaler");
        trainer.lossScaler().restore(scaler.value("scale", trainer.lossScaler().scale()),
                                     scaler.value("good_steps", std::size_t(0)), scaler.value("skipped", std::size_t(0)));
    }
    trainer.setStepsDone(json.value("step", std::size_t(0)));
    session->restoreDataPosition(json.value("data_random_state", std::string()), jsonPath);
    return session;
}

}  // namespace pretrainlab::train
