#include "core/tokenize/io/tokenizer_json.hpp"

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/input_file.hpp"
#include "core/common/json_depth.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"

namespace pretrainlab {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Reads one tokenizer.json, keeping the source name for every message.
class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw LocatedError(SourceLocation{source_, std::nullopt, std::nullopt}, path + ": " + what);
    }

    static std::string typeName(const Json& value) { return value.type_name(); }

    const Json& member(const Json& object, const std::string& path, const char* name) const {
        if (!object.is_object()) fail(path, "expected an object, got " + typeName(object));
        auto it = object.find(name);
        if (it == object.end()) fail(path, std::string("missing \"") + name + "\"");
        return *it;
    }
    const Json* optionalMember(const Json& object, const char* name) const {
        auto it = object.find(name);
        return it == object.end() || it->is_null() ? nullptr : &*it;
    }
    std::string string(const Json& value, const std::string& path) const {
        if (!value.is_string()) fail(path, "expected a string, got " + typeName(value));
        return value.get<std::string>();
    }
    bool boolean(const Json& object, const std::string& path, const char* name, bool fallback) const {
        const Json* value = optionalMember(object, name);
        if (!value) return fallback;
        if (!value->is_boolean()) fail(path + "." + name, "expected true or false, got " + typeName(*value));
        return value->get<bool>();
    }
    TokenId id(const Json& value, const std::string& path) const {
        if (!value.is_number_unsigned()) fail(path, "expected a token id (a whole number from 0), got " + jsonExcerpt(value.dump()));
        if (const std::optional<std::string> problem = idOutOfRange(value.get<std::uint64_t>(), entries_)) {
            fail(path, *problem);
        }
        return static_cast<TokenId>(value.get<std::uint64_t>());
    }
    std::size_t count(const Json& value, const std::string& path) const {
        if (!value.is_number_unsigned()) fail(path, "expected a whole number from 0, got " + jsonExcerpt(value.dump()));
        return static_cast<std::size_t>(std::min<std::uint64_t>(value.get<std::uint64_t>(), SIZE_MAX));
    }
    // Sequences may nest; each level costs a call and a longer path, so the depth is bounded.
    void checkDepth(std::size_t depth, const std::string& path) const {
        if (depth > maxNesting) {
            fail(path, "sequences nested more than " + std::to_string(maxNesting) + " deep are not read");
        }
    }

    void readVocabulary(const Json& model, TokenizerConfig& config) const {
        const Json& vocab = member(model, "model", "vocab");
        if (!vocab.is_object()) fail("model.vocab", "expected an object of token: id, got " + typeName(vocab));
        for (const auto& [token, value] : vocab.items()) {
            const TokenId tokenId = id(value, "model.vocab[\"" + token + "\"]");
            if (!config.vocabulary.set(token, tokenId)) {
                fail("model.vocab[\"" + token + "\"]", "id " + std::to_string(tokenId) +
                                                         " is given to another token as well");
            }
        }
    }

    void readMerges(const Json& model, TokenizerConfig& config) const {
        const Json& merges = member(model, "model", "merges");
        if (!merges.is_array()) fail("model.merges", "expected an array, got " + typeName(merges));
        config.merges.reserve(merges.size());
        for (std::size_t i = 0; i < merges.size(); ++i) {
            const std::string path = "model.merges[" + std::to_string(i) + "]";
            std::string left;
            std::string right;
            if (merges[i].is_string()) {  // "a b", the older form
                const std::string text = merges[i].get<std::string>();
                const std::size_t space = text.find(' ');
                if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos) {
                    fail(path, "expected two tokens separated by one space, got \"" + text + "\"");
                }
                left = text.substr(0, space);
                right = text.substr(space + 1);
            } else if (merges[i].is_array() && merges[i].size() == 2) {  // ["a", "b"]
                left = string(merges[i][0], path + "[0]");
                right = string(merges[i][1], path + "[1]");
            } else {
                fail(path, "expected \"a b\" or [\"a\", \"b\"], got " + jsonExcerpt(merges[i].dump()));
            }
            const std::optional<TokenId> leftId = config.vocabulary.find(left);
            const std::optional<TokenId> rightId = config.vocabulary.find(right);
            if (!leftId) fail(path, "token \"" + left + "\" is not in model.vocab");
            if (!rightId) fail(path, "token \"" + right + "\" is not in model.vocab");
            std::string merged = left;
            const std::string& prefix = config.continuingPrefix;
            merged += !prefix.empty() && right.starts_with(prefix) ? right.substr(prefix.size()) : right;
            if (!config.vocabulary.find(merged)) {
                fail(path, "the merged token \"" + merged + "\" is not in model.vocab");
            }
            config.merges.push_back({*leftId, *rightId});
        }
    }

    void readModel(const Json& root, TokenizerConfig& config) const {
        const Json& model = member(root, "<root>", "model");
        if (!model.is_object()) fail("model", "expected an object, got " + typeName(model));
        const Json* type = optionalMember(model, "type");
        std::string kind = type ? string(*type, "model.type") : std::string();
        if (kind.empty()) {  // older files leave the type out
            kind = model.contains("merges") ? "BPE" : model.contains("max_input_chars_per_word") ? "WordPiece" : "";
            if (kind.empty()) fail("model", "missing \"type\" (BPE or WordPiece)");
        }
        if (const Json* unknown = optionalMember(model, "unk_token")) {
            config.unknownToken = string(*unknown, "model.unk_token");
        } else if (kind == "WordPiece") {
            config.unknownToken = "[UNK]";  // Hugging Face's default
        }
        if (const Json* prefix = optionalMember(model, "continuing_subword_prefix")) {
            config.continuingPrefix = string(*prefix, "model.continuing_subword_prefix");
        }
        if (kind == "BPE") {
            config.model = TokenizerModel::Bpe;
            if (const Json* suffix = optionalMember(model, "end_of_word_suffix");
                suffix && !string(*suffix, "model.end_of_word_suffix").empty()) {
                fail("model.end_of_word_suffix", "end-of-word suffixes are not supported");
            }
            if (boolean(model, "model", "byte_fallback", false)) {
                fail("model.byte_fallback", "byte fallback is not supported");
            }
            if (const Json* dropout = optionalMember(model, "dropout");
                dropout && (!dropout->is_number() || dropout->get<double>() != 0.0)) {
                fail("model.dropout", "BPE dropout is not supported (expected null)");
            }
            config.ignoreMerges = boolean(model, "model", "ignore_merges", false);
            readVocabulary(model, config);
            readMerges(model, config);
        } else if (kind == "WordPiece") {
            config.model = TokenizerModel::WordPiece;
            if (config.continuingPrefix.empty()) config.continuingPrefix = "##";
            if (const Json* longest = optionalMember(model, "max_input_chars_per_word")) {
                config.maxInputCharsPerWord = count(*longest, "model.max_input_chars_per_word");
            }
            readVocabulary(model, config);
        } else {
            fail("model.type", "model \"" + kind + "\" is not supported (BPE and WordPiece are)");
        }
    }

    // After the added tokens: Hugging Face's own WordPiece files may hold [UNK] only there.
    void checkUnknownToken(const TokenizerConfig& config) const {
        if (config.unknownToken && !config.vocabulary.find(*config.unknownToken)) {
            fail("model.unk_token", "\"" + *config.unknownToken + "\" is neither in model.vocab nor an added token" +
                                        (config.model == TokenizerModel::WordPiece
                                             ? std::string(": WordPiece needs it for words it cannot spell")
                                             : std::string()));
        }
    }

    void readNormalizer(const Json& normalizer, const std::string& path, TokenizerConfig& config,
                        std::size_t depth = 0) const {
        checkDepth(depth, path);
        const std::string type = string(member(normalizer, path, "type"), path + ".type");
        std::vector<NormalizerStep> steps = config.normalizer.steps();
        NormalizerStep step;
        if (type == "Sequence") {
            const Json& list = member(normalizer, path, "normalizers");
            if (!list.is_array()) fail(path + ".normalizers", "expected an array");
            for (std::size_t i = 0; i < list.size(); ++i) {
                readNormalizer(list[i], path + ".normalizers[" + std::to_string(i) + "]", config, depth + 1);
            }
            return;
        }
        if (type == "NFC") step.kind = NormalizerStep::Kind::Nfc;
        else if (type == "NFD") step.kind = NormalizerStep::Kind::Nfd;
        else if (type == "NFKC") step.kind = NormalizerStep::Kind::Nfkc;
        else if (type == "NFKD") step.kind = NormalizerStep::Kind::Nfkd;
        else if (type == "Lowercase") step.kind = NormalizerStep::Kind::Lowercase;
        else if (type == "StripAccents") step.kind = NormalizerStep::Kind::StripAccents;
        else if (type == "BertNormalizer") {
            step.kind = NormalizerStep::Kind::Bert;
            step.cleanText = boolean(normalizer, path, "clean_text", true);
            step.handleChineseChars = boolean(normalizer, path, "handle_chinese_chars", true);
            step.lowercase = boolean(normalizer, path, "lowercase", true);
            if (optionalMember(normalizer, "strip_accents")) {
                step.stripAccents = boolean(normalizer, path, "strip_accents", false);
            }
        } else {
            fail(path + ".type", "normalizer \"" + type + "\" is not supported (BertNormalizer, "
                                 "Lowercase, NFC, NFD, NFKC, NFKD, StripAccents and Sequence are)");
        }
        steps.push_back(step);
        config.normalizer = Normalizer(std::move(steps));
    }

    void readPreTokenizer(const Json& preTokenizer, const std::string& path, TokenizerConfig& config,
                          std::size_t depth = 0) const {
        checkDepth(depth, path);
        const std::string type = string(member(preTokenizer, path, "type"), path + ".type");
        if (type == "Sequence") {
            const Json& list = member(preTokenizer, path, "pretokenizers");
            if (!list.is_array() || list.size() != 1) {
                fail(path + ".pretokenizers", "only a sequence of one pre-tokenizer is supported");
            }
            return readPreTokenizer(list[0], path + ".pretokenizers[0]", config, depth + 1);
        }
        if (type == "ByteLevel") {
            config.byteLevel = true;
            config.addPrefixSpace = boolean(preTokenizer, path, "add_prefix_space", false);
            if (boolean(preTokenizer, path, "use_regex", true)) config.preTokenizer = PreTokenizerKind::ByteLevel;
        } else if (type == "Whitespace") {
            config.preTokenizer = PreTokenizerKind::Whitespace;
        } else if (type == "WhitespaceSplit") {
            config.preTokenizer = PreTokenizerKind::WhitespaceSplit;
        } else if (type == "BertPreTokenizer") {
            config.preTokenizer = PreTokenizerKind::Bert;
        } else {
            fail(path + ".type", "pre-tokenizer \"" + type + "\" is not supported (ByteLevel, "
                                 "Whitespace, WhitespaceSplit and BertPreTokenizer are)");
        }
    }

    TokenId specialId(const std::string& token, const std::string& path, const TokenizerConfig& config) const {
        const std::optional<TokenId> found = config.vocabulary.find(token);
        if (!found) fail(path, "special token \"" + token + "\" is not in the vocabulary");
        return *found;
    }

    // TemplateProcessing: "single" lists the pieces; each SpecialToken names an entry of
    // "special_tokens", whose ids are what is written (several, possibly).
    void readTemplate(const Json& processor, const std::string& path, TokenizerConfig& config) const {
        const Json& single = member(processor, path, "single");
        if (!single.is_array()) fail(path + ".single", "expected an array");
        const Json* specials = optionalMember(processor, "special_tokens");
        if (specials && !specials->is_object()) fail(path + ".special_tokens", "expected an object");
        bool afterSequence = false;
        config.prefixTokens.clear();
        config.suffixTokens.clear();
        config.templateKeepsText = false;
        for (std::size_t i = 0; i < single.size(); ++i) {
            const std::string itemPath = path + ".single[" + std::to_string(i) + "]";
            if (!single[i].is_object()) fail(itemPath, "expected a Sequence or a SpecialToken");
            if (single[i].contains("Sequence")) {
                const std::string sequence = string(member(single[i]["Sequence"], itemPath + ".Sequence", "id"),
                                                    itemPath + ".Sequence.id");
                if (sequence != "A") fail(itemPath + ".Sequence.id", "a single sequence is $A, not $" + sequence);
                if (config.templateKeepsText) fail(itemPath, "$A appears twice");
                afterSequence = true;
                config.templateKeepsText = true;
            } else if (single[i].contains("SpecialToken")) {
                const std::string name = string(member(single[i]["SpecialToken"], itemPath + ".SpecialToken", "id"),
                                                itemPath + ".SpecialToken.id");
                std::vector<TokenId>& out = afterSequence ? config.suffixTokens : config.prefixTokens;
                const auto entry = specials ? specials->find(name) : Json::const_iterator();
                if (!specials || entry == specials->end()) {
                    fail(itemPath, "special token \"" + name + "\" is not in " + path + ".special_tokens");
                }
                const std::string entryPath = path + ".special_tokens[\"" + name + "\"]";
                const Json& ids = member(*entry, entryPath, "ids");
                if (!ids.is_array()) fail(entryPath + ".ids", "expected an array of ids");
                for (std::size_t k = 0; k < ids.size(); ++k) {
                    const TokenId tokenId = id(ids[k], entryPath + ".ids[" + std::to_string(k) + "]");
                    if (!config.vocabulary.has(tokenId)) {
                        fail(entryPath + ".ids[" + std::to_string(k) + "]",
                             "id " + std::to_string(tokenId) + " is not in the vocabulary");
                    }
                    out.push_back(tokenId);
                }
            } else {
                fail(itemPath, "expected a Sequence or a SpecialToken");
            }
        }
    }

    void readPostProcessor(const Json& processor, const std::string& path, TokenizerConfig& config,
                           std::size_t depth = 0) const {
        checkDepth(depth, path);
        const std::string type = string(member(processor, path, "type"), path + ".type");
        if (type == "Sequence") {
            const Json& list = member(processor, path, "processors");
            if (!list.is_array()) fail(path + ".processors", "expected an array");
            for (std::size_t i = 0; i < list.size(); ++i) {
                readPostProcessor(list[i], path + ".processors[" + std::to_string(i) + "]", config, depth + 1);
            }
        } else if (type == "BertProcessing" || type == "RobertaProcessing") {
            const Json& cls = member(processor, path, "cls");
            const Json& sep = member(processor, path, "sep");
            if (!cls.is_array() || cls.size() != 2 || !sep.is_array() || sep.size() != 2) {
                fail(path, "expected cls and sep as [token, id]");
            }
            config.prefixTokens = {id(cls[1], path + ".cls[1]")};
            config.suffixTokens = {id(sep[1], path + ".sep[1]")};
            for (const TokenId special : {config.prefixTokens[0], config.suffixTokens[0]}) {
                if (!config.vocabulary.has(special)) {
                    fail(path, "id " + std::to_string(special) + " is not in the vocabulary");
                }
            }
            config.templateKeepsText = true;
        } else if (type == "TemplateProcessing") {
            readTemplate(processor, path, config);
        } else if (type != "ByteLevel") {  // ByteLevel only trims offsets, which ids do not carry
            fail(path + ".type", "post-processor \"" + type + "\" is not supported (TemplateProcessing, "
                                 "BertProcessing, RobertaProcessing, ByteLevel and Sequence are)");
        }
    }

    void readDecoder(const Json& decoder, const std::string& path, TokenizerConfig& config) const {
        const std::string type = string(member(decoder, path, "type"), path + ".type");
        if (type == "ByteLevel") {
            config.decoder = DecoderKind::ByteLevel;
        } else if (type == "WordPiece") {
            config.decoder = DecoderKind::WordPiece;
            if (const Json* prefix = optionalMember(decoder, "prefix")) config.decoderPrefix = string(*prefix, path + ".prefix");
            config.decoderCleanup = boolean(decoder, path, "cleanup", true);
        } else if (type == "BPEDecoder" || type == "Metaspace" || type == "CTC" || type == "Sequence" ||
                   type == "Replace" || type == "Fuse" || type == "Strip" || type == "ByteFallback") {
            fail(path + ".type", "decoder \"" + type + "\" is not supported (ByteLevel and WordPiece are)");
        } else {
            fail(path + ".type", "\"" + type + "\" is not a decoder Hugging Face knows (it knows BPEDecoder, "
                                 "ByteLevel, ByteFallback, CTC, Fuse, Metaspace, Replace, Sequence, Strip, WordPiece)");
        }
    }

    TokenizerConfig read(std::string_view text) const {
        requireShallowJson(text, source_);
        Json root;
        try {
            root = Json::parse(text);
        } catch (const Json::parse_error& error) {
            const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
            std::string what = error.what();
            if (const std::size_t colon = what.find(": ", what.find("column")); colon != std::string::npos) {
                what = what.substr(colon + 2);
            }
            throw LocatedError(SourceLocation{source_, lineOfOffset(text, offset), offset},
                               "not valid JSON: " + what);
        } catch (const Json::exception&) {  // a number too large for a double
            throw LocatedError(SourceLocation{source_, std::nullopt, std::nullopt},
                               "not valid JSON: it holds a number too large to read");
        }
        if (!root.is_object()) fail("<root>", "expected a JSON object, got " + typeName(root));
        entries_ = 0;
        if (const auto model = root.find("model"); model != root.end() && model->is_object()) {
            if (const auto vocab = model->find("vocab"); vocab != model->end()) entries_ += vocab->size();
        }
        if (const auto added = root.find("added_tokens"); added != root.end()) entries_ += added->size();
        TokenizerConfig config;
        readModel(root, config);
        if (const Json* normalizer = optionalMember(root, "normalizer")) readNormalizer(*normalizer, "normalizer", config);
        if (const Json* preTokenizer = optionalMember(root, "pre_tokenizer")) readPreTokenizer(*preTokenizer, "pre_tokenizer", config);
        if (const Json* added = optionalMember(root, "added_tokens")) {
            if (!added->is_array()) fail("added_tokens", "expected an array");
            for (std::size_t i = 0; i < added->size(); ++i) {
                const std::string path = "added_tokens[" + std::to_string(i) + "]";
                const Json& entry = (*added)[i];
                AddedToken token;
                token.content = string(member(entry, path, "content"), path + ".content");
                token.id = id(member(entry, path, "id"), path + ".id");
                token.special = boolean(entry, path, "special", true);
                if (const std::optional<TokenId> known = config.vocabulary.find(token.content)) {
                    if (*known != token.id) {
                        fail(path + ".id", "\"" + token.content + "\" has id " + std::to_string(*known) +
                                               " in model.vocab, not " + std::to_string(token.id));
                    }
                } else if (!config.vocabulary.set(token.content, token.id)) {
                    fail(path + ".id", "id " + std::to_string(token.id) + " belongs to another token");
                }
                config.addedTokens.push_back(token);
            }
        }
        checkUnknownToken(config);
        if (const Json* processor = optionalMember(root, "post_processor")) readPostProcessor(*processor, "post_processor", config);
        if (const Json* decoder = optionalMember(root, "decoder")) {
            readDecoder(*decoder, "decoder", config);
        } else if (root.contains("decoder")) {
            config.decoder = DecoderKind::None;  // "decoder": null
        }
        return config;
    }

