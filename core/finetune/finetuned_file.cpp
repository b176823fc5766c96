#include "core/finetune/finetuned_file.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/json_depth.hpp"
#include "core/data/objectives.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/bundle_bytes.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/weights_file.hpp"

namespace pretrainlab::finetune {

using Json = nlohmann::ordered_json;

void saveFinetuned(const Finetuner& finetuner, const std::string& path, const std::string& base) {
    const std::string weightsPath = train::checkpointWeightsPath(path);
    const std::string jsonPath = train::checkpointJsonPath(weightsPath);
    const std::string weightBytes = train::weightsBytes(finetuner.model().parameters());
    const Json settings = finetuneSettingsJson(finetuner.settings());
    Json json{{"format", "pretrainlab-finetuned"},
              {"version", 1},
              {"task", finetuner.task().name},
              {"settings", settings},
              {"pretrained", finetuner.pretrained()},
              {"base", base},
              {"steps", finetuner.stepsDone()},
              {"held_out_accuracy", finetuner.evaluate().accuracy},
              {"body", train::modelConfigJson(finetuner.base().model->config())},
              {"tokenizer", Json::parse(tokenizerJson(finetuner.base().tokenizer))}};
    writableTarget(jsonPath);  // a JSON path that cannot be replaced is refused before the weights are written

    // The weights under a temporary name, then the JSON that names it: its rename is the commit.
    const std::filesystem::path weightsTemporary = writeTemporaryFile(weightsPath, weightBytes);
    std::filesystem::path jsonTemporary;
    try {
        json["weights"] = train::recordOf(std::filesystem::path(weightsPath).filename().string(), weightBytes, weightsTemporary,
                                          std::filesystem::path(jsonPath).parent_path());
        jsonTemporary = writeTemporaryFile(jsonPath, json.dump(1) + "\n");
    } catch (...) {
        removeQuietly(weightsTemporary);  // a failed save leaves no temporary behind
        throw;
    }
    try {
        commitTemporaryFile(jsonTemporary, jsonPath);  // the commit point
    } catch (...) {
        removeQuietly(weightsTemporary);
        throw;
    }
    train::moveIntoPlace(weightsTemporary, weightsPath);
    train::removeStaleTemporaries(weightsPath, {weightsTemporary});
    train::removeStaleTemporaries(jsonPath, {});
}

FinetunedModel loadFinetuned(const std::string& path) {
    const std::string weightsPath = train::checkpointWeightsPath(path);
    const std::string jsonPath = train::checkpointJsonPath(weightsPath);
    const std::string jsonText = readFileBytes(jsonPath);
    requireShallowJson(jsonText, jsonPath);
    Json json;
    try {
        json = Json::parse(jsonText);
    } catch (const Json::exception& error) {  // also a number past a double's range
        throw LocatedError({jsonPath, {}, {}}, std::string("not valid JSON: ") + error.what());
    }
    if (!json.is_object() || json.value("format", "") != "pretrainlab-finetuned") {
        throw LocatedError({jsonPath, {}, {}}, "not a finetuned PretrainLab model (no \"format\": \"pretrainlab-finetuned\")");
    }
    // At its own name, or under the temporary name the JSON records (a save stopped after its commit).
    std::optional<train::RecordedFile> weights = train::readRecorded(json, jsonPath, weightsPath, "weights");
    if (!weights) weights = train::RecordedFile{weightsPath, readFileBytes(weightsPath)};  // names the missing file
    FinetunedModel out;
    try {
        const FinetuneSettings settings = finetuneSettingsFrom(json.at("settings"));
        Tokenizer tokenizer = parseTokenizerJson(json.at("tokenizer").dump(), jsonPath + ": tokenizer");
        nn::ModelConfig body = train::modelConfigFrom(json.at("body"));
        nn::Index vocabulary = static_cast<nn::Index>(tokenizer.vocabulary().size());
        const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, body.architecture);
        if (vocabulary != body.vocabulary) throw std::invalid_argument("the tokenizer and the body's vocabulary differ");
        auto base = std::make_shared<const train::ModelBundle>(
            train::ModelBundle{std::make_shared<const nn::Transformer<float>>(body, 0), std::move(tokenizer), specials,
                               json.value("base", std::string("a finetuned model"))});
        out.finetuner = std::make_unique<Finetuner>(taskNamed(json.at("task").get<std::string>()), base, settings, false);
        out.base = json.value("base", std::string());
        out.heldOutAccuracy = json.value("held_out_accuracy", 0.0);
    } catch (const LocatedError&) {
        throw;
    } catch (const std::exception& error) {
        throw LocatedError({jsonPath, {}, {}}, error.what());
    }
    out.finetuner->restoreWeights(train::SafetensorsFile(std::move(weights->bytes), weights->path));
    return out;
}

}  // namespace pretrainlab::finetune
