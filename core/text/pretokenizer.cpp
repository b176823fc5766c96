#include "core/text/pretokenizer.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdexcept>

namespace pretrainlab {
namespace {

// Oniguruma's \s, which Hugging Face's ByteLevel pattern runs on: ASCII whitespace, NEL and the
// Unicode separators.
constexpr const char* onigSpace = R"(\x{09}-\x{0D}\x{20}\x{85}\p{Zl}\p{Zp}\p{Zs})";

std::string patternFor(PreTokenizerKind kind) {
    // The Rust regex crate's \w, which Hugging Face's Whitespace pattern runs on.
    const std::string word = R"(\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control})";
    const std::string space = onigSpace;
    // Bert: ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) and every
    // Unicode punctuation character.
    const std::string punctuation = R"(\p{P}!-/:-@\[-`{-~)";
    switch (kind) {
        case PreTokenizerKind::WhitespaceSplit:
            return R"([^\p{White_Space}]+)";
        case PreTokenizerKind::Whitespace:
            return "[" + word + "]+|[^" + word + R"(\p{White_Space}]+)";
        case PreTokenizerKind::ByteLevel:
            return "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" + space +
                   "\\p{L}\\p{N}]+|[" + space + "]+(?![^" + space + "])|[" + space + "]+";
        case PreTokenizerKind::Bert:
            return "[^" + punctuation + R"(\p{White_Space}]+|[)" + punctuation + "]";
    }
    return {};
}

}  // namespace

struct PreTokenizer::Pattern {
    pcre2_code* code = nullptr;
    bool jit = false;

    explicit Pattern(const std::string& source) {
        int error = 0;
        PCRE2_SIZE offset = 0;
        code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.c_str()), source.size(),
                             PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &offset,
                             nullptr);
        if (!code) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(error, message, sizeof message);
            throw std::logic_error("pre-tokenizer pattern does not compile at " +
                                   std::to_string(offset) + ": " +
                                   reinterpret_cast<const char*>(message));
        }
        jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    }
    ~Pattern() { pcre2_code_free(code); }
    Pattern(const Pattern&) = delete;
    Pattern& operator=(const Pattern&) = delete;
};

std::string_view preTokenizerName(PreTokenizerKind kind) {
    switch (kind) {
        case PreTokenizerKind::WhitespaceSplit: return "whitespace-split";
        case PreTokenizerKind::Whitespace: return "whitespace";
        case PreTokenizerKind::ByteLevel: return "byte-level";
        case PreTokenizerKind::Bert: return "bert";
    }
    return {};
}

std::optional<PreTokenizerKind> parsePreTokenizer(std::string_view name) {
    for (const PreTokenizerKind kind :
         {PreTokenizerKind::WhitespaceSplit, PreTokenizerKind::Whitespace,
          PreTokenizerKind::ByteLevel, PreTokenizerKind::Bert}) {
        if (preTokenizerName(kind) == name) return kind;
    }
    return std::nullopt;
}

PreTokenizer::PreTokenizer(PreTokenizerKind kind)
    : kind_(kind), pattern_(std::make_shared<const Pattern>(patternFor(kind))) {}

void PreTokenizer::split(std::string_view text, std::vector<TextSpan>& pieces) const {
    pcre2_match_data* match = pcre2_match_data_create(1, nullptr);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    const bool keepGaps = kind_ == PreTokenizerKind::ByteLevel;
    std::size_t position = 0;
    while (position < text.size()) {
        const int found = pattern_->jit
                              ? pcre2_jit_match(pattern_->code, subject, text.size(), position, 0,
                                                match, nullptr)
                              : pcre2_match(pattern_->code, subject, text.size(), position, 0,
                                            match, nullptr);
        if (found == PCRE2_ERROR_NOMATCH) break;
        if (found < 0) {
            pcre2_match_data_free(match);
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(found, message, sizeof message);
            throw std::runtime_error(std::string("pre-tokenizer failed at byte ") +
                                     std::to_string(position) + ": " +
                                     reinterpret_cast<const char*>(message));
        }
        const PCRE2_SIZE* bounds = pcre2_get_ovector_pointer(match);
        // Under ByteLevel the pattern matches every character, so a gap can only be bytes that
        // are not UTF-8: they stay, as a piece of their own, so no byte is ever lost.
        if (keepGaps && bounds[0] > position) pieces.push_back({position, bounds[0]});
        if (bounds[1] == bounds[0]) {  // no pattern here matches empty text; guard anyway
            position = bounds[1] + 1;
            continue;
        }
        pieces.push_back({bounds[0], bounds[1]});
        position = bounds[1];
    }
    if (keepGaps && position < text.size()) pieces.push_back({position, text.size()});
    pcre2_match_data_free(match);
}

std::vector<std::string_view> PreTokenizer::pieces(std::string_view text) const {
    std::vector<TextSpan> spans;
    split(text, spans);
    std::vector<std::string_view> out;
    out.reserve(spans.size());
    for (const TextSpan& span : spans) out.push_back(text.substr(span.begin, span.end - span.begin));
    return out;
}

}  // namespace pretrainlab