private:
    static constexpr std::size_t maxNesting = 32;
    std::string source_;
    mutable std::size_t entries_ = 0;  // vocabulary and added tokens: how far ids may reach
};

OrderedJson normalizerJson(const NormalizerStep& step) {
    switch (step.kind) {
        case NormalizerStep::Kind::Nfc: return {{"type", "NFC"}};
        case NormalizerStep::Kind::Nfd: return {{"type", "NFD"}};
        case NormalizerStep::Kind::Nfkc: return {{"type", "NFKC"}};
        case NormalizerStep::Kind::Nfkd: return {{"type", "NFKD"}};
        case NormalizerStep::Kind::Lowercase: return {{"type", "Lowercase"}};
        case NormalizerStep::Kind::StripAccents: return {{"type", "StripAccents"}};
        case NormalizerStep::Kind::Bert: {
            OrderedJson json{{"type", "BertNormalizer"},
                             {"clean_text", step.cleanText},
                             {"handle_chinese_chars", step.handleChineseChars},
                             {"strip_accents", nullptr},
                             {"lowercase", step.lowercase}};
            if (step.stripAccents) json["strip_accents"] = *step.stripAccents;
            return json;
        }
    }
    return nullptr;
}

}  // namespace

Tokenizer parseTokenizerJson(std::string_view text, const std::string& source) {
    TokenizerConfig config = Reader(source).read(withoutByteOrderMark(text));
    try {
        return Tokenizer(std::move(config));
    } catch (const std::exception& error) {
        throw LocatedError(SourceLocation{source, std::nullopt, std::nullopt}, error.what());
    }
}

