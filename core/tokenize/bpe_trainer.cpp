#include "core/tokenize/bpe_trainer.hpp"

#include <algorithm>
#include <cassert>
#include <set>

#include "core/common/error.hpp"
#include "core/text/byte_level.hpp"
#include "core/text/utf8.hpp"

namespace pretrainlab {
namespace {

__extension__ using Wide = unsigned __int128;  // exact products of three counts

// The symbols a word starts as: its characters or its bytes, with the continuing prefix on every
// symbol but the first.
std::vector<std::string> initialSymbols(const std::string& word, const BpeOptions& options,
                                        std::size_t wordIndex) {
    std::vector<std::string> symbols;
    if (options.symbols == InitialSymbols::Bytes) {
        symbols.reserve(word.size());
        for (const char byte : word) symbols.push_back(byte_level::symbols()[static_cast<std::uint8_t>(byte)]);
    } else {
        if (const auto problem = utf8::findProblem(word)) {
            throw LocatedError(SourceLocation{"corpus word " + std::to_string(wordIndex + 1),
                                              std::nullopt, problem->byteOffset},
                               "invalid UTF-8: " + problem->reason);
        }
        symbols = utf8::splitCharacters(word);
    }
    if (!options.continuingPrefix.empty()) {
        for (std::size_t i = 1; i < symbols.size(); ++i) symbols[i] = options.continuingPrefix + symbols[i];
    }
    return symbols;
}

}  // namespace

BpeTrainer::BpeTrainer(const WordCounts& corpus, BpeOptions options) : options_(std::move(options)) {
    for (const std::string& special : options_.specialTokens) {
        if (vocabulary_.find(special)) continue;
        vocabulary_.add(special);
        tokenLength_.push_back(static_cast<std::uint32_t>(utf8::countCharacters(special)));
    }

    // The alphabet: every initial symbol of the corpus, in code-point order (UTF-8 byte order is
    // code-point order, and "##a" sorts by its characters like any string).
    std::vector<std::vector<std::string>> wordSymbols;
    wordSymbols.reserve(corpus.size());
    std::set<std::string> alphabet;
    for (std::size_t w = 0; w < corpus.size(); ++w) {
        wordSymbols.push_back(initialSymbols(corpus.words()[w].text, options_, w));
        alphabet.insert(wordSymbols.back().begin(), wordSymbols.back().end());
    }
    if (options_.symbols == InitialSymbols::Bytes && options_.allBytesInAlphabet) {
        alphabet.insert(byte_level::symbols().begin(), byte_level::symbols().end());
    }
    const std::size_t beforeAlphabet = vocabulary_.size();
    for (const std::string& symbol : alphabet) {
        if (vocabulary_.find(symbol)) continue;
        vocabulary_.add(symbol);
        tokenLength_.push_back(1);
    }
    alphabetSize_ = vocabulary_.size() - beforeAlphabet;
    tokenCount_.assign(vocabulary_.size(), 0);

    words_.reserve(corpus.size());
    for (std::size_t w = 0; w < corpus.size(); ++w) {
        const CorpusWord& source = corpus.words()[w];
        Word word{source.text, source.count, static_cast<std::uint32_t>(symbols_.size()),
                  static_cast<std::uint32_t>(wordSymbols[w].size())};
        for (const std::string& symbol : wordSymbols[w]) {
            const TokenId id = *vocabulary_.find(symbol);
            symbols_.push_back(id);
            tokenCount_[id] += source.count;
        }
        totalTokens_ += source.count * word.length;
        totalWords_ += source.count;
        words_.push_back(std::move(word));
    }

    // Count every adjacent pair once, weighted by how often its word occurs.
    for (std::size_t w = 0; w < words_.size(); ++w) {
        const std::span<const TokenId> tokens = wordTokens(w);
        for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
            PairStats& stats = pairs_[key({tokens[i], tokens[i + 1]})];
            stats.count += static_cast<std::int64_t>(words_[w].count);
            if (stats.words.empty() || stats.words.back() != w) {
                stats.words.push_back(static_cast<std::uint32_t>(w));
            }
        }
    }
    if (options_.criterion == MergeCriterion::Likelihood) {
        pairsOfToken_.resize(vocabulary_.size());
        for (const auto& entry : pairs_) {
            const TokenPair pair = pairOf(entry.first);
            pairsOfToken_[pair.left].push_back(entry.first);
            if (pair.right != pair.left) pairsOfToken_[pair.right].push_back(entry.first);
        }
    }
    rebuildQueue();
}

