#pragma once

// A small invented world written as simple English, for pretraining live in class. Each of the
// lecture's "what can we learn from word prediction" categories is learnable from it: syntax
// (agreement across a relative clause), coreference (pronouns), knowledge (a fixed table of
// invented facts stated many ways), commonsense (cause and effect) and numbers (small sums in
// words). Held-out probe items test each category; none of them appears in the training text.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/common/progress.hpp"
#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab::data {

enum class ProbeCategory { Syntax, Coreference, Knowledge, Commonsense, Numerical };
constexpr int probeCategoryCount = 5;

std::string_view probeCategoryName(ProbeCategory category);  // "syntax", "coreference", ...

// A sentence with one word blanked. The words before the blank decide the answer, so a decoder
// (which sees only them) and an encoder (which sees both sides) can both be asked.
struct ProbeItem {
    ProbeCategory category = ProbeCategory::Syntax;
    std::string prefix;   // "the cats that are raised by my sister"
    std::string answer;   // "are"
    std::string suffix;   // "sleeping ."
    std::vector<std::string> candidates;  // the answers of its kind: chance is 1 / their number

    std::string sentence() const;        // the whole sentence, as the training text would write it
    std::string withBlank(std::string_view blank = "____") const;
};

// A short review and whether it is positive (1) or negative (0).
struct SentimentExample {
    std::string text;
    int label = 0;
};

class ToyWorld {
public:
    // The seed picks the held-out probe items; the world itself (names, facts) is fixed.
    explicit ToyWorld(std::uint64_t seed = 0, std::size_t probesPerCategory = 40);

    // `bytes` of training text or a little more, one sentence per line, lower case, words and
    // punctuation apart. The same seed gives the same text; no probe sentence is in it.
    // `progress` gets the share written and may stop it (Cancelled).
    std::string corpus(std::size_t bytes, std::uint64_t seed, const Progress& progress = {}) const;
    // One training sentence of the category (never a held-out one).
    std::string sentence(ProbeCategory category, std::mt19937_64& random) const;
    // The same as an item, its blank filled (the parts say which word decides the category).
    ProbeItem trainingItem(ProbeCategory category, std::mt19937_64& random) const;

    // The world's facts and names, for the finetuning tasks built on them.
    struct CountryFacts {
        std::string name, capital, language, animal;
    };
    static std::vector<CountryFacts> countryFacts();
    struct Name {
        std::string name;
        bool female = false;
    };
    static std::vector<Name> names();
    // Singular and plural animal words.
    static std::vector<std::pair<std::string, std::string>> animalWords();
    // What happened and the feeling it brings ("lost {possessive} keys", "sad").
    static std::vector<std::pair<std::string, std::string>> causesAndFeelings();

    const std::vector<ProbeItem>& probes() const { return probes_; }
    // The lecture's five blanks, retold in this world (also held out of the training text).
    static const std::vector<ProbeItem>& lectureProbes();

    // Reviews for finetuning a classifier, half positive; some turn on "but" or "not".
    std::vector<SentimentExample> sentiment(std::size_t count, std::uint64_t seed) const;

    // A word-level tokenizer: every word of the world is one token (WordPiece with whole words,
    // letters as the fallback for anything else), so each blank is one prediction.
    static Tokenizer tokenizer();
    // Every word the world writes, in a fixed order.
    static std::vector<std::string> words();

private:
    static std::vector<std::string> collectWords();
    ProbeItem item(ProbeCategory category, std::mt19937_64& random) const;

    std::vector<ProbeItem> probes_;
    std::unordered_set<std::string> heldOut_;
};

}  // namespace pretrainlab::data
