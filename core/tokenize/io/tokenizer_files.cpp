#include "core/tokenize/io/tokenizer_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/common/base64.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/input_file.hpp"
#include "core/common/json_depth.hpp"
#include "core/text/byte_level.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"

namespace pretrainlab {
namespace {

// Calls `each(line, lineNumber)` for every line, without its line break (\n or \r\n).
template <typename Each>
void forEachLine(std::string_view text, Each each) {
    std::size_t start = 0;
    std::size_t number = 1;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.ends_with('\r')) line.remove_suffix(1);
        each(line, number++);
        start = end + 1;
    }
}

[[noreturn]] void failAt(const std::filesystem::path& path, std::size_t line, const std::string& what) {
    throw LocatedError(SourceLocation{path.string(), line, std::nullopt}, what);
}

[[noreturn]] void failIn(const std::filesystem::path& path, const std::string& what) {
    throw LocatedError(SourceLocation{path.string(), std::nullopt, std::nullopt}, what);
}

std::string hexByte(unsigned char byte) {
    static const char digits[] = "0123456789ABCDEF";
    std::string text = "0x";
    text.push_back(digits[byte >> 4]);
    text.push_back(digits[byte & 15]);
    return text;
}

Tokenizer build(TokenizerConfig config, const std::filesystem::path& path) {
    try {
        return Tokenizer(std::move(config));
    } catch (const std::exception& error) {
        throw LocatedError(SourceLocation{path.string(), std::nullopt, std::nullopt}, error.what());
    }
}

// Quotes the start of a line for a message.
std::string quoted(std::string_view line) {
    constexpr std::size_t shown = 40;
    std::string text(line.substr(0, shown));
    for (char& c : text) {
        if (c == '\t') c = ' ';
    }
    return "\"" + text + (line.size() > shown ? "...\"" : "\"");
}

// A BERT vocab.txt holds one token per line, and tokens never hold white space (the pre-tokenizer
// splits there). Throws, saying what the file looks like, for anything else.
void refuseIfNotVocabTxt(const std::filesystem::path& path, std::string_view text) {
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
        throw LocatedError(SourceLocation{path.string(), lineOfOffset(text, nul), nul},
                           "a NUL byte: this is a binary file, not a tokenizer");
    }
    utf8::requireValid(text, path.string());
    bool pairsOnly = true;
    std::optional<std::pair<std::size_t, std::string_view>> firstSpaced;
    bool tabScores = true;
    forEachLine(text, [&](std::string_view line, std::size_t number) {
        if (line.empty() || (number == 1 && line.starts_with("#version"))) return;
        const std::size_t blank = line.find_first_of(" \t");
        if (blank == std::string_view::npos) {
            pairsOnly = false;
            tabScores = false;
            return;
        }
        if (!firstSpaced) firstSpaced = {number, line};
        const std::size_t space = line.find(' ');
        pairsOnly = pairsOnly && space != std::string_view::npos && space > 0 && space + 1 < line.size() &&
                    line.find_first_of(" \t", space + 1) == std::string_view::npos && line.find('\t') == std::string_view::npos;
        const std::size_t tab = line.find('\t');
        tabScores = tabScores && tab != std::string_view::npos && line.find('\t', tab + 1) == std::string_view::npos;
    });
    if (!firstSpaced) return;
    const auto [line, content] = *firstSpaced;
    if (text.starts_with("#version") || pairsOnly) {
        failAt(path, line, "this looks like a merges.txt (a pair of tokens per line), not a tokenizer: give its "
                           "vocab.json as the tokenizer and this file as its merges");
    }
    if (tabScores) {
        failAt(path, line, "this looks like a SentencePiece .vocab (a token and its score per line), which is "
                           "not read here: give a tokenizer.json, vocab.json, tiktoken rank file or vocab.txt");
    }
    failAt(path, line, "this looks like plain text, not a tokenizer: a vocab.txt holds one token per line, "
                       "without spaces, and this line is " + quoted(content));
}

void useGpt2Layout(TokenizerConfig& config) {
    config.model = TokenizerModel::Bpe;
    config.byteLevel = true;
    config.preTokenizer = PreTokenizerKind::ByteLevel;
    if (const std::optional<TokenId> end = config.vocabulary.find("<|endoftext|>")) {
        config.addedTokens.push_back({"<|endoftext|>", *end, true});
    }
}

}  // namespace