bool BpeTrainer::finished() const {
    return merges_.size() >= options_.maxMerges || vocabulary_.size() >= options_.vocabSize;
}

std::uint64_t BpeTrainer::tokenCount(TokenId token) const {
    return token < tokenCount_.size() ? tokenCount_[token] : 0;
}

// WordPiece drops the right piece's continuing prefix: "##ortho" + "##gonal" -> "##orthogonal".
std::string BpeTrainer::mergedToken(TokenId left, TokenId right) const {
    const std::string& rightText = vocabulary_.token(right);
    const std::string_view prefix = options_.continuingPrefix;
    if (!prefix.empty() && rightText.starts_with(prefix)) {
        return vocabulary_.token(left) + rightText.substr(prefix.size());
    }
    return vocabulary_.token(left) + rightText;
}

BpeTrainer::QueueEntry BpeTrainer::entryFor(TokenPair pair, const PairStats& stats) const {
    QueueEntry entry;
    entry.count = stats.count;
    entry.pair = pair;
    if (options_.criterion == MergeCriterion::Likelihood) {
        entry.leftCount = tokenCount_[pair.left];
        entry.rightCount = tokenCount_[pair.right];
    }
    if (options_.tieBreak == TieBreak::FirstOccurrence) entry.firstOccurrence = firstOccurrence(pair);
    return entry;
}

bool BpeTrainer::winsTie(const QueueEntry& a, const QueueEntry& b) const {
    switch (options_.tieBreak) {
        case TieBreak::HuggingFace:
            break;
        case TieBreak::Lexicographic: {
            // std::string compares bytes as unsigned, and UTF-8 byte order is code-point order.
            const int left = vocabulary_.token(a.pair.left).compare(vocabulary_.token(b.pair.left));
            if (left != 0) return left < 0;
            const int right = vocabulary_.token(a.pair.right).compare(vocabulary_.token(b.pair.right));
            if (right != 0) return right < 0;
            break;
        }
        case TieBreak::FirstOccurrence:
            if (a.firstOccurrence != b.firstOccurrence) return a.firstOccurrence < b.firstOccurrence;
            break;
    }
    return a.pair.left != b.pair.left ? a.pair.left < b.pair.left : a.pair.right < b.pair.right;
}

// Scores compared exactly: count(ab)/(count(a)count(b)) against another by cross-multiplying.
bool BpeTrainer::sameScore(const QueueEntry& a, const QueueEntry& b) const {
    if (options_.criterion == MergeCriterion::Frequency) return a.count == b.count;
    return Wide(a.count) * b.leftCount * b.rightCount == Wide(b.count) * a.leftCount * a.rightCount;
}

bool BpeTrainer::ranksBefore(const QueueEntry& a, const QueueEntry& b) const {
    if (sameScore(a, b)) return winsTie(a, b);
    if (options_.criterion == MergeCriterion::Frequency) return a.count > b.count;
    return Wide(a.count) * b.leftCount * b.rightCount > Wide(b.count) * a.leftCount * a.rightCount;
}

