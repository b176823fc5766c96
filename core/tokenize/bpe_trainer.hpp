#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/tokenize/tie_break.hpp"
#include "core/tokenize/vocabulary.hpp"
#include "core/tokenize/word_counts.hpp"

namespace pretrainlab {

struct TokenPair {
    TokenId left = 0;
    TokenId right = 0;
    friend bool operator==(TokenPair, TokenPair) = default;
};

struct PairCount {
    TokenPair pair;
    std::uint64_t count = 0;
};

struct BpeOptions {
    // Stop once the vocabulary (special tokens + alphabet + merged tokens) has this many entries.
    std::size_t vocabSize = std::numeric_limits<std::size_t>::max();
    std::size_t maxMerges = std::numeric_limits<std::size_t>::max();
    TieBreak tieBreak = TieBreak::HuggingFace;
    // Pairs seen fewer times than this are never merged (as Hugging Face's min_frequency).
    std::uint64_t minFrequency = 1;
    // Given ids 0..n-1 before the alphabet, as Hugging Face does.
    std::vector<std::string> specialTokens;
};

// What the stepper shows and the fast trainer can skip: the cost of a trace is paid only when
// asked for.
struct TraceRequest {
    bool pairCounts = false;  // every pair's count before the merge, best first
    std::size_t maxPairCounts = std::numeric_limits<std::size_t>::max();
    bool ties = false;  // the pairs that share the winning count, in the tie rule's order

    static TraceRequest none() { return {}; }
    static TraceRequest full() { return {true, std::numeric_limits<std::size_t>::max(), true}; }
};

// One merge: which pair, why, and what it made.
struct MergeStep {
    std::size_t step = 0;  // 1-based merge number (the merge's rank)
    TokenPair pair;
    std::string left;
    std::string right;
    std::uint64_t count = 0;  // occurrences of the pair in the corpus, weighted by word counts
    TokenId newId = 0;
    std::string newToken;
    bool tokenWasKnown = false;  // the merged string already had an id (another pair made it)
    std::size_t vocabSizeAfter = 0;
    TieBreak tieRule = TieBreak::HuggingFace;
    std::vector<PairCount> pairCounts;  // traced only: counts before the merge, best first
    std::vector<TokenPair> ties;  // traced only: all pairs with the winning count, winner first;
                                  // empty when the winner's count is unique
};

struct Merge {
    TokenPair pair;
    TokenId newId = 0;
};

// Byte pair encoding, trained incrementally: the corpus's words are counted once, pair counts
// change only where a merge touches a word, and the next pair comes from a priority queue whose
// stale entries are dropped as they surface. The stepper and the batch trainer are this class;
// the stepper asks for a trace of each step.
class BpeTrainer {
public:
    explicit BpeTrainer(const WordCounts& corpus, BpeOptions options = {});

    // The merge that step() would make next, without making it; nullopt once training is over
    // (no pair left, or the vocabulary size or merge count reached).
    std::optional<MergeStep> peek(const TraceRequest& trace = TraceRequest::none());
    std::optional<MergeStep> step(const TraceRequest& trace = TraceRequest::none());

    const BpeOptions& options() const { return options_; }
    const Vocabulary& vocabulary() const { return vocabulary_; }
    const std::vector<Merge>& merges() const { return merges_; }
    std::size_t alphabetSize() const { return alphabetSize_; }

    std::size_t wordCount() const { return words_.size(); }
    const std::string& wordText(std::size_t word) const { return words_[word].text; }
    std::uint64_t wordFrequency(std::size_t word) const { return words_[word].count; }
    const std::vector<TokenId>& wordTokens(std::size_t word) const { return words_[word].tokens; }
    std::vector<std::string> wordPieces(std::size_t word) const;
    std::vector<std::vector<std::string>> segmentation() const;

    // How many different pairs occur now.
    std::size_t distinctPairs() const { return pairs_.size(); }
    // Current count of a pair (0 if it does not occur).
    std::uint64_t pairCount(TokenPair pair) const;
    // The first word, in corpus order, that holds the pair; nullopt if none does.
    std::optional<std::size_t> firstWordWith(TokenPair pair) const;
    // All pairs that occur, best first (count, then the tie rule).
    std::vector<PairCount> pairCounts(std::size_t limit = std::numeric_limits<std::size_t>::max());

private:
    struct Word {
        std::string text;
        std::uint64_t count = 0;
        std::vector<TokenId> tokens;
    };
    struct PairStats {
        std::int64_t count = 0;
        std::vector<std::uint32_t> words;  // may hold duplicates and words the pair has left
    };
    struct QueueEntry {
        std::int64_t count = 0;
        TokenPair pair;
        std::uint64_t firstOccurrence = 0;  // FirstOccurrence rule only: (word << 32) | offset
    };

    static std::uint64_t key(TokenPair pair) {
        return (static_cast<std::uint64_t>(pair.left) << 32) | pair.right;
    }
    bool finished() const;
    // True when `a` wins over `b` at equal count under the tie rule.
    bool winsTie(TokenPair a, std::uint64_t aFirst, TokenPair b, std::uint64_t bFirst) const;
    bool ranksBefore(const QueueEntry& a, const QueueEntry& b) const;
    std::uint64_t firstOccurrence(TokenPair pair) const;
    void push(TokenPair pair);
    std::optional<QueueEntry> bestEntry();
    MergeStep describe(const QueueEntry& best, const TraceRequest& trace);
    void apply(TokenPair pair, TokenId newId);

    BpeOptions options_;
    Vocabulary vocabulary_;
    std::vector<std::uint32_t> tokenLength_;  // in characters, for first-occurrence offsets
    std::size_t alphabetSize_ = 0;
    std::vector<Word> words_;
    std::unordered_map<std::uint64_t, PairStats> pairs_;
    std::vector<QueueEntry> queue_;  // a heap ordered by ranksBefore
    std::vector<Merge> merges_;
};

// Trains to the options' limits, calling onMerge (if set) after each merge with the step and the
// trainer in its new state.
using MergeHook = std::function<void(const MergeStep&, const BpeTrainer&)>;
std::vector<Merge> trainBpe(const WordCounts& corpus, const BpeOptions& options,
                            const MergeHook& onMerge = {},
                            const TraceRequest& trace = TraceRequest::none());

}  // namespace pretrainlab
