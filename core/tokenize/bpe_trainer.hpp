#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/common/progress.hpp"
#include "core/tokenize/tie_break.hpp"
#include "core/tokenize/vocabulary.hpp"
#include "core/tokenize/word_counts.hpp"

namespace pretrainlab {

struct TokenPair {
    TokenId left = 0;
    TokenId right = 0;
    friend bool operator==(TokenPair, TokenPair) = default;
};

// What makes a pair worth merging (the lecture's "BPE: practicalities").
enum class MergeCriterion {
    Frequency,   // BPE: the most frequent pair
    Likelihood,  // WordPiece: the pair with the largest log p(a,b) - log p(a)p(b), that is the
                 // largest count(ab) / (count(a) * count(b))
};

// What a word is made of before any merge.
enum class InitialSymbols {
    Characters,  // Unicode characters (the text must be valid UTF-8)
    Bytes,       // bytes, written with GPT-2's byte-to-unicode table ("Ġ" for a space)
};

// A pair with the numbers that rank it.
struct PairCount {
    TokenPair pair;
    std::uint64_t count = 0;       // occurrences of the pair, each word counted as often as it occurs
    std::uint64_t leftCount = 0;   // occurrences of the left token on its own
    std::uint64_t rightCount = 0;  // ... and of the right token
    // WordPiece's score, count(ab) / (count(a) * count(b)).
    double likelihoodScore() const {
        return static_cast<double>(count) /
               (static_cast<double>(leftCount) * static_cast<double>(rightCount));
    }
};

struct BpeOptions {
    // Stop once the vocabulary (special tokens + alphabet + merged tokens) has this many entries.
    std::size_t vocabSize = std::numeric_limits<std::size_t>::max();
    std::size_t maxMerges = std::numeric_limits<std::size_t>::max();
    TieBreak tieBreak = TieBreak::HuggingFace;
    MergeCriterion criterion = MergeCriterion::Frequency;
    InitialSymbols symbols = InitialSymbols::Characters;
    // Byte symbols: put all 256 in the alphabet, seen or not, so any input can be encoded (as
    // GPT-2). Off, the alphabet is the bytes the corpus uses (Hugging Face's default trainer).
    bool allBytesInAlphabet = true;
    // Marks a piece that continues a word: "##" for WordPiece ("bio ##ortho ##gonal").
    std::string continuingPrefix;
    // Pairs seen fewer times than this are never merged (as Hugging Face's min_frequency).
    std::uint64_t minFrequency = 1;
    // Given ids 0..n-1 before the alphabet, as Hugging Face does.
    std::vector<std::string> specialTokens;
};

// What the stepper shows and the fast trainer can skip: the cost of a trace is paid only when
// asked for.
struct TraceRequest {
    bool pairCounts = false;  // every pair with its numbers before the merge, best first
    std::size_t maxPairCounts = std::numeric_limits<std::size_t>::max();
    bool ties = false;  // the pairs that share the winning score, in the tie rule's order

