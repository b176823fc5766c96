#include "core/tokenize/bpe_trainer.hpp"

#include <algorithm>
#include <cassert>
#include <set>

#include "core/text/utf8.hpp"

namespace pretrainlab {

BpeTrainer::BpeTrainer(const WordCounts& corpus, BpeOptions options) : options_(std::move(options)) {
    for (const std::string& special : options_.specialTokens) {
        vocabulary_.add(special);
        tokenLength_.push_back(static_cast<std::uint32_t>(utf8::countCharacters(special)));
    }

    // The alphabet: every character of the corpus, numbered in code-point order.
    std::set<char32_t> alphabet;
    std::vector<std::vector<std::string>> characters;
    characters.reserve(corpus.size());
    for (const CorpusWord& word : corpus.words()) {
        characters.push_back(utf8::splitCharacters(word.text));
        for (const std::string& character : characters.back()) {
            alphabet.insert(utf8::firstCodePoint(character));
        }
    }
    for (const char32_t codePoint : alphabet) {
        const std::size_t before = vocabulary_.size();
        vocabulary_.add(utf8::encode(codePoint));
        if (vocabulary_.size() > before) tokenLength_.push_back(1);
    }
    alphabetSize_ = vocabulary_.size() - options_.specialTokens.size();

    words_.reserve(corpus.size());
    for (std::size_t w = 0; w < corpus.size(); ++w) {
        Word word{corpus.words()[w].text, corpus.words()[w].count, {}};
        word.tokens.reserve(characters[w].size());
        for (const std::string& character : characters[w]) {
            word.tokens.push_back(*vocabulary_.find(character));
        }
        words_.push_back(std::move(word));
    }

    // Count every adjacent pair once, weighted by how often its word occurs.
    for (std::size_t w = 0; w < words_.size(); ++w) {
        const Word& word = words_[w];
        for (std::size_t i = 0; i + 1 < word.tokens.size(); ++i) {
            PairStats& stats = pairs_[key({word.tokens[i], word.tokens[i + 1]})];
            stats.count += static_cast<std::int64_t>(word.count);
            if (stats.words.empty() || stats.words.back() != w) {
                stats.words.push_back(static_cast<std::uint32_t>(w));
            }
        }
    }
    queue_.reserve(pairs_.size());
    for (const auto& [pairKey, stats] : pairs_) {
        push(TokenPair{static_cast<TokenId>(pairKey >> 32), static_cast<TokenId>(pairKey)});
    }
}

bool BpeTrainer::finished() const {
    return merges_.size() >= options_.maxMerges || vocabulary_.size() >= options_.vocabSize;
}

bool BpeTrainer::winsTie(TokenPair a, std::uint64_t aFirst, TokenPair b,
                         std::uint64_t bFirst) const {
    switch (options_.tieBreak) {
        case TieBreak::HuggingFace:
            break;
        case TieBreak::Lexicographic: {
            // std::string compares bytes as unsigned, and UTF-8 byte order is code-point order.
            const int left = vocabulary_.token(a.left).compare(vocabulary_.token(b.left));
            if (left != 0) return left < 0;
            const int right = vocabulary_.token(a.right).compare(vocabulary_.token(b.right));
            if (right != 0) return right < 0;
            break;
        }
        case TieBreak::FirstOccurrence:
            if (aFirst != bFirst) return aFirst < bFirst;
            break;
    }
    return a.left != b.left ? a.left < b.left : a.right < b.right;
}

bool BpeTrainer::ranksBefore(const QueueEntry& a, const QueueEntry& b) const {
    if (a.count != b.count) return a.count > b.count;
    return winsTie(a.pair, a.firstOccurrence, b.pair, b.firstOccurrence);
}

// Words are numbered in order of first appearance, so the first word that holds the pair holds
// its first occurrence in the running text; within the word, the offset is in characters, which
// stays put while merges elsewhere in the word renumber the tokens.
std::uint64_t BpeTrainer::firstOccurrence(TokenPair pair) const {
    auto it = pairs_.find(key(pair));
    if (it == pairs_.end()) return std::numeric_limits<std::uint64_t>::max();
    std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
    for (const std::uint32_t w : it->second.words) {
        if ((static_cast<std::uint64_t>(w) << 32) >= best) continue;
        const std::vector<TokenId>& tokens = words_[w].tokens;
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
            if (tokens[i] == pair.left && tokens[i + 1] == pair.right) {
                best = (static_cast<std::uint64_t>(w) << 32) | offset;
                break;
            }
            offset += tokenLength_[tokens[i]];
        }
    }
    return best;
}

