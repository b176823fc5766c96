#include "core/train/bundle_bytes.hpp"

#include <stdexcept>

#include "core/common/error.hpp"
#include "core/common/json_depth.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/run_memory.hpp"
#include "core/train/weights_file.hpp"

namespace pretrainlab::train {

using Json = nlohmann::ordered_json;

Json modelConfigJson(const nn::ModelConfig& c) {
    return {{"arch", std::string(nn::architectureName(c.architecture))},
            {"vocabulary", c.vocabulary},
            {"d", c.width},
            {"layers", c.layers},
            {"decoder_layers", c.decoderLayers},
            {"heads", c.heads},
            {"ctx", c.context},
            {"feed_forward", c.feedForward},
            {"pre_ln", c.preNorm},
            {"segments", c.segments},
            {"next_sentence_head", c.nextSentenceHead},
            {"classes", c.classes},
            {"tags", c.tags},
            {"mean_pooling", c.meanPooling}};
}

nn::ModelConfig modelConfigFrom(const Json& json) {
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
    c.nextSentenceHead = json.value("next_sentence_head", false);
    c.classes = json.value("classes", nn::Index{0});
    c.tags = json.value("tags", nn::Index{0});
    c.meanPooling = json.value("mean_pooling", false);
    if (const std::string problem = c.problem(); !problem.empty()) throw std::invalid_argument(problem);
    return c;
}

BundleBytes bundleBytes(const ModelBundle& bundle) {
    const data::SpecialTokens& s = bundle.specials;
    const Json json{{"format", "pretrainlab-model"},
                    {"version", 1},
                    {"config", modelConfigJson(bundle.model->config())},
                    {"specials", {{"pad", s.pad}, {"cls", s.cls}, {"sep", s.sep}, {"mask", s.mask}, {"bos", s.bos},
                                  {"first_sentinel", s.firstSentinel}, {"sentinels", s.sentinels}}},
                    {"description", bundle.description},
                    {"tokenizer", Json::parse(tokenizerJson(bundle.tokenizer))}};
    return {json.dump(1) + "\n", weightsBytes(bundle.model->parameters())};
}

std::shared_ptr<const ModelBundle> bundleFromBytes(const BundleBytes& bytes, const std::string& source) {
    const auto fail = [&source](const std::string& what) -> void { throw LocatedError({source, std::nullopt, std::nullopt}, what); };
    requireShallowJson(bytes.json, source);
    try {
        const Json json = Json::parse(bytes.json);
        if (!json.is_object() || json.value("format", "") != "pretrainlab-model") fail("not a PretrainLab model's JSON");
        if (json.value("version", 0) != 1) fail("a model of an unknown version");
        const nn::ModelConfig config = modelConfigFrom(json.at("config"));
        Tokenizer tokenizer = parseTokenizerJson(json.at("tokenizer").dump(), source + ": tokenizer");
        const Json& s = json.at("specials");
        data::SpecialTokens specials;
        specials.pad = s.at("pad").get<std::int32_t>();
        specials.cls = s.at("cls").get<std::int32_t>();
        specials.sep = s.at("sep").get<std::int32_t>();
        specials.mask = s.at("mask").get<std::int32_t>();
        specials.bos = s.at("bos").get<std::int32_t>();
        specials.firstSentinel = s.at("first_sentinel").get<std::int32_t>();
        specials.sentinels = s.at("sentinels").get<std::int32_t>();
        const auto textTokens = static_cast<nn::Index>(tokenizer.vocabulary().size());
        if (textTokens > config.vocabulary) {
            fail("its tokenizer has " + std::to_string(textTokens) + " tokens but the model reads " +
                 std::to_string(config.vocabulary));
        }
        for (const std::int32_t id : {specials.pad, specials.cls, specials.sep, specials.mask, specials.bos}) {
            if (id < -1 || id >= config.vocabulary) fail("a special token's id " + std::to_string(id) + " is outside the vocabulary");
        }
        if (specials.sentinels < 0 || (specials.sentinels > 0 && (specials.firstSentinel < 0 ||
                                                                  specials.firstSentinel + specials.sentinels > config.vocabulary))) {
            fail("its sentinel tokens are outside the vocabulary");
        }
        // The shape must fit the weights before a model of it is built: a damaged or made-up shape
        // is refused by its numbers, not by running out of memory.
        const SafetensorsFile weights(bytes.weights, source + ": weights");
        const double available = double(weights.layout().fileBytes) / sizeof(float);
        const double d = double(config.width), f = double(config.ffn());
        for (const double matrix : {d * d, d * f, double(config.vocabulary) * d, double(config.context) * d, double(config.layers),
                                    double(config.decoderBlocks()), double(config.classes) * d, double(config.tags) * d}) {
            if (matrix > available) fail("its shape needs more weights than its weights file holds");
        }
        const std::size_t needed = parameterCount(config);
        if (double(needed) > available) {
            fail("its shape needs " + std::to_string(needed) + " weights but its weights file holds at most " +
                 std::to_string(static_cast<std::size_t>(available)));
        }
        auto model = std::make_shared<nn::Transformer<float>>(config);
        copyWeights(weights, model->parameters());
        return std::make_shared<const ModelBundle>(
            ModelBundle{std::move(model), std::move(tokenizer), specials, json.value("description", std::string())});
    } catch (const LocatedError&) {
        throw;
    } catch (const std::exception& error) {
        fail(std::string("not a model this version reads: ") + error.what());
    }
    return nullptr;
}

}  // namespace pretrainlab::train