std::string_view withoutByteOrderMark(std::string_view text) {
    return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

std::optional<std::string> idOutOfRange(std::uint64_t id, std::size_t entries) {
    if (id <= entries + maxUnusedIds) return std::nullopt;
    return "id " + std::to_string(id) + " is far beyond the " + std::to_string(entries) +
           " entries the file holds (a vocabulary may leave at most " + std::to_string(maxUnusedIds) +
           " ids unused: each one takes memory)";
}

Tokenizer readGpt2Files(const std::filesystem::path& vocabJson, const std::filesystem::path& mergesTxt) {
    TokenizerConfig config;
    const std::string vocabBytes = readInputFile(vocabJson);
    const std::string_view vocabText = withoutByteOrderMark(vocabBytes);
    requireShallowJson(vocabText, vocabJson.string());
    nlohmann::json vocab;
    try {
        vocab = nlohmann::json::parse(vocabText);
    } catch (const nlohmann::json::parse_error& error) {
        const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
        throw LocatedError(SourceLocation{vocabJson.string(), lineOfOffset(vocabText, offset), offset},
                           "not valid JSON");
    } catch (const nlohmann::json::exception&) {  // a number too large for a double
        throw LocatedError(SourceLocation{vocabJson.string(), std::nullopt, std::nullopt},
                           "not valid JSON: it holds a number too large to read");
    }
    if (!vocab.is_object()) {
        throw LocatedError(SourceLocation{vocabJson.string(), std::nullopt, std::nullopt},
                           "expected a JSON object of token: id");
    }
    for (const auto& [token, id] : vocab.items()) {
        if (!id.is_number_unsigned()) {
            failIn(vocabJson, "\"" + token + "\": expected a token id (a whole number from 0), got " + jsonExcerpt(id.dump()));
        }
        if (const std::optional<std::string> problem = idOutOfRange(id.get<std::uint64_t>(), vocab.size())) {
            failIn(vocabJson, "\"" + token + "\": " + *problem);
        }
        if (!config.vocabulary.set(token, static_cast<TokenId>(id.get<std::uint64_t>()))) {
            failIn(vocabJson, "\"" + token + "\": expected a token id not used before, got " + jsonExcerpt(id.dump()));
        }
    }

    const std::string mergesBytes = readInputFile(mergesTxt);
    const std::string_view merges = withoutByteOrderMark(mergesBytes);
    if (const std::size_t nul = merges.find('\0'); nul != std::string_view::npos) {
        throw LocatedError(SourceLocation{mergesTxt.string(), lineOfOffset(merges, nul), nul},
                           "a NUL byte: this is a binary file, not a merges.txt");
    }
    forEachLine(merges, [&](std::string_view line, std::size_t number) {
        if (line.empty() || (number == 1 && line.starts_with("#version"))) return;
        std::vector<std::string_view> parts;
        std::size_t start = 0;
        while (true) {
            const std::size_t space = line.find(' ', start);
            parts.push_back(line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
            if (space == std::string_view::npos) break;
            start = space + 1;
        }
        if (parts.size() != 2) {
            failAt(mergesTxt, number, "expected two tokens, got " + std::to_string(parts.size()));
        }
        const std::optional<TokenId> left = config.vocabulary.find(parts[0]);
        const std::optional<TokenId> right = config.vocabulary.find(parts[1]);
        if (!left) failAt(mergesTxt, number, "token \"" + std::string(parts[0]) + "\" is not in " + vocabJson.filename().string());
        if (!right) failAt(mergesTxt, number, "token \"" + std::string(parts[1]) + "\" is not in " + vocabJson.filename().string());
        if (!config.vocabulary.find(std::string(parts[0]) + std::string(parts[1]))) {
            failAt(mergesTxt, number, "the merged token \"" + std::string(parts[0]) + std::string(parts[1]) +
                                          "\" is not in " + vocabJson.filename().string());
        }
        config.merges.push_back({*left, *right});
    });
    useGpt2Layout(config);
    return build(std::move(config), mergesTxt);
}

void writeGpt2Files(const Tokenizer& tokenizer, const std::filesystem::path& vocabJson,
                    const std::filesystem::path& mergesTxt) {
    const TokenizerConfig& config = tokenizer.config();
    if (config.model != TokenizerModel::Bpe || !config.byteLevel || config.mergesFromTokenRanks) {
        throw std::invalid_argument("vocab.json and merges.txt hold byte-level BPE with a merge list");
    }
    nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
    for (TokenId id = 0; id < config.vocabulary.size(); ++id) {
        if (config.vocabulary.has(id)) vocab[config.vocabulary.token(id)] = id;
    }
    std::string merges = "#version: 0.2\n";
    for (const TokenPair& pair : config.merges) {
        merges += config.vocabulary.token(pair.left) + ' ' + config.vocabulary.token(pair.right) + '\n';
    }
    writeFileAtomically(vocabJson, vocab.dump() + "\n");
    writeFileAtomically(mergesTxt, merges);
}

Tokenizer readTiktokenRanks(const std::filesystem::path& path) {
    TokenizerConfig config;
    const std::string bytes = readInputFile(path);
    const std::string_view text = withoutByteOrderMark(bytes);
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    std::array<bool, 256> singleBytes{};
    forEachLine(text, [&](std::string_view line, std::size_t number) {
        if (line.empty()) return;
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos) {
            failAt(path, number, "expected a base64 token and a rank separated by one space");
        }
        const std::optional<std::string> token = base64::decode(line.substr(0, space));
        if (!token || token->empty()) {
            failAt(path, number, "\"" + std::string(line.substr(0, space)) + "\" is not valid base64");
        }
        const std::string_view rankText = line.substr(space + 1);
        std::uint64_t rank = 0;
        const auto [end, error] = std::from_chars(rankText.data(), rankText.data() + rankText.size(), rank);
        if (error != std::errc() || end != rankText.data() + rankText.size()) {
            failAt(path, number, "expected a rank (a whole number), got \"" + std::string(rankText) + "\"");
        }
        if (const std::optional<std::string> problem = idOutOfRange(rank, lines)) failAt(path, number, *problem);
        if (!config.vocabulary.set(byte_level::encode(*token), static_cast<TokenId>(rank))) {
            failAt(path, number, "rank " + std::to_string(rank) + " or its token appears twice");
        }
        if (token->size() == 1) singleBytes[static_cast<unsigned char>((*token)[0])] = true;
    });
    if (config.vocabulary.size() == 0) failAt(path, 1, "no ranks in the file");
    // Every text is made of bytes, so every byte needs a rank; tiktoken refuses such a file too.
    std::string missing;
    std::size_t missingCount = 0;
    for (std::size_t byte = 0; byte < 256; ++byte) {
        if (singleBytes[byte]) continue;
        if (++missingCount > 8) continue;
        if (!missing.empty()) missing.push_back(' ');
        missing.append(hexByte(static_cast<unsigned char>(byte)));
    }
    if (missingCount > 0) {
        failIn(path, std::to_string(missingCount) + " of the 256 single bytes have no rank (" + missing +
                         (missingCount > 8 ? " ..." : "") +
                         "): text holding them could not be encoded (a truncated or damaged file?)");
    }
    config.mergesFromTokenRanks = true;
    useGpt2Layout(config);
    return build(std::move(config), path);
}

Tokenizer readBertVocab(const std::filesystem::path& path) {
    TokenizerConfig config;
    const std::string bytes = readInputFile(path);
    const std::string_view text = withoutByteOrderMark(bytes);
    refuseIfNotVocabTxt(path, text);
    bool hasCapitals = false;
    TokenId next = 0;
    forEachLine(text, [&](std::string_view line, std::size_t number) {
        if (!config.vocabulary.set(std::string(line), next)) {
            failAt(path, number, "the token \"" + std::string(line) + "\" appears twice");
        }
        ++next;
        // [CLS], [UNK] and the like do not say whether the model is cased.
        if (!(line.starts_with('[') && line.ends_with(']'))) {
            hasCapitals = hasCapitals || std::any_of(line.begin(), line.end(), [](char c) {
                              return std::isupper(static_cast<unsigned char>(c));
                          });
        }
    });
    if (next == 0) failAt(path, 1, "the vocabulary is empty");
    config.model = TokenizerModel::WordPiece;
    config.continuingPrefix = "##";
    config.preTokenizer = PreTokenizerKind::Bert;
    NormalizerStep bert;
    bert.kind = NormalizerStep::Kind::Bert;
    bert.lowercase = !hasCapitals;
    config.normalizer = Normalizer({bert});
    for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
        if (const std::optional<TokenId> id = config.vocabulary.find(special)) {
            config.addedTokens.push_back({special, *id, true});
        }
    }
    if (!config.vocabulary.find("[UNK]")) {
        failIn(path, "the vocabulary has no [UNK]: WordPiece writes [UNK] for a word it cannot spell, so "
                     "without it such words would vanish (Hugging Face refuses this vocabulary too)");
    }
    config.unknownToken = "[UNK]";
    const std::optional<TokenId> cls = config.vocabulary.find("[CLS]");
    const std::optional<TokenId> sep = config.vocabulary.find("[SEP]");
    if (cls && sep) {
        config.prefixTokens = {*cls};
        config.suffixTokens = {*sep};
    }
    return build(std::move(config), path);
}