std::optional<std::size_t> BpeTrainer::firstWordWith(TokenPair pair) const {
    const std::uint64_t first = firstOccurrence(pair);
    if (first == std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
    return static_cast<std::size_t>(first >> 32);
}

void BpeTrainer::push(TokenPair pair) {
    auto it = pairs_.find(key(pair));
    if (it == pairs_.end() || it->second.count <= 0) return;
    QueueEntry entry{it->second.count, pair, 0};
    if (options_.tieBreak == TieBreak::FirstOccurrence) entry.firstOccurrence = firstOccurrence(pair);
    queue_.push_back(entry);
    std::push_heap(queue_.begin(), queue_.end(),
                   [this](const QueueEntry& a, const QueueEntry& b) { return ranksBefore(b, a); });
}

// An entry may be stale: its pair's count has dropped (merges elsewhere ate some occurrences)
// or, under FirstOccurrence, its first occurrence has moved later. Both only lower a pair's
// rank, so a stale entry is re-queued with its true values and the first entry that is still
// true is the best pair.
std::optional<BpeTrainer::QueueEntry> BpeTrainer::bestEntry() {
    const auto lowerRank = [this](const QueueEntry& a, const QueueEntry& b) {
        return ranksBefore(b, a);
    };
    while (!queue_.empty()) {
        const QueueEntry top = queue_.front();
        auto it = pairs_.find(key(top.pair));
        const bool stale =
            it == pairs_.end() || it->second.count != top.count ||
            (options_.tieBreak == TieBreak::FirstOccurrence &&
             firstOccurrence(top.pair) != top.firstOccurrence);
        if (!stale) {
            if (static_cast<std::uint64_t>(top.count) < std::max<std::uint64_t>(1, options_.minFrequency)) {
                return std::nullopt;
            }
            return top;
        }
        std::pop_heap(queue_.begin(), queue_.end(), lowerRank);
        queue_.pop_back();
        if (it != pairs_.end()) push(top.pair);
    }
    return std::nullopt;
}

std::optional<MergeStep> BpeTrainer::peek(const TraceRequest& trace) {
    if (finished()) return std::nullopt;
    const std::optional<QueueEntry> best = bestEntry();
    if (!best) return std::nullopt;
    return describe(*best, trace);
}

MergeStep BpeTrainer::describe(const QueueEntry& best, const TraceRequest& trace) {
    MergeStep step;
    step.step = merges_.size() + 1;
    step.pair = best.pair;
    step.left = vocabulary_.token(best.pair.left);
    step.right = vocabulary_.token(best.pair.right);
    step.count = static_cast<std::uint64_t>(best.count);
    step.newToken = step.left + step.right;
    const std::optional<TokenId> known = vocabulary_.find(step.newToken);
    step.tokenWasKnown = known.has_value();
    step.newId = known ? *known : static_cast<TokenId>(vocabulary_.size());
    step.vocabSizeAfter = vocabulary_.size() + (known ? 0 : 1);
    step.tieRule = options_.tieBreak;
    if (trace.pairCounts) step.pairCounts = pairCounts(trace.maxPairCounts);
    if (trace.ties) {
        std::vector<QueueEntry> tied;
        for (const auto& [pairKey, stats] : pairs_) {
            if (stats.count != best.count) continue;
            const TokenPair pair{static_cast<TokenId>(pairKey >> 32), static_cast<TokenId>(pairKey)};
            const bool needsFirst = options_.tieBreak == TieBreak::FirstOccurrence;
            tied.push_back({stats.count, pair, needsFirst ? firstOccurrence(pair) : 0});
        }
        if (tied.size() > 1) {
            std::sort(tied.begin(), tied.end(),
                      [this](const QueueEntry& a, const QueueEntry& b) { return ranksBefore(a, b); });
            for (const QueueEntry& entry : tied) step.ties.push_back(entry.pair);
            assert(step.ties.front() == best.pair);
        }
    }
    return step;
}

std::optional<MergeStep> BpeTrainer::step(const TraceRequest& trace) {
    std::optional<MergeStep> next = peek(trace);
    if (!next) return std::nullopt;
    const TokenId newId = vocabulary_.add(next->newToken);
    if (newId == tokenLength_.size()) {
        tokenLength_.push_back(tokenLength_[next->pair.left] + tokenLength_[next->pair.right]);
    }
    apply(next->pair, newId);
    merges_.push_back(Merge{next->pair, newId});
    return next;
}

// Replaces every occurrence of `pair` by `newId`, left to right without overlap (so "a a a"
// becomes "aa a"), and updates the counts of the neighbouring pairs by what changed.
void BpeTrainer::apply(TokenPair pair, TokenId newId) {
    auto merged = pairs_.find(key(pair));
    std::vector<std::uint32_t> affected = std::move(merged->second.words);
    pairs_.erase(merged);
    std::sort(affected.begin(), affected.end());
    affected.erase(std::unique(affected.begin(), affected.end()), affected.end());

    std::unordered_map<std::uint64_t, std::int64_t> deltas;
    std::vector<std::uint64_t> gained;  // pairs with new occurrences: they need a queue entry
    for (const std::uint32_t w : affected) {
        Word& word = words_[w];
        const auto weight = static_cast<std::int64_t>(word.count);
        const auto change = [&](TokenId left, TokenId right, std::int64_t sign) {
            const std::uint64_t changed = key({left, right});
            deltas[changed] += sign * weight;
            if (sign > 0) {
                PairStats& stats = pairs_[changed];
                if (stats.words.empty() || stats.words.back() != w) stats.words.push_back(w);
                gained.push_back(changed);
            }
        };
        std::vector<TokenId>& tokens = word.tokens;
        for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
            if (tokens[i] != pair.left || tokens[i + 1] != pair.right) continue;
            if (i > 0) {
                change(tokens[i - 1], pair.left, -1);
                change(tokens[i - 1], newId, +1);
            }
            tokens[i] = newId;
            tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1);
            if (i + 1 < tokens.size()) {
                change(pair.right, tokens[i + 1], -1);
                change(newId, tokens[i + 1], +1);
            }
        }
    }
    deltas.erase(key(pair));  // the merged pair is gone everywhere

    for (const auto& [changed, delta] : deltas) {
        auto it = pairs_.find(changed);
        if (it == pairs_.end()) it = pairs_.try_emplace(changed).first;
        it->second.count += delta;
        assert(it->second.count >= 0);
        if (it->second.count <= 0) pairs_.erase(it);
    }
    std::sort(gained.begin(), gained.end());
    gained.erase(std::unique(gained.begin(), gained.end()), gained.end());
    for (const std::uint64_t changed : gained) {
        push(TokenPair{static_cast<TokenId>(changed >> 32), static_cast<TokenId>(changed)});
    }
}

