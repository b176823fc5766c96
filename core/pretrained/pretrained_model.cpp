#include "core/pretrained/pretrained_model.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "core/common/error.hpp"
#include "core/common/input_file.hpp"
#include "core/common/memory.hpp"
#include "core/pretrained/hf_weights.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/train/checkpoint.hpp"

namespace pretrainlab::pretrained {

namespace fs = std::filesystem;

namespace {

std::string gigabytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", double(bytes) / 1e9);
    return text;
}

// "124 M", "1.5 M", "28 k": a parameter count in a few digits.
std::string millions(std::uint64_t count) {
    char text[32];
    if (count >= 10'000'000) std::snprintf(text, sizeof text, "%.0f M", double(count) / 1e6);
    else if (count >= 1'000'000) std::snprintf(text, sizeof text, "%.1f M", double(count) / 1e6);
    else std::snprintf(text, sizeof text, "%.0f k", double(count) / 1e3);
    return text;
}

// The ids of BERT's special tokens in its vocabulary (none for GPT-2, which reads plain text).
data::SpecialTokens specialsOf(Family family, const Tokenizer& tokenizer) {
    data::SpecialTokens specials;
    if (family != Family::Bert) return specials;
    const auto id = [&tokenizer](const char* token) {
        const auto found = tokenizer.vocabulary().find(token);
        return found ? static_cast<std::int32_t>(*found) : -1;
    };
    specials.pad = id("[PAD]");
    specials.cls = id("[CLS]");
    specials.sep = id("[SEP]");
    specials.mask = id("[MASK]");
    return specials;
}

// A lone vocab.txt does not say whether the model is cased; the folder's tokenizer_config.json
// does, and is read as transformers' BertTokenizer reads it: do_lower_case, strip_accents (null:
// with lowercasing) and tokenize_chinese_chars set BERT's normalizer. Without the file, the
// vocabulary's own letters decide (readBertVocab).
Tokenizer withTokenizerConfig(Tokenizer tokenizer, const fs::path& file) {
    std::error_code error;
    if (!fs::is_regular_file(file, error)) return tokenizer;
    const std::string source = file.string();
    const nlohmann::json config = parseJsonObject(readInputFile(file, 1u << 20), source);
    const auto flag = [&](const char* key) -> std::optional<bool> {
        if (!config.contains(key)) return std::nullopt;
        if (!config[key].is_boolean()) throw LocatedError({source, {}, {}}, std::string(key) + " must be true or false");
        return config[key].get<bool>();
    };
    const std::optional<bool> lowercase = flag("do_lower_case");
    const std::optional<bool> chinese = flag("tokenize_chinese_chars");
    const bool accentsGiven = config.contains("strip_accents");
    const std::optional<bool> accents = accentsGiven && !config["strip_accents"].is_null() ? flag("strip_accents") : std::nullopt;
    if (!lowercase && !chinese && !accentsGiven) return tokenizer;
    TokenizerConfig changed = tokenizer.config();
    std::vector<NormalizerStep> steps = changed.normalizer.steps();
    for (NormalizerStep& step : steps) {
        if (step.kind != NormalizerStep::Kind::Bert) continue;
        if (lowercase) step.lowercase = *lowercase;
        if (chinese) step.handleChineseChars = *chinese;
        if (accentsGiven) step.stripAccents = accents;
    }
    changed.normalizer = Normalizer(std::move(steps));
    return Tokenizer(std::move(changed));
}

}  // namespace

bool isModelFolder(const fs::path& path) {
    std::error_code error;
    return fs::is_directory(path, error) && fs::is_regular_file(path / "config.json", error);
}