TokenizerFileKind detectTokenizerFile(const std::filesystem::path& path) {
    const std::string bytes = readInputFile(path);
    const std::string_view text = withoutByteOrderMark(bytes);
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        failIn(path, "the file is empty: expected a tokenizer.json, vocab.json, tiktoken rank file or vocab.txt");
    }
    if (text[first] == '{' || text[first] == '[') {
        // By structure: a tokenizer.json's "model" is an object; a vocab.json maps tokens to ids
        // only, and may well have a token "model" (GPT-2's id 19849). Other objects go to the
        // tokenizer.json reader, which says what is wrong with them.
        requireShallowJson(text, path.string());
        try {
            const nlohmann::json json = nlohmann::json::parse(text);
            if (json.is_object()) {
                const auto model = json.find("model");
                const bool ids = std::all_of(json.begin(), json.end(),
                                             [](const nlohmann::json& value) { return value.is_number_integer(); });
                if ((model == json.end() || !model->is_object()) && ids) return TokenizerFileKind::VocabJson;
            } else {
                failIn(path, std::string("this is a JSON ") + json.type_name() +
                                 ", not a tokenizer: a tokenizer.json or vocab.json is a JSON object");
            }
        } catch (const nlohmann::json::exception&) {
            // Not JSON (or a number past a double's range). A '[' may start a vocab.txt ("[PAD]");
            // a '{' is reported by the tokenizer.json reader.
            if (text[first] == '[') return TokenizerFileKind::BertVocab;
        }
        return TokenizerFileKind::TokenizerJson;
    }
    std::string_view line = text.substr(first, text.find('\n', first) - first);
    if (line.ends_with('\r')) line.remove_suffix(1);
    const std::size_t space = line.find(' ');
    if (space != std::string_view::npos && base64::decode(line.substr(0, space)) &&
        std::all_of(line.begin() + static_cast<std::ptrdiff_t>(space) + 1, line.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
        space + 1 < line.size()) {
        return TokenizerFileKind::TiktokenRanks;
    }
    return TokenizerFileKind::BertVocab;
}