    static TraceRequest none() { return {}; }
    static TraceRequest full() { return {true, std::numeric_limits<std::size_t>::max(), true}; }
};

// One merge: which pair, why, and what it made.
struct MergeStep {
    std::size_t step = 0;  // 1-based merge number (the merge's rank)
    TokenPair pair;
    std::string left;
    std::string right;
    std::uint64_t count = 0;       // occurrences of the pair, weighted by word counts
    std::uint64_t leftCount = 0;   // occurrences of each token on its own, before the merge
    std::uint64_t rightCount = 0;
    double score = 0;              // the criterion's value: the count, or WordPiece's score
    TokenId newId = 0;
    std::string newToken;
    bool tokenWasKnown = false;  // the merged string already had an id (another pair made it)
    std::size_t vocabSizeAfter = 0;
    std::uint64_t totalTokensAfter = 0;  // tokens in the whole corpus after the merge (set once
                                         // the merge is made; 0 in a preview)
    TieBreak tieRule = TieBreak::HuggingFace;
    MergeCriterion criterion = MergeCriterion::Frequency;
    std::vector<PairCount> pairCounts;  // traced only: the pairs before the merge, best first
    std::vector<TokenPair> ties;  // traced only: all pairs with the winning score, winner first;
                                  // empty when the winner is alone
};

struct Merge {
    TokenPair pair;
    TokenId newId = 0;
};

// Byte pair encoding and WordPiece, trained incrementally: the corpus's words are counted once,
// pair counts change only where a merge touches a word, and the next pair comes from a priority
// queue whose stale entries are corrected as they surface. The stepper and the batch trainer are
// this class; the stepper asks for a trace of each step.
class BpeTrainer {
public:
    // Throws LocatedError if Characters are asked for and a word is not valid UTF-8.
    explicit BpeTrainer(const WordCounts& corpus, BpeOptions options = {});

    // The merge that step() would make next, without making it; nullopt once training is over
    // (no pair left, or the vocabulary size or merge count reached).
    std::optional<MergeStep> peek(const TraceRequest& trace = TraceRequest::none());
    std::optional<MergeStep> step(const TraceRequest& trace = TraceRequest::none());
    // Makes a given merge whatever the counts say (replaying a trained tokenizer's merges on
    // another corpus). Unknown tokens are added to the vocabulary.
    MergeStep applyMerge(std::string_view left, std::string_view right);

    // With the undo log on, every merge keeps what it changed, and undo() takes merges back, the
    // last first, in about the time they took to make (the stepper's Back on a large corpus).
    // Off by default: batch training does not pay for it. Turn it on before the first merge.
    // Returns how many merges were taken back.
    void keepUndoLog(bool on) { undoEnabled_ = on; }
    std::size_t undo(std::size_t merges = 1);

    const BpeOptions& options() const { return options_; }
    const Vocabulary& vocabulary() const { return vocabulary_; }
    const std::vector<Merge>& merges() const { return merges_; }
    std::size_t alphabetSize() const { return alphabetSize_; }
    // Tokens in the whole corpus now (each word counted as often as it occurs).
    std::uint64_t totalTokens() const { return totalTokens_; }
    std::uint64_t totalWords() const { return totalWords_; }
    // Occurrences of a token in the current segmentation.
    std::uint64_t tokenCount(TokenId token) const;

    std::size_t wordCount() const { return words_.size(); }
    const std::string& wordText(std::size_t word) const { return words_[word].text; }
    std::uint64_t wordFrequency(std::size_t word) const { return words_[word].count; }
    std::span<const TokenId> wordTokens(std::size_t word) const {
        return {symbols_.data() + words_[word].begin, words_[word].length};
    }
    std::vector<std::string> wordPieces(std::size_t word) const;
    std::vector<std::vector<std::string>> segmentation() const;

    // How many different pairs occur now.
    std::size_t distinctPairs() const { return pairs_.size(); }
    // Current count of a pair (0 if it does not occur).
    std::uint64_t pairCount(TokenPair pair) const;
    // The first word, in corpus order, that holds the pair; nullopt if none does.
    std::optional<std::size_t> firstWordWith(TokenPair pair) const;
    // All pairs that occur, best first (the criterion, then the tie rule).
    std::vector<PairCount> pairCounts(std::size_t limit = std::numeric_limits<std::size_t>::max());

private:
    struct Word {
        std::string text;
        std::uint64_t count = 0;
        std::uint32_t begin = 0;   // its tokens are symbols_[begin, begin + length)
        std::uint32_t length = 0;
    };
    struct PairStats {
        std::int64_t count = 0;
        std::vector<std::uint32_t> words;  // may hold duplicates and words the pair has left
    };
    struct QueueEntry {
        std::int64_t count = 0;
        std::uint64_t leftCount = 0;  // Likelihood only: the token counts the score was taken at
        std::uint64_t rightCount = 0;
        TokenPair pair;
        std::uint64_t firstOccurrence = 0;  // FirstOccurrence rule only: (word << 32) | offset
    };

