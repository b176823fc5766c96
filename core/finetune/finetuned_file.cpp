#include "core/finetune/finetuned_file.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/json_depth.hpp"
#include "core/data/objectives.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/weights_file.hpp"

namespace pretrainlab::finetune {

using Json = nlohmann::ordered_json;

namespace {

Json valueJson(const SettingValue& value) {
    return std::visit([](const auto& v) { return Json(v); }, value);
}

SettingValue valueOf(const FinetuneField& field, const Json& json) {
    switch (field.kind) {
        case SettingKind::Integer: return json.get<std::int64_t>();
        case SettingKind::Number: return json.get<double>();
        case SettingKind::Switch: return json.get<bool>();
        default: return json.get<std::string>();
    }
}

// The pretrained body's shape: what the finetuned model was built from.
Json bodyJson(const nn::ModelConfig& c) {
    return {{"arch", std::string(nn::architectureName(c.architecture))},
            {"vocabulary", c.vocabulary},
            {"d", c.width},
            {"layers", c.layers},
            {"decoder_layers", c.decoderLayers},
            {"heads", c.heads},
            {"ctx", c.context},
            {"feed_forward", c.feedForward},
            {"pre_ln", c.preNorm},
            {"segments", c.segments}};
}

nn::ModelConfig bodyOf(const Json& json) {
    nn::ModelConfig c;
    const std::optional<nn::Architecture> architecture = nn::parseArchitecture(json.at("arch").get<std::string>());
    if (!architecture) throw std::invalid_argument("unknown architecture " + jsonBrief(json.at("arch")));
    c.architecture = *architecture;
    c.vocabulary = json.at("vocabulary").get<nn::Index>();
    c.width = json.at("d").get<nn::Index>();
    c.layers = json.at("layers").get<nn::Index>();
    c.decoderLayers = json.at("decoder_layers").get<nn::Index>();
    c.heads = json.at("heads").get<nn::Index>();
    c.context = json.at("ctx").get<nn::Index>();
    c.feedForward = json.at("feed_forward").get<nn::Index>();
    c.preNorm = json.at("pre_ln").get<bool>();
    c.segments = json.at("segments").get<nn::Index>();
    if (const std::string problem = c.problem(); !problem.empty()) throw std::invalid_argument(problem);
    return c;
}

}  // namespace

void saveFinetuned(const Finetuner& finetuner, const std::string& path, const std::string& base) {
    const std::string weightsPath = train::checkpointWeightsPath(path);
    const std::string jsonPath = train::checkpointJsonPath(weightsPath);
    const std::string weightBytes = train::weightsBytes(finetuner.model().parameters());
    Json settings = Json::object();
    for (const FinetuneField& field : finetuneFields()) settings[field.key] = valueJson(field.get(finetuner.settings()));
    Json json{{"format", "pretrainlab-finetuned"},
              {"version", 1},
              {"task", finetuner.task().name},
              {"settings", settings},
              {"pretrained", finetuner.pretrained()},
              {"base", base},
              {"steps", finetuner.stepsDone()},
              {"held_out_accuracy", finetuner.evaluate().accuracy},
              {"body", bodyJson(finetuner.base().model->config())},
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
        FinetuneSettings settings;
        for (const FinetuneField& field : finetuneFields()) {
            if (json.at("settings").contains(field.key)) field.set(settings, valueOf(field, json.at("settings").at(field.key)));
        }
        Tokenizer tokenizer = parseTokenizerJson(json.at("tokenizer").dump(), jsonPath + ": tokenizer");
        nn::ModelConfig body = bodyOf(json.at("body"));
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