std::vector<std::string> BpeTrainer::wordPieces(std::size_t word) const {
    std::vector<std::string> pieces;
    pieces.reserve(words_[word].tokens.size());
    for (const TokenId id : words_[word].tokens) pieces.push_back(vocabulary_.token(id));
    return pieces;
}

std::vector<std::vector<std::string>> BpeTrainer::segmentation() const {
    std::vector<std::vector<std::string>> all;
    all.reserve(words_.size());
    for (std::size_t w = 0; w < words_.size(); ++w) all.push_back(wordPieces(w));
    return all;
}

std::uint64_t BpeTrainer::pairCount(TokenPair pair) const {
    auto it = pairs_.find(key(pair));
    return it == pairs_.end() ? 0 : static_cast<std::uint64_t>(it->second.count);
}

std::vector<PairCount> BpeTrainer::pairCounts(std::size_t limit) {
    std::vector<QueueEntry> entries;
    entries.reserve(pairs_.size());
    const bool needsFirst = options_.tieBreak == TieBreak::FirstOccurrence;
    for (const auto& [pairKey, stats] : pairs_) {
        const TokenPair pair{static_cast<TokenId>(pairKey >> 32), static_cast<TokenId>(pairKey)};
        entries.push_back({stats.count, pair, needsFirst ? firstOccurrence(pair) : 0});
    }
    const std::size_t shown = std::min(limit, entries.size());
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(shown),
                      entries.end(),
                      [this](const QueueEntry& a, const QueueEntry& b) { return ranksBefore(a, b); });
    std::vector<PairCount> counts;
    counts.reserve(shown);
    for (std::size_t i = 0; i < shown; ++i) {
        counts.push_back({entries[i].pair, static_cast<std::uint64_t>(entries[i].count)});
    }
    return counts;
}

std::vector<Merge> trainBpe(const WordCounts& corpus, const BpeOptions& options,
                            const MergeHook& onMerge, const TraceRequest& trace) {
    BpeTrainer trainer(corpus, options);
    while (std::optional<MergeStep> step = trainer.step(trace)) {
        if (onMerge) onMerge(*step, trainer);
    }
    return trainer.merges();
}

}  // namespace pretrainlab
