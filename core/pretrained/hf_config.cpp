#include "core/pretrained/hf_config.hpp"

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/json_depth.hpp"

namespace pretrainlab::pretrained {

namespace {

using nlohmann::json;

struct Known {
    const char* architecture;
    const char* modelType;
    Family family;
};
constexpr Known known[] = {{"GPT2LMHeadModel", "gpt2", Family::Gpt2},
                           {"BertForMaskedLM", "bert", Family::Bert},
                           {"BertForPreTraining", "bert", Family::Bert}};

class Reader {
public:
    Reader(const json& config, const std::string& source) : config_(config), source_(source) {}

    [[noreturn]] void fail(const std::string& what) const { throw LocatedError({source_, {}, {}}, what); }

    // A positive whole number under one of `keys` (the first present), or `fallback` when none is
    // and a fallback is given.
    nn::Index size(std::initializer_list<const char*> keys, std::optional<nn::Index> fallback = std::nullopt) const {
        for (const char* key : keys) {
            if (!config_.contains(key) || config_[key].is_null()) continue;
            const json& value = config_[key];
            if (!value.is_number_integer() || value.get<std::int64_t>() < 1 || value.get<std::int64_t>() > (1 << 24)) {
                fail("\"" + std::string(key) + "\" must be a whole number from 1 to 16777216, not " + jsonBrief(value));
            }
            return static_cast<nn::Index>(value.get<std::int64_t>());
        }
        if (fallback) return *fallback;
        fail("has no \"" + std::string(*keys.begin()) + "\"");
    }

    double number(const char* key, double fallback) const {
        if (!config_.contains(key) || config_[key].is_null()) return fallback;
        const json& value = config_[key];
        if (!value.is_number() || !(value.get<double>() > 0) || value.get<double>() > 1) {
            fail("\"" + std::string(key) + "\" must be a number above 0 and at most 1, not " + jsonBrief(value));
        }
        return value.get<double>();
    }

    // A switch that must be `expected` (or absent) for the engine to compute what the model does.
    void require(const char* key, bool expected, const std::string& why) const {
        if (!config_.contains(key) || config_[key].is_null()) return;
        if (!config_[key].is_boolean() || config_[key].get<bool>() != expected) {
            fail("\"" + std::string(key) + "\" is " + jsonBrief(config_[key]) + "; " + why);
        }
    }

    // At most `maximum`: sizes past any real model's, so that a model's size can be counted safely.
    void atMost(const char* what, nn::Index value, nn::Index maximum) const {
        if (value > maximum) fail("describes a " + std::string(what) + " of " + std::to_string(value) + "; PretrainLab opens at most " + std::to_string(maximum));
    }

    std::string text(const char* key, const std::string& fallback) const {
        if (!config_.contains(key) || config_[key].is_null()) return fallback;
        if (!config_[key].is_string()) fail("\"" + std::string(key) + "\" must be a string, not " + jsonBrief(config_[key]));
        return config_[key].get<std::string>();
    }

