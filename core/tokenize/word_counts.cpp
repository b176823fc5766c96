#include "core/tokenize/word_counts.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <exception>
#include <thread>

#include "core/common/error.hpp"
#include "core/text/pretokenizer.hpp"
#include "core/text/utf8.hpp"

namespace pretrainlab {

WordCounts WordCounts::fromText(std::string_view text, const std::string& source) {
    utf8::requireValid(text, source);
    WordCounts counts;
    std::size_t pos = 0;
    std::size_t wordStart = std::string_view::npos;
    while (pos < text.size()) {
        const std::size_t characterStart = pos;
        const char32_t codePoint = utf8::decode(text, pos);
        if (utf8::isWhitespace(codePoint)) {
            if (wordStart != std::string_view::npos) {
                counts.add(text.substr(wordStart, characterStart - wordStart));
                wordStart = std::string_view::npos;
            }
        } else if (wordStart == std::string_view::npos) {
            wordStart = characterStart;
        }
    }
    if (wordStart != std::string_view::npos) counts.add(text.substr(wordStart));
    return counts;
}

void WordCounts::add(std::string_view word, std::uint64_t count) {
    if (word.empty() || count == 0) return;
    totalOccurrences_ += count;
    if (auto it = indexOf_.find(word); it != indexOf_.end()) {
        words_[it->second].count += count;
        return;
    }
    indexOf_.emplace(std::string(word), words_.size());
    words_.push_back(CorpusWord{std::string(word), count});
}

void WordCounts::merge(const WordCounts& later) {
    for (const CorpusWord& word : later.words_) add(word.text, word.count);
}

static_assert(std::endian::native == std::endian::little, "word counts are stored little-endian");

std::string wordCountsBytes(const WordCounts& counts) {
    std::string bytes;
    for (const CorpusWord& word : counts.words()) {
        const std::uint64_t count = word.count;
        const auto length = static_cast<std::uint32_t>(word.text.size());
        bytes.append(reinterpret_cast<const char*>(&count), 8);
        bytes.append(reinterpret_cast<const char*>(&length), 4);
        bytes += word.text;
    }
    return bytes;
}

WordCounts wordCountsFromBytes(std::string_view bytes, const std::string& source) {
    WordCounts counts;
    std::size_t at = 0;
    const auto fail = [&](const std::string& what) {
        throw LocatedError({source, std::nullopt, at}, what);
    };
    while (at < bytes.size()) {
        if (bytes.size() - at < 12) fail("a word's count and length are cut short");
        std::uint64_t count = 0;
        std::uint32_t length = 0;
        std::memcpy(&count, bytes.data() + at, 8);
        std::memcpy(&length, bytes.data() + at + 8, 4);
        if (count == 0) fail("a word counted 0 times");
        if (length == 0) fail("an empty word");
        if (bytes.size() - at - 12 < length) fail("a word of " + std::to_string(length) + " bytes is cut short");
        const std::size_t before = counts.size();
        counts.add(bytes.substr(at + 12, length), count);
        if (counts.size() == before) fail("the word '" + std::string(bytes.substr(at + 12, length)) + "' comes twice");
        at += 12 + length;
    }
    return counts;
}

namespace {

// One thread's share: counted by views into the text, so no word is copied until the end.
struct ChunkCounts {
    std::vector<std::pair<std::string_view, std::uint64_t>> words;
    std::unordered_map<std::string_view, std::size_t> indexOf;

    void add(std::string_view word) {
        auto [it, inserted] = indexOf.try_emplace(word, words.size());
        if (inserted) {
            words.emplace_back(word, 1);
        } else {
            ++words[it->second].second;
        }
    }
};

void countChunk(std::string_view chunk, const PreTokenizer& preTokenizer, ChunkCounts& counts,
                std::atomic<std::size_t>& bytesDone, const Progress& progress, bool reports) {
    std::vector<TextSpan> pieces;
    std::size_t lineStart = 0;
    std::size_t sinceReport = 0;
    while (lineStart < chunk.size()) {
        std::size_t lineEnd = chunk.find('\n', lineStart);
        lineEnd = lineEnd == std::string_view::npos ? chunk.size() : lineEnd + 1;
        const std::string_view line = chunk.substr(lineStart, lineEnd - lineStart);
        pieces.clear();
        preTokenizer.split(line, pieces);
        for (const TextSpan& piece : pieces) counts.add(line.substr(piece.begin, piece.end - piece.begin));
        sinceReport += line.size();
        lineStart = lineEnd;
        if (sinceReport >= (1u << 20)) {
            bytesDone += sinceReport;
            sinceReport = 0;
            if (progress.stopRequested()) throw Cancelled();
            if (reports) progress(static_cast<double>(bytesDone.load()));
        }
    }
    bytesDone += sinceReport;
}

}  // namespace

WordCounts countWords(std::string_view text, const PreTokenizer& preTokenizer, unsigned threads,
                      const Progress& progress) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    // Small texts are not worth a thread each.
    threads = static_cast<unsigned>(std::clamp<std::size_t>(text.size() / (256 * 1024), 1, threads));

    // Chunks end at line breaks, so each line is pre-tokenized whole, as in one pass.
    std::vector<std::string_view> chunks;
    std::size_t start = 0;
    for (unsigned t = 1; t <= threads && start < text.size(); ++t) {
        std::size_t end = t == threads ? text.size() : text.size() * t / threads;
        if (end < text.size()) {
            const std::size_t lineBreak = text.find('\n', std::max(end, start));
            end = lineBreak == std::string_view::npos ? text.size() : lineBreak + 1;
        }
        chunks.push_back(text.substr(start, end - start));
        start = end;
    }

    std::vector<ChunkCounts> counts(chunks.size());
    std::atomic<std::size_t> bytesDone{0};
    const double total = static_cast<double>(std::max<std::size_t>(1, text.size()));
    const Progress scaled{progress.report ? std::function<void(double)>([&](double done) {
                                                progress(done / total);
                                            })
                                          : std::function<void(double)>(),
                          progress.shouldStop};
    std::vector<std::exception_ptr> failures(chunks.size());
    std::vector<std::thread> workers;
    for (std::size_t c = 1; c < chunks.size(); ++c) {
        workers.emplace_back([&, c] {
            try {
                countChunk(chunks[c], preTokenizer, counts[c], bytesDone, scaled, false);
            } catch (...) {
                failures[c] = std::current_exception();
            }
        });
    }
    try {
        if (!chunks.empty()) countChunk(chunks[0], preTokenizer, counts[0], bytesDone, scaled, true);
    } catch (...) {
        failures[0] = std::current_exception();
    }
    for (std::thread& worker : workers) worker.join();
    for (const std::exception_ptr& failure : failures) {
        if (failure) std::rethrow_exception(failure);
    }

    WordCounts merged;
    for (const ChunkCounts& chunk : counts) {
        for (const auto& [word, count] : chunk.words) merged.add(word, count);
    }
    progress(1.0);
    return merged;
}

}  // namespace pretrainlab
