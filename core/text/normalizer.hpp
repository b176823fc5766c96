#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pretrainlab {

// The normalization steps of Hugging Face's tokenizer.json that PretrainLab reproduces (with
// utf8proc's Unicode tables).
struct NormalizerStep {
    enum class Kind { Nfc, Nfd, Nfkc, Nfkd, Lowercase, StripAccents, Bert };
    Kind kind = Kind::Nfc;
    // Bert only (BERT's BasicTokenizer): drop control characters and turn whitespace into spaces;
    // put spaces around CJK ideographs; strip accents (by default: when lowercasing); lowercase.
    bool cleanText = true;
    bool handleChineseChars = true;
    std::optional<bool> stripAccents;
    bool lowercase = true;
};

// A sequence of steps applied in order; empty means text passes unchanged. The input must be
// valid UTF-8.
class Normalizer {
public:
    Normalizer() = default;
    explicit Normalizer(std::vector<NormalizerStep> steps) : steps_(std::move(steps)) {}

    std::string apply(std::string_view text) const;
    bool empty() const { return steps_.empty(); }
    const std::vector<NormalizerStep>& steps() const { return steps_; }

private:
    std::vector<NormalizerStep> steps_;
};

}  // namespace pretrainlab