    // What one merge changed, to take it back.
    struct UndoRecord {
        TokenPair pair;
        TokenId newId = 0;
        bool addedToken = false;
        std::int64_t mergedCount = 0;                 // the merged pair's count before the merge
        std::vector<std::uint32_t> mergedWords;       // ... and the words that held it
        std::uint64_t occurrences = 0;                // merges made, each weighted by its word's count
        std::vector<std::pair<std::uint64_t, std::int64_t>> deltas;  // pair count changes
        std::vector<std::pair<std::uint64_t, std::vector<std::uint32_t>>> emptied;  // pairs removed
        std::vector<std::pair<std::uint32_t, std::uint32_t>> words;  // (word, length before)
        std::vector<TokenId> tokensBefore;            // those words' tokens, back to back
    };

    static std::uint64_t key(TokenPair pair) {
        return (static_cast<std::uint64_t>(pair.left) << 32) | pair.right;
    }
    static TokenPair pairOf(std::uint64_t key) {
        return {static_cast<TokenId>(key >> 32), static_cast<TokenId>(key)};
    }
    bool finished() const;
    std::string mergedToken(TokenId left, TokenId right) const;
    QueueEntry entryFor(TokenPair pair, const PairStats& stats) const;
    // True when `a` wins over `b` at an equal score under the tie rule.
    bool winsTie(const QueueEntry& a, const QueueEntry& b) const;
    bool sameScore(const QueueEntry& a, const QueueEntry& b) const;
    bool ranksBefore(const QueueEntry& a, const QueueEntry& b) const;
    std::uint64_t firstOccurrence(TokenPair pair) const;
    void push(TokenPair pair);
    void pushPairsOf(TokenId token);
    void rebuildQueue();
    std::optional<QueueEntry> bestEntry();
    MergeStep describe(const QueueEntry& best, const TraceRequest& trace);
    TokenId commitMerge(TokenPair pair, const std::string& token);
    void apply(TokenPair pair, TokenId newId, UndoRecord* record);
    void restore(UndoRecord& record);
    void noteNewToken(TokenId id, TokenId left, TokenId right);

    BpeOptions options_;
    Vocabulary vocabulary_;
    std::vector<std::uint32_t> tokenLength_;  // in initial symbols, for first-occurrence offsets
    std::vector<std::uint64_t> tokenCount_;
    std::size_t alphabetSize_ = 0;
    std::vector<Word> words_;
    std::vector<TokenId> symbols_;  // every word's tokens, one slice per word
    std::uint64_t totalTokens_ = 0;
    std::uint64_t totalWords_ = 0;
    std::unordered_map<std::uint64_t, PairStats> pairs_;
    std::vector<std::vector<std::uint64_t>> pairsOfToken_;  // Likelihood only; may hold stale keys
    std::vector<QueueEntry> queue_;  // a heap ordered by ranksBefore
    std::unordered_map<std::uint64_t, std::int64_t> deltas_;  // scratch for apply()
    std::vector<std::uint64_t> gained_;                       // scratch for apply()
    std::vector<Merge> merges_;
    bool undoEnabled_ = false;
    std::vector<UndoRecord> undoLog_;  // one per merge while enabled
};

// Trains to the options' limits, calling onMerge (if set) after each merge with the step and the
// trainer in its new state. Throws Cancelled if `progress` asks to stop.
using MergeHook = std::function<void(const MergeStep&, const BpeTrainer&)>;
std::vector<Merge> trainBpe(const WordCounts& corpus, const BpeOptions& options,
                            const MergeHook& onMerge = {},
                            const TraceRequest& trace = TraceRequest::none(),
                            const Progress& progress = {});

}  // namespace pretrainlab
