#include "app/cli/codec_commands.hpp"

#include <charconv>
#include <chrono>
#include <iostream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/arguments.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/input_file.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"

namespace pretrainlab::cli {
namespace {

// Ids from --ids, --ids-file FILE or --ids-file - (standard input): whole numbers separated by
// spaces, commas or line breaks.
std::vector<TokenId> idsFrom(const Arguments& arguments) {
    const std::optional<std::string> given = arguments.value("ids");
    const std::optional<std::string> file = arguments.value("ids-file");
    if (given.has_value() == file.has_value()) throw UsageError("give the ids with either --ids or --ids-file");
    std::string idsText;
    std::string source = "--ids";
    if (file) {
        source = *file == "-" ? std::string("<standard input>") : *file;
        if (*file == "-") {
            char block[1 << 16];
            while (std::cin.read(block, sizeof block) || std::cin.gcount() > 0) {
                idsText.append(block, static_cast<std::size_t>(std::cin.gcount()));
                if (idsText.size() > maxWholeFileBytes) {
                    throw LocatedError(SourceLocation{source, std::nullopt, std::nullopt},
                                       "more than " + sizeText(maxWholeFileBytes) + " of ids: not read");
                }
            }
        } else {
            idsText = readInputFile(*file);
        }
    }
    const std::string& text = file ? idsText : *given;
    std::vector<TokenId> ids;
    std::size_t pos = 0;
    const auto separator = [](char c) { return c == ' ' || c == ',' || c == '\n' || c == '\t' || c == '\r'; };
    while (pos < text.size()) {
        if (separator(text[pos])) {
            ++pos;
            continue;
        }
        std::uint64_t id = 0;
        const auto [end, error] = std::from_chars(text.data() + pos, text.data() + text.size(), id);
        const std::size_t stop = static_cast<std::size_t>(end - text.data());
        if (error != std::errc() || id > std::numeric_limits<TokenId>::max() || (stop != text.size() && !separator(text[stop]))) {
            std::size_t wordEnd = pos;
            while (wordEnd < text.size() && !separator(text[wordEnd]) && wordEnd - pos < 40) ++wordEnd;
            const std::string word = text.substr(pos, wordEnd - pos);
            if (!file) throw UsageError("--ids expects whole numbers separated by spaces; '" + word + "' is not one");
            throw LocatedError(SourceLocation{source, lineOfOffset(text, pos), pos},
                               "expected token ids (whole numbers separated by spaces); '" + word + "' is not one");
        }
        ids.push_back(static_cast<TokenId>(id));
        pos = stop;
    }
    return ids;
}

Tokenizer tokenizerFrom(const Arguments& arguments) {
    const std::optional<std::string> merges = arguments.value("merges");
    return loadTokenizer(arguments.required("tokenizer"),
                         merges ? std::optional<std::filesystem::path>(*merges) : std::nullopt);
}

int runEncode(const Arguments& arguments, std::ostream& out, std::ostream& err) {
    const std::string input = arguments.required("input");
    const auto threads = static_cast<unsigned>(arguments.integer("threads", 0, 256).value_or(0));
    const Tokenizer tokenizer = tokenizerFrom(arguments);
    const std::string text = readInputFile(input);
    const TokenizerConfig& config = tokenizer.config();
    if (!config.byteLevel || !config.normalizer.empty()) utf8::requireValid(text, input);

    // Without an unknown token, what the vocabulary cannot spell would vanish from the ids.
    if (const std::vector<std::string> lost = tokenizer.dropped(text); !lost.empty()) {
        throw LocatedError(droppedLocation(text, input, lost),
                           droppedMessage(lost) + ": encoding would lose them, so nothing was written");
    }

    const auto start = std::chrono::steady_clock::now();
    const std::vector<TokenId> ids = tokenizer.encode(text, arguments.flag("add-special-tokens"), threads);
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
    const std::vector<TokenId> ids = idsFrom(arguments);
    const Tokenizer tokenizer = tokenizerFrom(arguments);
    try {
        out << tokenizer.decode(ids, arguments.flag("skip-special-tokens"));
    } catch (const std::out_of_range& error) {
        if (arguments.value("ids")) throw UsageError(std::string("--ids: ") + error.what());
        const std::string file = *arguments.value("ids-file");
        throw LocatedError(SourceLocation{file == "-" ? std::string("<standard input>") : file, std::nullopt, std::nullopt},
                           error.what());
    }
    out.flush();
    return 0;
}

}  // namespace

Command encodeCommand() {
    return {"encode",
            "Print the ids of FILE's text on one line. PATH is a tokenizer.json, a vocab.json (with --merges "
            "merges.txt), a tiktoken rank file or a BERT vocab.txt. A byte-level tokenizer takes any bytes "
            "(invalid UTF-8 is kept byte for byte); text the tokenizer would lose is refused.",
            {{"tokenizer", "PATH", "the tokenizer file", true},
             {"merges", "PATH", "the merges.txt that goes with a vocab.json"},
             {"input", "FILE", "the text to encode", true},
             {"add-special-tokens", "", "add the tokenizer's template tokens ([CLS] ... [SEP])"},
             {"threads", "N", "threads for a text of a megabyte or more (default: all cores); the ids are the same"},
             {"stats", "", "print a JSON line with the speed on stderr"}},
            runEncode};
}

Command decodeCommand() {
    return {"decode",
            "Print the text of the ids. A byte-level tokenizer gives back the exact bytes, even where they "
            "are not valid UTF-8 (no U+FFFD replacement).",
            {{"tokenizer", "PATH", "the tokenizer file", true},
             {"merges", "PATH", "the merges.txt that goes with a vocab.json"},
             {"ids", "\"1 2 3\"", "the ids, separated by spaces or commas"},
             {"ids-file", "FILE", "read the ids from FILE (- for standard input) instead of --ids"},
             {"skip-special-tokens", "", "leave special tokens out of the text"}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runDecode(arguments, out); }};
}

}  // namespace pretrainlab::cli
