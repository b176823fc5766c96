#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pretrainlab {

// How text is cut into words before subword tokenization. The names follow Hugging Face
// tokenizers' pre-tokenizers, whose behaviour each one reproduces.
enum class PreTokenizerKind {
    WhitespaceSplit,  // runs of non-whitespace: "don't stop." -> don't | stop.
    Whitespace,       // words and punctuation apart: \w+|[^\w\s]+ -> don | ' | t | stop | .
    ByteLevel,        // GPT-2's pattern: contractions, letters, numbers, other, whitespace runs
    Bert,             // whitespace split, then every punctuation character on its own
};

std::string_view preTokenizerName(PreTokenizerKind kind);  // "whitespace-split", ...
std::optional<PreTokenizerKind> parsePreTokenizer(std::string_view name);

struct TextSpan {
    std::size_t begin = 0;  // byte offsets into the text
    std::size_t end = 0;
};

// A compiled pre-tokenizer (PCRE2 with JIT, real Unicode properties). Copies share the compiled
// pattern; split() may be called from several threads at once.
class PreTokenizer {
public:
    explicit PreTokenizer(PreTokenizerKind kind);

    PreTokenizerKind kind() const { return kind_; }

    // Appends the pieces of `text`. ByteLevel accepts any bytes: a run of bytes that is not
    // valid UTF-8 becomes a piece of its own. The other kinds expect valid UTF-8.
    void split(std::string_view text, std::vector<TextSpan>& pieces) const;
    std::vector<std::string_view> pieces(std::string_view text) const;

private:
    struct Pattern;
    PreTokenizerKind kind_;
    std::shared_ptr<const Pattern> pattern_;
};

}  // namespace pretrainlab
