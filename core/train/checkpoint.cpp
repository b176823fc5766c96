#include "core/train/checkpoint.hpp"

#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/json_depth.hpp"
#include "core/common/memory.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/run_memory.hpp"
#include "core/train/safetensors.hpp"
#include "core/train/weights_file.hpp"
#include "core/data/objectives.hpp"

namespace pretrainlab::train {

using Json = nlohmann::ordered_json;


namespace fs = std::filesystem;

const char* const checkpointDescription =
    "a PretrainLab checkpoint is NAME.json (its settings, tokenizer and step, and the size and fingerprint of "
    "the other two files) with NAME.safetensors (the weights) and NAME.optimizer.safetensors (the optimizer's "
    "moments) beside it";

namespace {

constexpr std::string_view optimizerSuffix = ".optimizer.safetensors";

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "run.safetensors", "run.json" and "run.optimizer.safetensors" -> "run".
fs::path checkpointStem(const std::string& path) {
    if (endsWith(path, optimizerSuffix) && fs::path(path).filename().string().size() > optimizerSuffix.size()) {
        return path.substr(0, path.size() - optimizerSuffix.size());
    }
    fs::path stem(path);
    if (stem.extension() == ".safetensors" || stem.extension() == ".json") stem.replace_extension();
    return stem;
}

// A whole number of at least 0 at `key` (`fallback` when absent).
std::size_t countIn(const Json& json, const char* key, const std::string& jsonPath, std::size_t fallback = 0) {
    if (!json.contains(key)) return fallback;
    const Json& value = json.at(key);
    if (!value.is_number_unsigned()) {
        throw LocatedError({jsonPath, {}, {}}, std::string(key) + ": expects a whole number of at least 0, got " + jsonBrief(value));
    }
    return value.get<std::size_t>();
}

std::string textIn(const Json& json, const char* key, const std::string& jsonPath) {
    if (!json.contains(key)) return {};
    const Json& value = json.at(key);
    if (!value.is_string()) throw LocatedError({jsonPath, {}, {}}, std::string(key) + ": expects text, got " + jsonBrief(value));
    return value.get<std::string>();
}

RecordedFile weightsOf(const Json& json, const std::string& jsonPath, const std::string& weightsPath) {
    std::optional<RecordedFile> weights = readRecorded(json, jsonPath, weightsPath, "weights");
    if (!weights) {
        throw LocatedError({weightsPath, {}, {}}, "cannot open: " + std::string(std::strerror(ENOENT)) + " (" + jsonPath +
                                                      " names it as the checkpoint's weights)");
    }
    return std::move(*weights);
}

}  // namespace

std::string checkpointJsonPath(const std::string& weightsPath) { return checkpointStem(weightsPath).string() + ".json"; }

std::string checkpointOptimizerPath(const std::string& weightsPath) {
    return checkpointStem(weightsPath).string() + ".optimizer.safetensors";
}

std::string checkpointWeightsPath(const std::string& path) {
    const fs::path stem = checkpointStem(path);
    return stem.string() == path ? path : stem.string() + ".safetensors";
}

std::string checkpointTokenizerProblem(const Tokenizer& tokenizer) {
    if (!tokenizer.config().mergesFromTokenRanks) return {};
    return "a tiktoken rank file cannot be stored in a checkpoint: it has no merge list to write as the checkpoint's "
           "tokenizer; train with a tokenizer.json (or a vocab.txt) to save the run";
}

void saveCheckpoint(const TrainingSession& session, const std::string& path, const std::function<void()>& beforeCommit,
                    const std::string& notesJson) {
    const std::string weightsPath = checkpointWeightsPath(path);
    if (session.tokenizer()) {
        if (const std::string problem = checkpointTokenizerProblem(*session.tokenizer()); !problem.empty()) {
            throw LocatedError({checkpointJsonPath(weightsPath), {}, {}}, "not saved: " + problem);
        }
    }
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

    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    const fs::path folder = fs::path(jsonPath).parent_path();
    writableTarget(jsonPath);  // a JSON path that cannot be replaced is refused before the large files are written

    // The weights and the moments under temporary names, then the JSON that names them.
    std::vector<fs::path> temporaries;
    const auto removeTemporaries = [&temporaries] {
        for (const fs::path& temporary : temporaries) removeQuietly(temporary);
    };
    fs::path jsonTemporary;
    try {
        temporaries.push_back(writeTemporaryFile(weightsPath, weightBytes));
        temporaries.push_back(writeTemporaryFile(optimizerPath, momentBytes));
        Json json{{"format", "pretrainlab-checkpoint"},
                  {"version", 1},
                  {"step", session.stepsDone()},
                  {"optimizer_steps", optimizer.steps()},
                  {"loss_scaler", {{"scale", session.trainer().lossScaler().scale()},
                                   {"good_steps", session.trainer().lossScaler().goodSteps()},
                                   {"skipped", session.trainer().lossScaler().skipped()}}},
                  {"parameters", parameters.size()},
                  {"settings", Json::parse(session.settings().toJson())},
                  {"weights", recordOf(fs::path(weightsPath).filename().string(), weightBytes, temporaries[0], folder)},
                  {"optimizer_state", recordOf(fs::path(optimizerPath).filename().string(), momentBytes, temporaries[1], folder)},
                  {"data_random_state", session.dataPosition()},
                  {"corpus_fnv1a", fingerprintHex(session.corpusFingerprint())},
                  {"tokenizer", session.tokenizer() ? Json::parse(tokenizerJson(*session.tokenizer())) : Json(nullptr)}};
        if (!notesJson.empty()) json["notes"] = Json::parse(notesJson);
        jsonTemporary = writeTemporaryFile(jsonPath, json.dump(1) + "\n");
        temporaries.push_back(jsonTemporary);
        if (beforeCommit) beforeCommit();
    } catch (...) {
        removeTemporaries();
        throw;
    }

    // Temporaries an earlier save committed but never renamed; gone once this save is committed.
    try {
        commitTemporaryFile(jsonTemporary, jsonPath);  // the commit point
    } catch (...) {
        removeTemporaries();
        throw;
    }
    moveIntoPlace(temporaries[0], weightsPath);
    moveIntoPlace(temporaries[1], optimizerPath);
    // Temporaries of earlier saves (renamed never, or stopped before their commit) are obsolete now;
    // this save's own stay when their rename failed, as the JSON names them.
    removeStaleTemporaries(weightsPath, temporaries);
    removeStaleTemporaries(optimizerPath, temporaries);
    removeStaleTemporaries(jsonPath, temporaries);
}

namespace {

// A checkpoint's JSON, checked to be one.
Json checkpointJson(const std::string& text, const std::string& jsonPath) {
    requireShallowJson(text, jsonPath);
    Json json;
    try {
        json = Json::parse(text);
    } catch (const Json::exception& error) {  // also a number past a double's range
        throw LocatedError({jsonPath, {}, {}}, std::string("not valid JSON: ") + error.what());
    }
    if (!json.is_object() || !json.contains("format") || json.at("format") != "pretrainlab-checkpoint") {
        throw LocatedError({jsonPath, {}, {}}, "not a PretrainLab checkpoint (no \"format\": \"pretrainlab-checkpoint\"); " +
                                                   std::string(checkpointDescription));
    }
    return json;
}

// The JSON of the checkpoint that `weightsPath` names; a file that has no JSON beside it is said
// not to be a checkpoint.
Json readCheckpointJson(const std::string& weightsPath, const std::string& jsonPath) {
    std::error_code status;
    if (!fs::exists(jsonPath, status)) {
        if (!fs::exists(weightsPath, status)) {
            throw LocatedError({weightsPath, {}, {}}, "no checkpoint here: neither it nor " + jsonPath + " exists");
        }
        std::string what = "is not a PretrainLab checkpoint";
        try {
            const SafetensorsLayout layout = readSafetensorsLayout(weightsPath);
            what = "is a safetensors file of " + std::to_string(layout.tensors.size()) + " tensors, not a PretrainLab checkpoint";
        } catch (const LocatedError&) {
        }
        throw LocatedError({weightsPath, {}, {}}, what + ": there is no " + fs::path(jsonPath).filename().string() +
                                                      " beside it; " + checkpointDescription);
    }
    return checkpointJson(readFileBytes(jsonPath), jsonPath);
}

std::optional<Tokenizer> tokenizerIn(const Json& json, const std::string& jsonPath) {
    if (!json.contains("tokenizer") || json.at("tokenizer").is_null()) return std::nullopt;
    return parseTokenizerJson(json.at("tokenizer").dump(), jsonPath + ": tokenizer");
}

// The run's settings, each in its range and together consistent, as the command line checks its
// flags (RunSettings::fromJson and RunSettings::problem).
RunSettings settingsIn(const Json& json, const std::string& jsonPath, bool hasTokenizer) {
    if (!json.contains("settings")) throw LocatedError({jsonPath, {}, {}}, "has no \"settings\"");
    RunSettings settings = RunSettings::fromJson(json.at("settings").dump(), jsonPath);
    if (const std::string problem = settings.problem(hasTokenizer); !problem.empty()) {
        throw LocatedError({jsonPath, {}, {}}, "settings: " + problem);
    }
    if (const std::size_t step = countIn(json, "step", jsonPath); step > settings.steps) {
        throw LocatedError({jsonPath, {}, {}}, "step " + std::to_string(step) + " is past the run's length (" +
                                                   std::to_string(settings.steps) + " steps)");
    }
    return settings;
}

CheckpointModel modelFrom(const Json& json, const std::string& jsonPath, const std::string& weightBytes,
                          const std::string& weightsPath) {
    const SafetensorsFile weights(weightBytes, weightsPath);
    std::optional<Tokenizer> tokenizer = tokenizerIn(json, jsonPath);
    CheckpointModel out;
    out.settings = settingsIn(json, jsonPath, tokenizer.has_value());
    if (!tokenizer) {
        throw LocatedError({jsonPath, {}, {}}, "this model was trained on random tokens: it has no tokenizer, so it "
                                               "cannot read text");
    }
    nn::Index vocabulary = static_cast<nn::Index>(tokenizer->vocabulary().size());
    const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, out.settings.model.architecture);
    nn::ModelConfig config = out.settings.model;
    config.vocabulary = vocabulary;
    config.nextSentenceHead = out.settings.nextSentence;
    if (const std::string problem = modelMemoryProblem(config, availableMemoryBytes()); !problem.empty()) {
        throw LocatedError({jsonPath, {}, {}}, "settings: " + problem);
    }
    auto model = std::make_shared<nn::Transformer<float>>(config, out.settings.trainer.seed);
    copyWeights(weights, model->parameters());
    out.steps = countIn(json, "step", jsonPath);
    if (json.contains("notes") && json["notes"].is_object()) out.notesJson = json["notes"].dump();
    out.bundle = std::make_shared<const ModelBundle>(ModelBundle{
        std::move(model), std::move(*tokenizer), specials,
        fs::path(weightsPath).filename().string() + ", step " + std::to_string(out.steps)});
    return out;
}

}  // namespace

