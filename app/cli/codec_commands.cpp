#include "app/cli/codec_commands.hpp"

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/arguments.hpp"
#include "core/common/file_io.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"

namespace pretrainlab::cli {
namespace {

Tokenizer tokenizerFrom(const Arguments& arguments) {
    const std::optional<std::string> merges = arguments.value("merges");
    return loadTokenizer(arguments.required("tokenizer"),
                         merges ? std::optional<std::filesystem::path>(*merges) : std::nullopt);
}

int runEncode(const Arguments& arguments, std::ostream& out, std::ostream& err) {
    const std::string input = arguments.required("input");
    const Tokenizer tokenizer = tokenizerFrom(arguments);
    const std::string text = readFileBytes(input);
    const TokenizerConfig& config = tokenizer.config();
    if (!config.byteLevel || !config.normalizer.empty()) utf8::requireValid(text, input);

    const auto start = std::chrono::steady_clock::now();
    const std::vector<TokenId> ids = tokenizer.encode(text, arguments.flag("add-special-tokens"));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::string line;
    line.reserve(ids.size() * 6);
    char digits[16];
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) line += ' ';
        const auto [end, error] = std::to_chars(digits, digits + sizeof digits, ids[i]);
        line.append(digits, end);
    }
    out << line << '\n';
    out.flush();
    if (arguments.flag("stats")) {
        nlohmann::ordered_json stats{{"bytes", text.size()},
                                     {"tokens", ids.size()},
                                     {"seconds", seconds},
                                     {"mb_per_s", seconds > 0 ? text.size() / 1e6 / seconds : 0.0}};
        err << stats.dump() << '\n';
    }
    return 0;
}

int runDecode(const Arguments& arguments, std::ostream& out) {
    const std::string idsText = arguments.required("ids");
    std::vector<TokenId> ids;
    std::size_t pos = 0;
    while (pos < idsText.size()) {
        if (idsText[pos] == ' ' || idsText[pos] == ',' || idsText[pos] == '\n' || idsText[pos] == '\t') {
            ++pos;
            continue;
        }
        TokenId id = 0;
        const auto [end, error] = std::from_chars(idsText.data() + pos, idsText.data() + idsText.size(), id);
        if (error != std::errc() || (end != idsText.data() + idsText.size() && *end != ' ' && *end != ',' &&
                                     *end != '\n' && *end != '\t')) {
            throw UsageError("--ids expects whole numbers separated by spaces; '" +
                             idsText.substr(pos, idsText.find(' ', pos) - pos) + "' is not one");
        }
        ids.push_back(id);
        pos = static_cast<std::size_t>(end - idsText.data());
    }
    const Tokenizer tokenizer = tokenizerFrom(arguments);
    try {
        out << tokenizer.decode(ids, arguments.flag("skip-special-tokens"));
    } catch (const std::out_of_range& error) {
        throw UsageError(std::string("--ids: ") + error.what());
    }
    out.flush();
    return 0;
}

}  // namespace

Command encodeCommand() {
    return {"encode",
            "Print the ids of FILE's text on one line. PATH is a tokenizer.json, a vocab.json (with --merges "
            "merges.txt), a tiktoken rank file or a BERT vocab.txt.",
            {{"tokenizer", "PATH", "the tokenizer file", true},
             {"merges", "PATH", "the merges.txt that goes with a vocab.json"},
             {"input", "FILE", "the text to encode", true},
             {"add-special-tokens", "", "add the tokenizer's template tokens ([CLS] ... [SEP])"},
             {"stats", "", "print a JSON line with the speed on stderr"}},
            runEncode};
}

Command decodeCommand() {
    return {"decode",
            "Print the text of the ids.",
            {{"tokenizer", "PATH", "the tokenizer file", true},
             {"merges", "PATH", "the merges.txt that goes with a vocab.json"},
             {"ids", "\"1 2 3\"", "the ids, separated by spaces or commas", true},
             {"skip-special-tokens", "", "leave special tokens out of the text"}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runDecode(arguments, out); }};
}

}  // namespace pretrainlab::cli