// Words are numbered in order of first appearance, so the first word that holds the pair holds
// its first occurrence in the running text; within the word, the offset counts initial symbols,
// which stays put while merges elsewhere in the word renumber the tokens.
std::uint64_t BpeTrainer::firstOccurrence(TokenPair pair) const {
    auto it = pairs_.find(key(pair));
    if (it == pairs_.end()) return std::numeric_limits<std::uint64_t>::max();
    std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
    for (const std::uint32_t w : it->second.words) {
        if ((static_cast<std::uint64_t>(w) << 32) >= best) continue;
        const std::span<const TokenId> tokens = wordTokens(w);
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
    queue_.push_back(entryFor(pair, it->second));
    std::push_heap(queue_.begin(), queue_.end(),
                   [this](const QueueEntry& a, const QueueEntry& b) { return ranksBefore(b, a); });
}

// WordPiece: a token's count fell, so every pair it is part of scores higher now; their queue
// entries are too low and get fresh ones.
void BpeTrainer::pushPairsOf(TokenId token) {
    std::vector<std::uint64_t>& keys = pairsOfToken_[token];
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::erase_if(keys, [this](std::uint64_t pairKey) { return !pairs_.contains(pairKey); });
    for (const std::uint64_t pairKey : keys) push(pairOf(pairKey));
}

// An entry is stale when its pair's numbers have changed since it was queued. Under Frequency,
// and for first occurrences, changes only lower a pair's rank, so a stale entry is re-queued
// with its true values and the first entry that is still true is the best pair. Under
// Likelihood a score can also rise; those pairs were re-queued when it happened (pushPairsOf).
std::optional<BpeTrainer::QueueEntry> BpeTrainer::bestEntry() {
    const auto lowerRank = [this](const QueueEntry& a, const QueueEntry& b) {
        return ranksBefore(b, a);
    };
    while (!queue_.empty()) {
        const QueueEntry top = queue_.front();
        auto it = pairs_.find(key(top.pair));
        bool stale = it == pairs_.end() || it->second.count != top.count;
        if (!stale && options_.criterion == MergeCriterion::Likelihood) {
            stale = tokenCount_[top.pair.left] != top.leftCount ||
                    tokenCount_[top.pair.right] != top.rightCount;
        }
        if (!stale && options_.tieBreak == TieBreak::FirstOccurrence) {
            stale = firstOccurrence(top.pair) != top.firstOccurrence;
        }
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
    step.leftCount = tokenCount_[best.pair.left];
    step.rightCount = tokenCount_[best.pair.right];
    step.criterion = options_.criterion;
    step.score = options_.criterion == MergeCriterion::Frequency
                     ? static_cast<double>(step.count)
                     : PairCount{best.pair, step.count, step.leftCount, step.rightCount}.likelihoodScore();
    step.newToken = mergedToken(best.pair.left, best.pair.right);
    const std::optional<TokenId> known = vocabulary_.find(step.newToken);
    step.tokenWasKnown = known.has_value();
    step.newId = known ? *known : static_cast<TokenId>(vocabulary_.size());
    step.vocabSizeAfter = vocabulary_.size() + (known ? 0 : 1);
    step.tieRule = options_.tieBreak;
    if (trace.pairCounts) step.pairCounts = pairCounts(trace.maxPairCounts);
    if (trace.ties) {
        std::vector<QueueEntry> tied;
        for (const auto& [pairKey, stats] : pairs_) {
            QueueEntry entry = entryFor(pairOf(pairKey), stats);
            if (sameScore(entry, best)) tied.push_back(entry);
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

void BpeTrainer::noteNewToken(TokenId id, TokenId left, TokenId right) {
    if (id < tokenLength_.size()) return;
    tokenLength_.push_back(tokenLength_[left] + tokenLength_[right]);
    tokenCount_.push_back(0);
    if (options_.criterion == MergeCriterion::Likelihood) pairsOfToken_.emplace_back();
}

std::optional<MergeStep> BpeTrainer::step(const TraceRequest& trace) {
    std::optional<MergeStep> next = peek(trace);
    if (!next) return std::nullopt;
    commitMerge(next->pair, next->newToken);
    next->totalTokensAfter = totalTokens_;
    return next;
}

TokenId BpeTrainer::commitMerge(TokenPair pair, const std::string& token) {
    const std::size_t before = vocabulary_.size();
    const TokenId newId = vocabulary_.add(token);
    noteNewToken(newId, pair.left, pair.right);
    UndoRecord* record = nullptr;
    if (undoEnabled_) {
        record = &undoLog_.emplace_back();
        record->pair = pair;
        record->newId = newId;
        record->addedToken = vocabulary_.size() > before;
    }
    if (pairs_.contains(key(pair))) apply(pair, newId, record);
    merges_.push_back(Merge{pair, newId});
    return newId;
}

MergeStep BpeTrainer::applyMerge(std::string_view left, std::string_view right) {
    const auto idOf = [this](std::string_view token) {
        if (const std::optional<TokenId> id = vocabulary_.find(token)) return *id;
        const TokenId id = vocabulary_.add(std::string(token));
        tokenLength_.push_back(static_cast<std::uint32_t>(utf8::countCharacters(token)));
        tokenCount_.push_back(0);
        if (options_.criterion == MergeCriterion::Likelihood) pairsOfToken_.emplace_back();
        return id;
    };
    const TokenPair pair{idOf(left), idOf(right)};
    auto it = pairs_.find(key(pair));
    PairStats none;
    MergeStep step = describe(entryFor(pair, it == pairs_.end() ? none : it->second), TraceRequest::none());
    commitMerge(pair, step.newToken);
    step.totalTokensAfter = totalTokens_;
    return step;
}

// Replaces every occurrence of `pair` by `newId`, left to right without overlap (so "a a a"
// becomes "aa a"), and updates the counts of the neighbouring pairs by what changed.
void BpeTrainer::apply(TokenPair pair, TokenId newId, UndoRecord* record) {
    auto merged = pairs_.find(key(pair));
    std::vector<std::uint32_t> affected = std::move(merged->second.words);
    const std::int64_t mergedCount = merged->second.count;
    pairs_.erase(merged);
    std::sort(affected.begin(), affected.end());
    affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
    if (record) {
        record->mergedCount = mergedCount;
        record->mergedWords = affected;
    }

    deltas_.clear();
    gained_.clear();
    const bool likelihood = options_.criterion == MergeCriterion::Likelihood;
    for (const std::uint32_t w : affected) {
        Word& word = words_[w];
        const auto weight = static_cast<std::int64_t>(word.count);
        const auto change = [&](TokenId left, TokenId right, std::int64_t sign) {
            const std::uint64_t changed = key({left, right});
            deltas_[changed] += sign * weight;
            if (sign > 0) {
                PairStats& stats = pairs_[changed];
                if (stats.words.empty() || stats.words.back() != w) stats.words.push_back(w);
                gained_.push_back(changed);
            }
        };
        // Compact the word in place: `out` trails `in` by one for every merge made.
        TokenId* tokens = symbols_.data() + word.begin;
        const std::uint32_t length = word.length;
        if (record) {
            record->words.emplace_back(w, length);
            record->tokensBefore.insert(record->tokensBefore.end(), tokens, tokens + length);
        }
        std::uint32_t out = 0;
        for (std::uint32_t in = 0; in < length;) {
            if (in + 1 < length && tokens[in] == pair.left && tokens[in + 1] == pair.right) {
                if (out > 0) {  // the token before, already final
                    change(tokens[out - 1], pair.left, -1);
                    change(tokens[out - 1], newId, +1);
                }
                if (in + 2 < length) {  // the token after, as it is now
                    change(pair.right, tokens[in + 2], -1);
                    change(newId, tokens[in + 2], +1);
                }
                tokens[out++] = newId;
                in += 2;
                tokenCount_[pair.left] -= word.count;
                tokenCount_[pair.right] -= word.count;
                tokenCount_[newId] += word.count;
                totalTokens_ -= word.count;
                if (record) record->occurrences += word.count;
            } else {
                tokens[out++] = tokens[in++];
            }
        }
        word.length = out;
    }
    deltas_.erase(key(pair));  // the merged pair is gone everywhere

    for (const auto& [changed, delta] : deltas_) {
        auto it = pairs_.find(changed);
        if (it == pairs_.end()) it = pairs_.try_emplace(changed).first;
        it->second.count += delta;
        assert(it->second.count >= 0);
        if (it->second.count <= 0) {
            if (record) record->emptied.emplace_back(changed, std::move(it->second.words));
            pairs_.erase(it);
        }
        if (record && delta != 0) record->deltas.emplace_back(changed, delta);
    }
    std::sort(gained_.begin(), gained_.end());
    gained_.erase(std::unique(gained_.begin(), gained_.end()), gained_.end());
    for (const std::uint64_t changed : gained_) {
        const TokenPair grown = pairOf(changed);
        if (likelihood) {
            pairsOfToken_[grown.left].push_back(changed);
            if (grown.right != grown.left) pairsOfToken_[grown.right].push_back(changed);
        }
        push(grown);
    }
    if (likelihood) {
        pushPairsOf(pair.left);
        if (pair.right != pair.left) pushPairsOf(pair.right);
    }
    // Re-queued pairs leave their old entries behind; once those outnumber the live pairs, start
    // the queue afresh so it never grows without bound.
    if (queue_.size() > 2 * pairs_.size() + 4096) rebuildQueue();
}

std::size_t BpeTrainer::undo(std::size_t merges) {
    std::size_t undone = 0;
    for (; undone < merges && !undoLog_.empty() && !merges_.empty(); ++undone) restore(undoLog_.back());
    // Queue entries may name tokens that are gone now (and whose ids a later merge will reuse for
    // another string), so the queue starts afresh from the pairs as they are.
    if (undone > 0) rebuildQueue();
    return undone;
}

void BpeTrainer::restore(UndoRecord& record) {
    merges_.pop_back();

    // The words as they were.
    std::size_t offset = 0;
    for (const auto& [w, length] : record.words) {
        std::copy_n(record.tokensBefore.begin() + static_cast<std::ptrdiff_t>(offset), length,
                    symbols_.begin() + words_[w].begin);
        words_[w].length = length;
        offset += length;
    }
    // The pair counts as they were, with the word lists of pairs the merge had emptied.
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> emptied(
        std::make_move_iterator(record.emptied.begin()), std::make_move_iterator(record.emptied.end()));
    std::vector<std::uint64_t> back;  // pairs that exist again
    for (const auto& [changed, delta] : record.deltas) {
        auto [it, created] = pairs_.try_emplace(changed);
        if (created) {
            if (auto words = emptied.find(changed); words != emptied.end()) it->second.words = std::move(words->second);
            back.push_back(changed);
        }
        it->second.count -= delta;
        if (it->second.count <= 0) pairs_.erase(it);
    }
    if (record.mergedCount > 0) {
        PairStats& merged = pairs_[key(record.pair)];
        merged.count = record.mergedCount;
        merged.words = std::move(record.mergedWords);
        back.push_back(key(record.pair));
    }
    if (options_.criterion == MergeCriterion::Likelihood) {
        for (const std::uint64_t pairKey : back) {
            const TokenPair pair = pairOf(pairKey);
            if (!pairs_.contains(pairKey)) continue;
            pairsOfToken_[pair.left].push_back(pairKey);
            if (pair.right != pair.left) pairsOfToken_[pair.right].push_back(pairKey);
        }
    }
    tokenCount_[record.pair.left] += record.occurrences;
    tokenCount_[record.pair.right] += record.occurrences;
    tokenCount_[record.newId] -= record.occurrences;
    totalTokens_ += record.occurrences;
    if (record.addedToken) {
        vocabulary_.removeLast();
        tokenLength_.pop_back();
        tokenCount_.pop_back();
        if (options_.criterion == MergeCriterion::Likelihood) pairsOfToken_.pop_back();
    }
    undoLog_.pop_back();
}

void BpeTrainer::rebuildQueue() {
    queue_.clear();
    for (const auto& [pairKey, stats] : pairs_) queue_.push_back(entryFor(pairOf(pairKey), stats));
    std::make_heap(queue_.begin(), queue_.end(),
                   [this](const QueueEntry& a, const QueueEntry& b) { return ranksBefore(b, a); });
}

std::vector<std::string> BpeTrainer::wordPieces(std::size_t word) const {
    std::vector<std::string> pieces;
    const std::span<const TokenId> tokens = wordTokens(word);
    pieces.reserve(tokens.size());
    for (const TokenId id : tokens) pieces.push_back(vocabulary_.token(id));
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
    for (const auto& [pairKey, stats] : pairs_) entries.push_back(entryFor(pairOf(pairKey), stats));
    const std::size_t shown = std::min(limit, entries.size());
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(shown),
                      entries.end(),
                      [this](const QueueEntry& a, const QueueEntry& b) { return ranksBefore(a, b); });
    std::vector<PairCount> counts;
    counts.reserve(shown);
    for (std::size_t i = 0; i < shown; ++i) {
        const QueueEntry& entry = entries[i];
        counts.push_back({entry.pair, static_cast<std::uint64_t>(entry.count),
                          tokenCount_[entry.pair.left], tokenCount_[entry.pair.right]});
    }
    return counts;
}

std::vector<Merge> trainBpe(const WordCounts& corpus, const BpeOptions& options,
                            const MergeHook& onMerge, const TraceRequest& trace,
                            const Progress& progress) {
    BpeTrainer trainer(corpus, options);
    const std::size_t start = trainer.vocabulary().size();
    const std::size_t target = std::min(options.vocabSize, start + std::min(options.maxMerges, std::size_t(1) << 40));
    while (std::optional<MergeStep> step = trainer.step(trace)) {
        if (onMerge) onMerge(*step, trainer);
        if ((step->step & 255) == 0) {
            if (progress.stopRequested()) throw Cancelled();
            if (target > start) {
                progress(static_cast<double>(trainer.vocabulary().size() - start) /
                         static_cast<double>(target - start));
            }
        }
    }
    progress(1.0);
    return trainer.merges();
}

}  // namespace pretrainlab
