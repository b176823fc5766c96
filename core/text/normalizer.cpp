#include "core/text/normalizer.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <stdexcept>

#include "core/text/utf8.hpp"

namespace pretrainlab {
namespace {

std::string mapped(std::string_view text, int options) {
    utf8proc_uint8_t* result = nullptr;
    const utf8proc_ssize_t length =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                     static_cast<utf8proc_ssize_t>(text.size()), &result,
                     static_cast<utf8proc_option_t>(options | UTF8PROC_STABLE));
    if (length < 0) {
        throw std::runtime_error(std::string("normalization failed: ") + utf8proc_errmsg(length));
    }
    std::string out(reinterpret_cast<const char*>(result), static_cast<std::size_t>(length));
    std::free(result);
    return out;
}

// Applies `each` to every code point, which appends what it becomes.
template <typename Each>
std::string perCodePoint(std::string_view text, Each each) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) each(utf8::decode(text, pos), out);
    return out;
}

bool isNonspacingMark(char32_t c) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_MN;
}

std::string lowercased(std::string_view text) {
    return perCodePoint(text, [](char32_t c, std::string& out) {
        out += utf8::encode(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    });
}

std::string withoutAccents(std::string_view text) {
    return perCodePoint(mapped(text, UTF8PROC_DECOMPOSE), [](char32_t c, std::string& out) {
        if (!isNonspacingMark(c)) out += utf8::encode(c);
    });
}

// BERT's notion of CJK: the CJK Unified Ideographs blocks, not Japanese kana or Hangul.
bool isCjkIdeograph(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::string bertNormalized(std::string_view text, const NormalizerStep& step) {
    std::string out(text);
    if (step.cleanText) {
        out = perCodePoint(out, [](char32_t c, std::string& kept) {
            const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
            const bool whitespace = c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                                    category == UTF8PROC_CATEGORY_ZS;
            const bool other = category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_CF ||
                               category == UTF8PROC_CATEGORY_CN || category == UTF8PROC_CATEGORY_CO ||
                               category == UTF8PROC_CATEGORY_CS;
            if (c == 0 || c == 0xFFFD || (other && !whitespace)) return;
            kept += whitespace ? std::string(" ") : utf8::encode(c);
        });
    }
    if (step.handleChineseChars) {
        out = perCodePoint(out, [](char32_t c, std::string& spaced) {
            if (isCjkIdeograph(c)) {
                spaced += ' ' + utf8::encode(c) + ' ';
            } else {
                spaced += utf8::encode(c);
            }
        });
    }
    if (step.stripAccents.value_or(step.lowercase)) out = withoutAccents(out);
    if (step.lowercase) out = lowercased(out);
    return out;
}

}  // namespace

std::string Normalizer::apply(std::string_view text) const {
    std::string out(text);
    for (const NormalizerStep& step : steps_) {
        switch (step.kind) {
            case NormalizerStep::Kind::Nfc: out = mapped(out, UTF8PROC_COMPOSE); break;
            case NormalizerStep::Kind::Nfd: out = mapped(out, UTF8PROC_DECOMPOSE); break;
            case NormalizerStep::Kind::Nfkc: out = mapped(out, UTF8PROC_COMPOSE | UTF8PROC_COMPAT); break;
            case NormalizerStep::Kind::Nfkd: out = mapped(out, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT); break;
            case NormalizerStep::Kind::Lowercase: out = lowercased(out); break;
            case NormalizerStep::Kind::StripAccents:
                out = perCodePoint(out, [](char32_t c, std::string& kept) {
                    if (!isNonspacingMark(c)) kept += utf8::encode(c);
                });
                break;
            case NormalizerStep::Kind::Bert: out = bertNormalized(out, step); break;
        }
    }
    return out;
}

}  // namespace pretrainlab
