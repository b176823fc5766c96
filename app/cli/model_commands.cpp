#include "app/cli/model_commands.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/pretrained/pretrained_model.hpp"
#include "core/train/inspect_attention.hpp"
#include "core/train/inspect_generation.hpp"
#include "core/train/inspect_scoring.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

const OptionSpec modelOption{"model", "DIR",
                             "a model: a folder in Hugging Face's layout (config.json, model.safetensors and its tokenizer) "
                             "or a checkpoint saved by train",
                             true};

std::shared_ptr<const train::ModelBundle> openModel(const Arguments& arguments) {
    return pretrained::openModel(arguments.required("model"));
}

// A JSON line; a byte-level model's text may hold bytes that are not UTF-8 (a character cut between
// tokens): they print as U+FFFD, as Hugging Face's decode does.
std::string line(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json numberOrNull(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

int runScore(const Arguments& arguments, std::ostream& out) {
    const auto bundle = openModel(arguments);
    const std::vector<std::int32_t> ids = bundle->encode(arguments.required("text"));
    const std::vector<double> logprobs = train::tokenLogProbabilities(*bundle, ids);
    Json scored{{"tokens", bundle->names(ids)}, {"ids", ids}, {"logprobs", Json::array()}};
    for (const double lp : logprobs) scored["logprobs"].push_back(numberOrNull(lp));
    out << line(scored) << '\n';
    return 0;
}

Json candidatesJson(const std::vector<train::Prediction>& candidates) {
    Json list = Json::array();
    for (const train::Prediction& p : candidates) list.push_back({{"token", p.token}, {"p", p.probability}});
    return list;
}

int runGenerate(const Arguments& arguments, std::ostream& out) {
    const auto bundle = openModel(arguments);
    const std::string prompt = arguments.required("prompt");
    if (bundle->architecture() == nn::Architecture::Encoder) {
        // An encoder fills the prompt's [MASK] positions, the most confident first.
        train::MaskFiller filler(bundle, bundle->encodeWithMasks(prompt), 5);
        while (!filler.done()) {
            const train::FilledToken filled = filler.next();
            out << line(Json{{"position", filled.position}, {"id", filled.id}, {"token", filled.text},
                        {"p", filled.probability}, {"candidates", candidatesJson(filled.candidates)}})
                << '\n';
        }
        out << line(Json{{"ids", filler.tokens()}, {"tokens", bundle->names(filler.tokens())}}) << '\n';
        return 0;
    }
    train::SamplingOptions options;
    options.temperature = arguments.number("temperature").value_or(0.0);
    if (options.temperature < 0 || options.temperature > 100) throw UsageError("--temperature expects a number from 0 to 100");
    options.topK = static_cast<int>(arguments.integer("top-k", 0, 1'000'000).value_or(0));
    options.seed = static_cast<std::uint64_t>(arguments.integer("seed", 0, (1LL << 53)).value_or(0));
    options.shown = 5;
    const auto count = static_cast<std::size_t>(arguments.integer("max-tokens", 1, 100'000).value_or(20));
    train::Generator generator(bundle, bundle->encode(prompt), options);
    std::string text;
    for (std::size_t i = 0; i < count; ++i) {
        const train::GeneratedToken token = generator.next();
        out << line(Json{{"id", token.id}, {"token", token.text}, {"p", token.probability},
                    {"candidates", candidatesJson(token.candidates)}})
            << '\n';
    }
    const std::vector<std::int32_t>& all = generator.tokens();
    const std::vector<std::int32_t> added(all.begin() + std::ptrdiff_t(generator.promptLength()), all.end());
    out << line(Json{{"ids", added}, {"text", bundle->tokenizer.decode(std::vector<TokenId>(added.begin(), added.end()), true)}})
        << '\n';
    return 0;
}

int runAttention(const Arguments& arguments, std::ostream& out) {
    const auto bundle = openModel(arguments);
    const nn::ModelConfig& config = bundle->model->config();
    const nn::Index layer = arguments.integer("layer", 0, config.layers - 1).value_or(0);
    const nn::Index head = arguments.integer("head", 0, config.heads - 1).value_or(0);
    const train::ModelInput input = train::readSentence(*bundle, bundle->encode(arguments.required("text")));
    const std::vector<train::AttentionGrid> grids = train::attentionGrids(*bundle, input);
    const train::AttentionGrid& grid = grids.front();  // the encoder's, or the decoder-only model's
    const nn::Matrix<float>& map = grid.at(layer, head);
    Json weights = Json::array();
    for (nn::Index q = 0; q < map.rows(); ++q) {
        Json row = Json::array();
        for (nn::Index k = 0; k < map.cols(); ++k) row.push_back(map(q, k));
        weights.push_back(std::move(row));
    }
    out << line(Json{{"tokens", grid.keyLabels}, {"layer", layer}, {"head", head}, {"attention", grid.title},
                {"weights", std::move(weights)}})
        << '\n';
    return 0;
}

}  // namespace

Command scoreCommand() {
    return {"score",
            "Print each token's log-probability under a model as one JSON object {\"tokens\", \"ids\", \"logprobs\"}: a "
            "decoder's log p(token | the tokens before it), null for the first; an encoder's pseudo-log-likelihood, "
            "log p(token | all the others) with that token masked.",
            {modelOption, {"text", "TEXT", "the text to score", true}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runScore(arguments, out); }};
}

Command generateCommand() {
    return {"generate",
            "Continue a prompt with a decoder, one JSON line per new token (its probability and the most likely "
            "candidates), then the new ids and text; greedy unless a temperature is given. An encoder instead "
            "fills the prompt's [MASK] positions, the most confident first.",
            {modelOption,
             {"prompt", "TEXT", "the text to continue (or, for an encoder, with [MASK] where tokens are missing)", true},
             {"max-tokens", "N", "how many tokens to add (default 20)"},
             {"temperature", "T", "0 for greedy (default); above 0 samples from the softmax of logits / T"},
             {"top-k", "K", "sample among the K most likely tokens only (0: all; default 0)"},
             {"seed", "S", "the same seed gives the same text (default 0)"}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runGenerate(arguments, out); }};
}

Command attentionCommand() {
    return {"attention",
            "Print one head's attention weights for a text as JSON: the tokens as the model reads them (BERT: [CLS] "
            "... [SEP]) and a row per query of the weights over the keys.",
            {modelOption,
             {"text", "TEXT", "the text to read", true},
             {"layer", "L", "the layer, from 0 (default 0)"},
             {"head", "H", "the head, from 0 (default 0)"}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runAttention(arguments, out); }};
}

}  // namespace pretrainlab::cli
