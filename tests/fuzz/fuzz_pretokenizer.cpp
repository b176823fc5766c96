// The four pre-tokenizers on arbitrary bytes. Pieces are non-empty, in order and inside the
// text. Byte-level takes any bytes and its pieces cover the text exactly; the other three take
// valid UTF-8 only, and what they leave out is exactly the text's White_Space characters.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/text/pretokenizer.hpp"
#include "core/text/utf8.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

namespace {

const PreTokenizer& preTokenizer(PreTokenizerKind kind) {
    static const PreTokenizer byteLevel(PreTokenizerKind::ByteLevel);
    static const PreTokenizer whitespace(PreTokenizerKind::Whitespace);
    static const PreTokenizer whitespaceSplit(PreTokenizerKind::WhitespaceSplit);
    static const PreTokenizer bert(PreTokenizerKind::Bert);
    switch (kind) {
        case PreTokenizerKind::ByteLevel: return byteLevel;
        case PreTokenizerKind::Whitespace: return whitespace;
        case PreTokenizerKind::WhitespaceSplit: return whitespaceSplit;
        case PreTokenizerKind::Bert: return bert;
    }
    return byteLevel;
}

std::string withoutWhitespace(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = pos;
        if (!utf8::isWhitespace(utf8::decode(text, pos))) out += text.substr(start, pos - start);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::asText(data, size);
    const bool validUtf8 = !utf8::findProblem(text).has_value();
    const std::string expectedWithoutWhitespace = validUtf8 ? withoutWhitespace(text) : std::string();
    for (const PreTokenizerKind kind : {PreTokenizerKind::ByteLevel, PreTokenizerKind::Whitespace,
                                        PreTokenizerKind::WhitespaceSplit, PreTokenizerKind::Bert}) {
        const bool byteLevel = kind == PreTokenizerKind::ByteLevel;
        if (!byteLevel && !validUtf8) continue;
        std::vector<TextSpan> spans;
        preTokenizer(kind).split(text, spans);
        std::size_t previousEnd = 0;
        std::string joined;
        for (const TextSpan& span : spans) {
            FUZZ_CHECK(span.begin >= previousEnd);
            FUZZ_CHECK(span.begin < span.end);
            FUZZ_CHECK(span.end <= text.size());
            if (byteLevel) FUZZ_CHECK(span.begin == previousEnd);
            const std::string_view piece = text.substr(span.begin, span.end - span.begin);
            if (!byteLevel) FUZZ_CHECK(withoutWhitespace(piece) == piece);
            joined += piece;
            previousEnd = span.end;
        }
        if (byteLevel) {
            FUZZ_CHECK(joined == text);
        } else {
            FUZZ_CHECK(joined == expectedWithoutWhitespace);
        }
        FUZZ_CHECK(preTokenizer(kind).pieces(text).size() == spans.size());
    }
    return 0;
}