std::string tokenizerFileKindName(TokenizerFileKind kind) {
    switch (kind) {
        case TokenizerFileKind::TokenizerJson: return "tokenizer.json";
        case TokenizerFileKind::VocabJson: return "vocab.json";
        case TokenizerFileKind::TiktokenRanks: return "tiktoken rank file";
        case TokenizerFileKind::BertVocab: return "vocab.txt";
    }
    return "tokenizer file";
}

Tokenizer loadTokenizer(const std::filesystem::path& path,
                        const std::optional<std::filesystem::path>& mergesTxt) {
    const TokenizerFileKind kind = detectTokenizerFile(path);
    if (mergesTxt && kind != TokenizerFileKind::VocabJson) {
        failIn(*mergesTxt, "a merges.txt goes only with a vocab.json, and " + path.filename().string() + " is a " +
                               tokenizerFileKindName(kind) + " (leave the merges out)");
    }
    switch (kind) {
        case TokenizerFileKind::TokenizerJson: return readTokenizerJson(path);
        case TokenizerFileKind::VocabJson:
            if (!mergesTxt) failIn(path, "this is a vocab.json: give its merges.txt as well");
            return readGpt2Files(path, *mergesTxt);
        case TokenizerFileKind::TiktokenRanks: return readTiktokenRanks(path);
        case TokenizerFileKind::BertVocab: return readBertVocab(path);
    }
    return readTokenizerJson(path);
}

}  // namespace pretrainlab