CheckpointModel readCheckpointModel(const std::string& jsonText, const std::string& weightBytes,
                                    const std::string& weightsPath) {
    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const Json json = checkpointJson(jsonText, jsonPath);
    checkRecorded(json, jsonPath, weightsPath, weightBytes, "weights");
    return modelFrom(json, jsonPath, weightBytes, weightsPath);
}

CheckpointModel loadCheckpointModel(const std::string& path) {
    const std::string weightsPath = checkpointWeightsPath(path);
    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const Json json = readCheckpointJson(weightsPath, jsonPath);
    const RecordedFile weights = weightsOf(json, jsonPath, weightsPath);
    return modelFrom(json, jsonPath, weights.bytes, weights.path);
}

std::unique_ptr<TrainingSession> loadCheckpoint(const std::string& path, const Progress& progress,
                                                const ResumeOptions& options) {
    const std::string weightsPath = checkpointWeightsPath(path);
    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    const Json json = readCheckpointJson(weightsPath, jsonPath);
    const RecordedFile weightFile = weightsOf(json, jsonPath, weightsPath);
    const SafetensorsFile weights(weightFile.bytes, weightFile.path);

    std::optional<Tokenizer> tokenizer = tokenizerIn(json, jsonPath);
    const RunSettings settings = settingsIn(json, jsonPath, tokenizer.has_value());
    const std::optional<RecordedFile> momentFile = readRecorded(json, jsonPath, optimizerPath, "optimizer_state");
    if (!momentFile && !options.restartOptimizer) {
        throw MissingOptimizerState({optimizerPath, {}, {}},
                                    "is missing: it holds the optimizer's state (Adam's moments), and without it the run "
                                    "would not continue as it was saved");
    }
    const std::string corpusFingerprint = textIn(json, "corpus_fnv1a", jsonPath);
    const std::string dataPosition = textIn(json, "data_random_state", jsonPath);
    const std::size_t step = countIn(json, "step", jsonPath);
    const std::size_t optimizerSteps = countIn(json, "optimizer_steps", jsonPath);

    std::unique_ptr<TrainingSession> session;
    try {
        session = std::make_unique<TrainingSession>(settings, std::move(tokenizer), progress);
    } catch (const std::invalid_argument& error) {
        // The settings passed their checks above; what is left is the memory they need.
        throw LocatedError({jsonPath, {}, {}}, std::string("settings: ") + error.what());
    }
    if (session->corpusFingerprint() != 0 && corpusFingerprint != fingerprintHex(session->corpusFingerprint())) {
        throw LocatedError({settings.corpus, {}, {}}, "changed since the checkpoint " + weightsPath +
                                                          " was saved, so the run cannot continue as it was");
    }
    nn::Parameters<float>& parameters = session->model().parameters();
    copyWeights(weights, parameters);

    Trainer<float>& trainer = session->trainer();
    if (momentFile) {
        nn::FlatArray<float> m, v;
        const SafetensorsFile moments(momentFile->bytes, momentFile->path);
        const auto read = [&](const char* prefix, nn::FlatArray<float>& into) {
            if (!moments.has(prefix + parameters.infos().front().name)) return;
            into.resize(parameters.size());
            for (const nn::ParameterInfo& info : parameters.infos()) {
                moments.copyFloats(prefix + info.name, tensorShape(info), into.data() + info.offset);
            }
        };
        read("m.", m);
        read("v.", v);
        trainer.optimizer().restore(optimizerSteps, std::move(m), std::move(v));
    } else {
        trainer.optimizer().restore(0, {}, {});
        if (options.notice) {
            options.notice(optimizerPath + " is missing: the optimizer restarts (no moments, its step count from 0)");
        }
    }
    if (json.contains("loss_scaler") && settings.trainer.precision != optim::NumberFormat::Fp32) {
        const Json& scaler = json.at("loss_scaler");
        const Json scale = scaler.is_object() && scaler.contains("scale") ? scaler.at("scale") : Json(trainer.lossScaler().scale());
        if (!scaler.is_object() || !scale.is_number() || !(scale.get<double>() > 0) || !std::isfinite(scale.get<double>())) {
            throw LocatedError({jsonPath, {}, {}}, "loss_scaler: expects an object with a scale above 0, got " + jsonBrief(scaler));
        }
        trainer.lossScaler().restore(scale.get<double>(), countIn(scaler, "good_steps", jsonPath),
                                     countIn(scaler, "skipped", jsonPath));
    }
    trainer.setStepsDone(step);
    session->restoreDataPosition(dataPosition, jsonPath);
    return session;
}

}  // namespace pretrainlab::train