Tokenizer readTokenizerJson(const std::filesystem::path& path) {
    return parseTokenizerJson(readInputFile(path), path.string());
}

std::string tokenizerJson(const Tokenizer& tokenizer) {
    const TokenizerConfig& config = tokenizer.config();
    const Vocabulary& vocabulary = config.vocabulary;
    OrderedJson root;
    root["version"] = "1.0";
    root["truncation"] = nullptr;
    root["padding"] = nullptr;
    OrderedJson added = OrderedJson::array();
    for (const AddedToken& token : config.addedTokens) {
        added.push_back({{"id", token.id}, {"content", token.content}, {"single_word", false},
                         {"lstrip", false}, {"rstrip", false}, {"normalized", false},
                         {"special", token.special}});
    }
    root["added_tokens"] = added;

    const std::vector<NormalizerStep>& steps = config.normalizer.steps();
    if (steps.empty()) {
        root["normalizer"] = nullptr;
    } else if (steps.size() == 1) {
        root["normalizer"] = normalizerJson(steps[0]);
    } else {
        OrderedJson list = OrderedJson::array();
        for (const NormalizerStep& step : steps) list.push_back(normalizerJson(step));
        root["normalizer"] = {{"type", "Sequence"}, {"normalizers", list}};
    }

    if (config.byteLevel) {
        root["pre_tokenizer"] = {{"type", "ByteLevel"},
                                 {"add_prefix_space", config.addPrefixSpace},
                                 {"trim_offsets", true},
                                 {"use_regex", config.preTokenizer == PreTokenizerKind::ByteLevel}};
    } else if (!config.preTokenizer) {
        root["pre_tokenizer"] = nullptr;
    } else {
        static const char* names[] = {"WhitespaceSplit", "Whitespace", "ByteLevel", "BertPreTokenizer"};
        root["pre_tokenizer"] = {{"type", names[static_cast<int>(*config.preTokenizer)]}};
    }

    if (config.prefixTokens.empty() && config.suffixTokens.empty()) {
        root["post_processor"] = nullptr;
    } else {
        OrderedJson single = OrderedJson::array();
        OrderedJson specials = OrderedJson::object();
        const auto special = [&](TokenId id) {
            const std::string& token = vocabulary.token(id);
            single.push_back({{"SpecialToken", {{"id", token}, {"type_id", 0}}}});
            specials[token] = {{"id", token}, {"ids", {id}}, {"tokens", {token}}};
        };
        for (const TokenId id : config.prefixTokens) special(id);
        if (config.templateKeepsText) single.push_back({{"Sequence", {{"id", "A"}, {"type_id", 0}}}});
        for (const TokenId id : config.suffixTokens) special(id);
        root["post_processor"] = {{"type", "TemplateProcessing"}, {"single", single},
                                  {"pair", single}, {"special_tokens", specials}};
    }

    const DecoderKind decoder = config.decoder != DecoderKind::Model ? config.decoder
                                : config.model == TokenizerModel::WordPiece ? DecoderKind::WordPiece
                                : config.byteLevel ? DecoderKind::ByteLevel
                                                   : DecoderKind::None;
    if (decoder == DecoderKind::WordPiece) {
        const std::string& prefix = config.decoderPrefix.empty() ? config.continuingPrefix : config.decoderPrefix;
        root["decoder"] = {{"type", "WordPiece"}, {"prefix", prefix.empty() ? std::string("##") : prefix},
                           {"cleanup", config.decoderCleanup}};
    } else if (decoder == DecoderKind::ByteLevel) {
        root["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true},
                           {"use_regex", true}};
    } else {
        root["decoder"] = nullptr;
    }

    OrderedJson vocab = OrderedJson::object();
    for (TokenId id = 0; id < vocabulary.size(); ++id) {
        if (vocabulary.has(id)) vocab[vocabulary.token(id)] = id;
    }
    OrderedJson model;
    if (config.model == TokenizerModel::WordPiece) {
        model["type"] = "WordPiece";
        model["unk_token"] = config.unknownToken.value_or("[UNK]");
        model["continuing_subword_prefix"] = config.continuingPrefix;
        model["max_input_chars_per_word"] = config.maxInputCharsPerWord;
        model["vocab"] = std::move(vocab);
    } else {
        if (config.mergesFromTokenRanks) {
            throw std::invalid_argument("a tiktoken rank file has no merge list to write as tokenizer.json");
        }
        model["type"] = "BPE";
        model["dropout"] = nullptr;
        model["unk_token"] = config.unknownToken ? OrderedJson(*config.unknownToken) : OrderedJson(nullptr);
        model["continuing_subword_prefix"] =
            config.continuingPrefix.empty() ? OrderedJson(nullptr) : OrderedJson(config.continuingPrefix);
        model["end_of_word_suffix"] = nullptr;
        model["fuse_unk"] = false;
        model["byte_fallback"] = false;
        model["ignore_merges"] = config.ignoreMerges;
        model["vocab"] = std::move(vocab);
        OrderedJson merges = OrderedJson::array();
        for (const TokenPair& pair : config.merges) {
            merges.push_back({vocabulary.token(pair.left), vocabulary.token(pair.right)});
        }
        model["merges"] = std::move(merges);
    }
    root["model"] = std::move(model);
    return root.dump(2, ' ', false, OrderedJson::error_handler_t::strict) + "\n";
}

void writeTokenizerJson(const Tokenizer& tokenizer, const std::filesystem::path& path) {
    writeFileAtomically(path, tokenizerJson(tokenizer));
}

}  // namespace pretrainlab