    nn::GeluForm activation(const char* key, const std::string& fallback) const {
        const std::string name = text(key, fallback);
        if (name == "gelu") return nn::GeluForm::Exact;
        if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return nn::GeluForm::Tanh;
        fail("\"" + std::string(key) + "\" is \"" + name +
             "\"; PretrainLab's engine has the exact GELU (\"gelu\") and its tanh form (\"gelu_new\")");
    }

private:
    const json& config_;
    const std::string& source_;
};

const Known& architectureOf(const json& config, const std::string& source) {
    const auto fail = [&source](const std::string& what) -> const Known& {
        throw LocatedError({source, {}, {}}, what);
    };
    if (config.contains("architectures") && config["architectures"].is_array() && !config["architectures"].empty()) {
        const json& first = config["architectures"].front();
        const std::string name = first.is_string() ? first.get<std::string>() : jsonBrief(first);
        for (const Known& k : known) {
            if (name == k.architecture) return k;
        }
        return fail("the architecture \"" + name + "\" is not supported; PretrainLab opens " + supportedArchitectures());
    }
    // No architectures list: the model type decides (GPT-2's language model, BERT's masked LM).
    const std::string type = config.contains("model_type") && config["model_type"].is_string()
                                 ? config["model_type"].get<std::string>()
                                 : std::string();
    for (const Known& k : known) {
        if (type == k.modelType) return k;
    }
    return fail(type.empty() ? "names no \"architectures\" and no \"model_type\"; PretrainLab opens " + supportedArchitectures()
                             : "the model type \"" + type + "\" is not supported; PretrainLab opens " + supportedArchitectures());
}

}  // namespace

std::string_view familyName(Family family) { return family == Family::Gpt2 ? "GPT-2" : "BERT"; }

std::string supportedArchitectures() {
    std::string names;
    for (const Known& k : known) names += (names.empty() ? "" : ", ") + std::string(k.architecture);
    return names;
}

json parseJsonObject(std::string_view text, const std::string& source) {
    requireShallowJson(text, source);
    json value;
    try {
        value = json::parse(text);
    } catch (const json::exception& e) {
        throw LocatedError({source, {}, {}}, std::string("is not valid JSON: ") + e.what());
    }
    if (!value.is_object()) throw LocatedError({source, {}, {}}, "is not a JSON object");
    return value;
}

HfConfig parseHfConfig(std::string_view text, const std::string& source) {
    const json config = parseJsonObject(text, source);
    const Known& kind = architectureOf(config, source);
    const Reader read(config, source);
    HfConfig out;
    out.family = kind.family;
    out.architecture = kind.architecture;
    nn::ModelConfig& m = out.model;
    m.initialStd = 0;  // the weights come from the file
    m.dropout = 0;
    if (kind.family == Family::Gpt2) {
        m.architecture = nn::Architecture::Decoder;
        m.vocabulary = read.size({"vocab_size"});
        m.width = read.size({"n_embd", "hidden_size"});
        m.layers = read.size({"n_layer", "num_hidden_layers"});
        m.heads = read.size({"n_head", "num_attention_heads"});
        m.context = read.size({"n_positions", "n_ctx"});
        m.feedForward = read.size({"n_inner"}, 4 * m.width);
        m.preNorm = true;
        m.normEpsilon = read.number("layer_norm_epsilon", 1e-5);
        m.gelu = read.activation("activation_function", "gelu_new");
        read.require("scale_attn_weights", true, "PretrainLab's attention always divides by √d_head");
        read.require("scale_attn_by_inverse_layer_idx", false, "PretrainLab's attention does not scale by the layer");
        read.require("reorder_and_upcast_attn", false, "PretrainLab's attention does not reorder its products");
    } else {
        m.architecture = nn::Architecture::Encoder;
        m.vocabulary = read.size({"vocab_size"});
        m.width = read.size({"hidden_size"});
        m.layers = read.size({"num_hidden_layers"});
        m.heads = read.size({"num_attention_heads"});
        m.context = read.size({"max_position_embeddings"});
        m.feedForward = read.size({"intermediate_size"}, 4 * m.width);
        m.segments = read.size({"type_vocab_size"}, 2);
        m.preNorm = false;
        m.normEpsilon = read.number("layer_norm_eps", 1e-12);
        m.gelu = read.activation("hidden_act", "gelu");
        if (const std::string positions = read.text("position_embedding_type", "absolute"); positions != "absolute") {
            read.fail("\"position_embedding_type\" is \"" + positions + "\"; PretrainLab's engine has learned absolute positions");
        }
    }
    read.require("tie_word_embeddings", true, "PretrainLab's output layer is the token embedding (tied)");
    read.atMost("vocabulary (vocab_size)", m.vocabulary, nn::Index(1) << 24);
    read.atMost("width (n_embd, hidden_size)", m.width, 65536);
    read.atMost("MLP width (n_inner, intermediate_size)", m.ffn(), nn::Index(1) << 20);
    read.atMost("number of layers (n_layer, num_hidden_layers)", m.layers, 1024);
    read.atMost("number of heads (n_head, num_attention_heads)", m.heads, 1024);
    read.atMost("context (n_positions, max_position_embeddings)", m.context, nn::Index(1) << 20);
    read.atMost("number of segments (type_vocab_size)", m.segments, 1024);
    if (const std::string problem = m.problem(); !problem.empty()) read.fail("describes a model the engine cannot build: " + problem);
    return out;
}

}  // namespace pretrainlab::pretrained
