#include "core/train/checkpoint.hpp"

#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
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

// "run.safetensors" and "run.json" -> "run".
fs::path checkpointStem(const std::string& path) {
    fs::path stem(path);
    if (stem.extension() == ".safetensors" || stem.extension() == ".json") stem.replace_extension();
    return stem;
}

// A whole number of at least 0 at `key` (`fallback` when absent).
std::size_t countIn(const Json& json, const char* key, const std::string& jsonPath, std::size_t fallback = 0) {
    if (!json.contains(key)) return fallback;
    const Json& value = json.at(key);
    if (!value.is_number_unsigned()) {
        throw LocatedError({jsonPath, {}, {}}, std::string(key) + ": expects a whole number of at least 0, got " + value.dump());
    }
    return value.get<std::size_t>();
}

std::string textIn(const Json& json, const char* key, const std::string& jsonPath) {
    if (!json.contains(key)) return {};
    const Json& value = json.at(key);
    if (!value.is_string()) throw LocatedError({jsonPath, {}, {}}, std::string(key) + ": expects text, got " + value.dump());
    return value.get<std::string>();
}

// {"file", "bytes", "fnv1a"} of a file, and the temporary name it was written under.
Json recordOf(const std::string& fileName, const std::string& bytes, const fs::path& temporary, const fs::path& folder) {
    Json record = fileRecord(fileName, bytes);
    record["written_as"] = temporary.parent_path() == folder ? temporary.filename().string() : fs::absolute(temporary).string();
    return record;
}

// The temporary name a record gives, where a save stopped after its commit left the file. Only
// names a save makes (ending in .partial) are taken.
std::optional<fs::path> writtenAs(const Json& json, const char* key, const std::string& jsonPath) {
    if (!json.is_object() || !json.contains(key) || !json.at(key).is_object()) return std::nullopt;
    const Json& record = json.at(key);
    if (!record.contains("written_as") || !record.at("written_as").is_string()) return std::nullopt;
    const fs::path name(record.at("written_as").get<std::string>());
    if (name.extension() != ".partial") return std::nullopt;
    return name.is_absolute() ? name : fs::path(jsonPath).parent_path() / name;
}

bool matchesRecord(const Json& json, const char* key, const std::string& bytes) {
    if (!json.contains(key) || !json.at(key).is_object()) return false;
    const Json& record = json.at(key);
    return record.contains("bytes") && record.at("bytes").is_number_unsigned() &&
           record.at("bytes").get<std::size_t>() == bytes.size() && record.contains("fnv1a") &&
           record.at("fnv1a").is_string() && record.at("fnv1a").get<std::string>() == fingerprintHex(fingerprint(bytes));
}

struct RecordedFile {
    std::string path;
    std::string bytes;
};

// The file `json[key]` records: at `path` when it matches the record, or else under the name it was
// written as (a save stopped between its commit and its last renames). Nothing when neither exists;
// a LocatedError naming `path` when it is there but does not match.
std::optional<RecordedFile> readRecorded(const Json& json, const std::string& jsonPath, const std::string& path, const char* key) {
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

RecordedFile weightsOf(const Json& json, const std::string& jsonPath, const std::string& weightsPath) {
    std::optional<RecordedFile> weights = readRecorded(json, jsonPath, weightsPath, "weights");
    if (!weights) {
        throw LocatedError({weightsPath, {}, {}}, "cannot open: " + std::string(std::strerror(ENOENT)) + " (" + jsonPath +
                                                      " names it as the checkpoint's weights)");
    }
    return std::move(*weights);
}

// Renames a committed temporary to its final name. The JSON names the temporary too, so a failure
// here loses nothing: the temporary stays and is read in its place.
void moveIntoPlace(const fs::path& temporary, const std::string& path) {
    try {
        const fs::path target = writableTarget(path);
        if (::rename(temporary.c_str(), target.c_str()) == 0) syncDirectory(target.parent_path());
    } catch (const LocatedError&) {
    }
}

// A temporary of an earlier save that the JSON named and whose rename never happened: removed once
// a newer save has committed. Only a name such a save makes, beside its target, is removed.
void removeLeftover(const std::optional<fs::path>& leftover, const std::string& target) {
    if (!leftover) return;
    const std::string name = leftover->filename().string();
    const std::string prefix = fs::path(target).filename().string() + ".";
    if (leftover->parent_path() == fs::path(target).parent_path() && name.rfind(prefix, 0) == 0 &&
        leftover->extension() == ".partial") {
        removeQuietly(*leftover);
    }
}

}  // namespace

std::string checkpointJsonPath(const std::string& weightsPath) { return checkpointStem(weightsPath).string() + ".json"; }

std::string checkpointOptimizerPath(const std::string& weightsPath) {
    return checkpointStem(weightsPath).string() + ".optimizer.safetensors";
}

std::string checkpointWeightsPath(const std::string& path) {
    return fs::path(path).extension() == ".json" ? checkpointStem(path).string() + ".safetensors" : path;
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
    Json previous;
    try {
        previous = Json::parse(readFileBytes(jsonPath));
    } catch (const std::exception&) {
    }
    const std::optional<fs::path> oldWeights = writtenAs(previous, "weights", jsonPath);
    const std::optional<fs::path> oldMoments = writtenAs(previous, "optimizer_state", jsonPath);

    try {
        commitTemporaryFile(jsonTemporary, jsonPath);  // the commit point
    } catch (...) {
        removeTemporaries();
        throw;
    }
    moveIntoPlace(temporaries[0], weightsPath);
    moveIntoPlace(temporaries[1], optimizerPath);
    removeLeftover(oldWeights, weightsPath);
    removeLeftover(oldMoments, optimizerPath);
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
            throw LocatedError({jsonPath, {}, {}}, "loss_scaler: expects an object with a scale above 0, got " + scaler.dump());
        }
        trainer.lossScaler().restore(scale.get<double>(), countIn(scaler, "good_steps", jsonPath),
                                     countIn(scaler, "skipped", jsonPath));
    }
    trainer.setStepsDone(step);
    session->restoreDataPosition(dataPosition, jsonPath);
    return session;
}

}  // namespace pretrainlab::train