ModelFolder findModelFiles(const fs::path& folder) {
    const std::string where = folder.string();
    const auto fail = [&where](const std::string& what) -> ModelFolder { throw LocatedError({where, {}, {}}, what); };
    std::error_code error;
    if (!fs::is_directory(folder, error)) return fail("is not a folder; a model is a folder with config.json, model.safetensors and its tokenizer");
    const auto has = [&](const char* name) { return fs::is_regular_file(folder / name, error); };
    ModelFolder files;
    if (!has("config.json")) return fail("has no config.json; a model is a folder with config.json, model.safetensors and its tokenizer");
    files.config = folder / "config.json";
    if (!has("model.safetensors")) {
        if (has("model.safetensors.index.json")) {
            return fail("holds a model split into several safetensors files (model.safetensors.index.json); PretrainLab reads a "
                        "model in one model.safetensors");
        }
        if (has("pytorch_model.bin") || has("tf_model.h5") || has("flax_model.msgpack")) {
            return fail("has no model.safetensors: PretrainLab reads only safetensors, never pickled pytorch_model.bin files "
                        "(loading a pickle can run code). Download model.safetensors from the model's page, or convert with "
                        "Python: AutoModel.from_pretrained(folder).save_pretrained(folder, safe_serialization=True)");
        }
        return fail("has no model.safetensors");
    }
    files.weights = folder / "model.safetensors";
    if (has("tokenizer.json")) {
        files.tokenizer = folder / "tokenizer.json";
    } else if (has("vocab.json")) {
        if (!has("merges.txt")) return fail("has vocab.json but no merges.txt beside it");
        files.tokenizer = folder / "vocab.json";
        files.merges = folder / "merges.txt";
    } else if (has("vocab.txt")) {
        files.tokenizer = folder / "vocab.txt";
    } else {
        return fail("has no tokenizer: tokenizer.json, vocab.json with merges.txt, or vocab.txt");
    }
    return files;
}

std::uint64_t parameterBytes(const nn::ModelConfig& config) { return nn::parameterCount(config) * sizeof(float); }

std::shared_ptr<const train::ModelBundle> openPretrained(const fs::path& folder, const Progress& progress,
                                                         std::optional<std::uint64_t> available) {
    const ModelFolder files = findModelFiles(folder);
    const HfConfig config = parseHfConfig(readInputFile(files.config, 1u << 20), files.config.string());
    Tokenizer tokenizer = loadTokenizer(files.tokenizer, files.merges);
    if (files.tokenizer.filename() == "vocab.txt") tokenizer = withTokenizerConfig(std::move(tokenizer), folder / "tokenizer_config.json");
    if (tokenizer.vocabulary().size() > static_cast<std::size_t>(config.model.vocabulary)) {
        throw LocatedError({files.tokenizer.string(), {}, {}},
                           "has " + std::to_string(tokenizer.vocabulary().size()) + " tokens but the model reads " +
                               std::to_string(config.model.vocabulary) + " (config.json's vocab_size): it is not this model's tokenizer");
    }
    const std::uint64_t needed = parameterBytes(config.model);
    if (!available) available = availableMemoryBytes();
    if (available && needed > *available) {
        throw LocatedError({folder.string(), {}, {}},
                           std::string(familyName(config.family)) + " with " + millions(needed / sizeof(float)) +
                               " parameters needs about " + gigabytes(needed) + " of memory; " + gigabytes(*available) +
                               " is available");
    }
    if (progress.stopRequested()) throw Cancelled();
    auto model = std::make_shared<nn::Transformer<float>>(config.model);
    loadHfWeights(files.weights, config, *model, progress);
    // The folder's own name, also when given as "gpt2/" or ".": "GPT-2 gpt2 (124.4 M parameters)"
    std::filesystem::path named = std::filesystem::absolute(folder).lexically_normal();
    if (named.filename().empty()) named = named.parent_path();
    std::string description(familyName(config.family));
    description += ' ';
    if (!named.filename().empty()) {
        description += named.filename().string();
        description += ' ';
    }
    description += '(';
    description += millions(model->parameters().size());
    description += " parameters)";
    const data::SpecialTokens specials = specialsOf(config.family, tokenizer);
    if (config.family == Family::Bert && (specials.cls < 0 || specials.sep < 0 || specials.mask < 0)) {
        throw LocatedError({files.tokenizer.string(), {}, {}}, "has no [CLS], [SEP] or [MASK]: it is not a BERT tokenizer");
    }
    return std::make_shared<const train::ModelBundle>(
        train::ModelBundle{std::move(model), std::move(tokenizer), specials, std::move(description)});
}

std::shared_ptr<const train::ModelBundle> openModel(const fs::path& path, const Progress& progress) {
    std::error_code error;
    if (fs::is_directory(path, error)) return openPretrained(path, progress);
    return train::loadCheckpointModel(train::checkpointWeightsPath(path.string())).bundle;
}

}  // namespace pretrainlab::pretrained
