#include "core/tokenize/tokenizer.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/text/byte_level.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/bpe_encoder.hpp"
#include "core/tokenize/wordpiece_encoder.hpp"

namespace pretrainlab {

struct Tokenizer::State {
    TokenizerConfig config;
    std::optional<PreTokenizer> preTokenizer;
    std::optional<BpeEncoder> bpe;
    std::optional<WordPieceEncoder> wordPiece;
    std::vector<const AddedToken*> addedLongestFirst;
    std::vector<bool> isSpecial;  // by id

    explicit State(TokenizerConfig source) : config(std::move(source)) {
        const Vocabulary& vocabulary = config.vocabulary;
        std::optional<TokenId> unknown;
        if (config.unknownToken) {
            unknown = vocabulary.find(*config.unknownToken);
            if (!unknown) {
                throw std::invalid_argument("the unknown token '" + *config.unknownToken +
                                            "' is not in the vocabulary");
            }
        }
        if (config.preTokenizer) preTokenizer.emplace(*config.preTokenizer);
        if (config.model == TokenizerModel::Bpe) {
            BpeEncoder::Options options{config.byteLevel, unknown, config.continuingPrefix,
                                        config.ignoreMerges};
            if (config.mergesFromTokenRanks) {
                bpe.emplace(BpeEncoder::fromTokenRanks(vocabulary, options));
            } else {
                for (std::size_t rank = 0; rank < config.merges.size(); ++rank) {
                    const TokenPair pair = config.merges[rank];
                    if (!vocabulary.has(pair.left) || !vocabulary.has(pair.right)) {
                        throw std::invalid_argument("merge " + std::to_string(rank + 1) +
                                                    " uses an id that is not in the vocabulary");
                    }
                }
                bpe.emplace(vocabulary, config.merges, options);
            }
        } else {
            wordPiece.emplace(vocabulary, unknown, config.continuingPrefix.empty() ? "##" : config.continuingPrefix,
                              config.maxInputCharsPerWord);
        }
        isSpecial.assign(vocabulary.size(), false);
        for (const AddedToken& added : config.addedTokens) {
            if (added.id >= vocabulary.size() || vocabulary.token(added.id) != added.content) {
                throw std::invalid_argument("added token '" + added.content + "' does not match id " +
                                            std::to_string(added.id) + " of the vocabulary");
            }
            if (!added.content.empty()) addedLongestFirst.push_back(&added);
            if (added.special) isSpecial[added.id] = true;
        }
        std::stable_sort(addedLongestFirst.begin(), addedLongestFirst.end(),
                         [](const AddedToken* a, const AddedToken* b) {
                             return a->content.size() > b->content.size();
                         });
        for (const TokenId id : config.prefixTokens) isSpecial.at(id) = true;
        for (const TokenId id : config.suffixTokens) isSpecial.at(id) = true;
    }

    // Normalizes a stretch of text (into `owned` when it changes) and cuts it into pieces.
    // `atStart`: the stretch begins where the text (or a stretch between added tokens) does, so
    // a prefix space goes before it; `checked`: its UTF-8 has been checked already.
    std::string_view prepare(std::string_view stretch, std::string& owned, std::vector<TextSpan>& pieces,
                             bool atStart = true, bool checked = false) const {
        std::string_view text = stretch;
        if (!checked && (!config.normalizer.empty() || !config.byteLevel)) utf8::requireValid(stretch, "the text");
        if (!config.normalizer.empty()) {
            owned = config.normalizer.apply(stretch);
            text = owned;
        }
        if (atStart && config.byteLevel && config.addPrefixSpace && !text.starts_with(' ')) {
            std::string spaced(1, ' ');
            spaced += text;
            owned = std::move(spaced);
            text = owned;
        }
        if (preTokenizer) {
            preTokenizer->split(text, pieces);
        } else if (!text.empty()) {
            pieces.push_back({0, text.size()});
        }
        return text;
    }

    // Encodes each piece of a stretch without added tokens once: repeated pieces (most words of
    // a text) come from the cache.
    void encodeStretch(std::string_view stretch, std::vector<TokenId>& ids, unsigned threads) const {
        // Without a pre-tokenizer the stretch is one piece: it cannot be cut.
        const std::vector<std::size_t> cuts = threads > 1 && preTokenizer && stretch.size() >= parallelEncodeBytes
                                                  ? cutPoints(stretch, threads)
                                                  : std::vector<std::size_t>();
        if (cuts.empty()) {
            encodePart(stretch, ids, true, false);
            return;
        }
        // Checked whole first, so an error names its byte in the whole text.
        if (!config.normalizer.empty() || !config.byteLevel) utf8::requireValid(stretch, "the text");
        std::vector<std::string_view> parts;
        std::size_t begin = 0;
        for (const std::size_t cut : cuts) parts.push_back(stretch.substr(begin, cut - begin)), begin = cut;
        parts.push_back(stretch.substr(begin));
        // The first part goes straight into `ids` on this thread; the others are appended after.
        std::vector<std::vector<TokenId>> encoded(parts.size());
        std::vector<std::exception_ptr> failures(parts.size());
        const auto run = [&](std::size_t i) {
            try {
                encodePart(parts[i], i == 0 ? ids : encoded[i], i == 0, true);
            } catch (...) {
                failures[i] = std::current_exception();
            }
        };
        std::vector<std::thread> workers;
        for (std::size_t i = 1; i < parts.size(); ++i) workers.emplace_back(run, i);
        run(0);
        for (std::thread& worker : workers) worker.join();
        for (const std::exception_ptr& failure : failures)
            if (failure) std::rethrow_exception(failure);
        std::size_t total = ids.size();
        for (const auto& part : encoded) total += part.size();
        ids.reserve(total);
        for (const auto& part : encoded) ids.insert(ids.end(), part.begin(), part.end());
    }

    // The first place in [from, to) where a text may be cut: just after a line break with a
    // visible ASCII character on each side. Every pre-tokenizer ends a piece there (a lone line
    // break is a piece of its own, or a separator) and every normalizer works character by
    // character, so the parts encode to the ids of the whole. `from` is at least 1, `to` at most
    // the text's size less one.
    static std::optional<std::size_t> cutAfter(std::string_view text, std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            if (text[i] == '\n' && visible(text[i - 1]) && visible(text[i + 1])) return i + 1;
        }
        return std::nullopt;
    }

    // Where a stretch is cut for `threads` threads: near each 1/threads of the way, none where no
    // place to cut comes within a megabyte.
    static std::vector<std::size_t> cutPoints(std::string_view text, unsigned threads) {
        std::vector<std::size_t> cuts;
        for (unsigned k = 1; k < threads; ++k) {
            const std::size_t from = std::max(text.size() / threads * k, cuts.empty() ? std::size_t{1} : cuts.back() + 1);
            const std::size_t to = std::min(text.size() - 1, from + (std::size_t{1} << 20));
            if (const std::optional<std::size_t> cut = cutAfter(text, from, to)) cuts.push_back(*cut);
        }
        return cuts;
    }

    // Encodes a part a block of about a megabyte at a time (cut where a thread's part may be cut,
    // so the ids are the same), so its pieces stay in the cache instead of filling memory.
    void encodePart(std::string_view stretch, std::vector<TokenId>& ids, bool atStart, bool checked) const {
        if (!checked && (!config.normalizer.empty() || !config.byteLevel)) {
            utf8::requireValid(stretch, "the text");  // whole, so an error names its byte in the text
        }
        ids.reserve(ids.size() + stretch.size() / 4);  // English BPE: about one token per 4.4 bytes
        PieceCache cache;
        std::vector<TokenId> encoded;  // every distinct piece's ids, back to back
        std::string owned;
        std::vector<TextSpan> pieces;
        std::size_t begin = 0;
        for (;;) {  // once at least: an empty stretch may still be a prefix space
            const std::size_t end = preTokenizer ? blockEnd(stretch, begin) : stretch.size();
            pieces.clear();
            const std::string_view text = prepare(stretch.substr(begin, end - begin), owned, pieces, atStart && begin == 0, true);
            for (const TextSpan& span : pieces) {
                const std::string_view piece = text.substr(span.begin, span.end - span.begin);
                auto found = cache.find(piece);
                if (found == cache.end()) {
                    const std::size_t start = encoded.size();
                    if (bpe) {
                        bpe->encode(piece, encoded);
                    } else {
                        wordPiece->encode(piece, encoded);
                    }
                    found = cache.emplace(std::string(piece), std::pair{start, encoded.size() - start}).first;
                }
                ids.insert(ids.end(), encoded.begin() + static_cast<std::ptrdiff_t>(found->second.first),
                           encoded.begin() + static_cast<std::ptrdiff_t>(found->second.first + found->second.second));
            }
            if (end == stretch.size()) break;
            begin = end;
        }
    }

    // Where the block from `begin` ends: at the first place to cut about a megabyte on, or at the
    // end of the text.
    static std::size_t blockEnd(std::string_view text, std::size_t begin) {
        constexpr std::size_t block = std::size_t{1} << 20;
        if (text.size() - begin <= 2 * block) return text.size();
        return cutAfter(text, begin + block, text.size() - 1).value_or(text.size());
    }

    static bool visible(char c) { return c > 0x20 && c < 0x7f; }

    // A piece's ids by the piece's text, looked up without copying the text.
    struct PieceHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    using PieceCache = std::unordered_map<std::string, std::pair<std::size_t, std::size_t>, PieceHash, std::equal_to<>>;
};

Tokenizer::Tokenizer(TokenizerConfig config)
    : state_(std::make_shared<const State>(std::move(config))) {}

const TokenizerConfig& Tokenizer::config() const { return state_->config; }

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool addSpecialTokens, unsigned threads) const {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<TokenId> ids;
    if (addSpecialTokens) ids = state_->config.prefixTokens;
    if (addSpecialTokens && !state_->config.templateKeepsText) {
        ids.insert(ids.end(), state_->config.suffixTokens.begin(), state_->config.suffixTokens.end());
        return ids;
    }
    // Added tokens are found in the raw text first; the stretches between them are encoded.
    std::size_t stretchStart = 0;
    std::size_t pos = 0;
    while (pos < text.size() && !state_->addedLongestFirst.empty()) {
        const AddedToken* match = nullptr;
        for (const AddedToken* added : state_->addedLongestFirst) {
            if (text.substr(pos).starts_with(added->content)) {
                match = added;
                break;
            }
        }
        if (!match) {
            ++pos;
            continue;
        }
        state_->encodeStretch(text.substr(stretchStart, pos - stretchStart), ids, threads);
        ids.push_back(match->id);
        pos += match->content.size();
        stretchStart = pos;
    }
    state_->encodeStretch(text.substr(stretchStart), ids, threads);
    if (addSpecialTokens) {
        ids.insert(ids.end(), state_->config.suffixTokens.begin(), state_->config.suffixTokens.end());
    }
    return ids;
}

namespace {

// Hugging Face's WordPiece decoder clean-up of one token (with the space put before it): no
// space before punctuation and contractions. Applied to the whole text instead, it would turn
// "do not" into "don't"; token by token it only can where "do not" is one token.
std::string cleanUp(std::string text) {
    static const std::pair<std::string_view, std::string_view> replacements[] = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
        {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    for (const auto& [from, to] : replacements) {
        std::size_t at = 0;
        while ((at = text.find(from, at)) != std::string::npos) {
            text.replace(at, from.size(), to);
            at += to.size();
        }
    }
    return text;
}

}  // namespace

std::string Tokenizer::decode(std::span<const TokenId> ids, bool skipSpecialTokens) const {
    const TokenizerConfig& config = state_->config;
    std::vector<const std::string*> tokens;
    tokens.reserve(ids.size());
    for (const TokenId id : ids) {
        if (!config.vocabulary.has(id)) {
            throw std::out_of_range("id " + std::to_string(id) + " is not in the vocabulary (" +
                                    std::to_string(config.vocabulary.size()) + " tokens)");
        }
        if (skipSpecialTokens && state_->isSpecial[id]) continue;
        tokens.push_back(&config.vocabulary.token(id));
    }
    DecoderKind decoder = config.decoder;
    if (decoder == DecoderKind::Model) {
        decoder = config.model == TokenizerModel::WordPiece ? DecoderKind::WordPiece
                  : config.byteLevel                        ? DecoderKind::ByteLevel
                                                            : DecoderKind::None;
    }
    std::string text;
    switch (decoder) {
        case DecoderKind::ByteLevel:
            // Bytes as they were, valid UTF-8 or not (Hugging Face would put U+FFFD for invalid runs).
            for (const std::string* token : tokens) {
                const std::optional<std::string> bytes = byte_level::decode(*token);
                text += bytes ? *bytes : *token;  // added tokens are written as they are
            }
            return text;
        case DecoderKind::WordPiece: {
            const std::string& prefix = !config.decoderPrefix.empty()      ? config.decoderPrefix
                                        : !config.continuingPrefix.empty() ? config.continuingPrefix
                                                                           : std::string("##");
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                std::string piece;
                if (i == 0) {
                    piece = *tokens[i];
                } else if (tokens[i]->starts_with(prefix)) {
                    piece = tokens[i]->substr(prefix.size());
                } else {
                    piece = ' ' + *tokens[i];
                }
                text += config.decoderCleanup ? cleanUp(std::move(piece)) : piece;
            }
            return text;
        }
        case DecoderKind::None:
        case DecoderKind::Model:
            break;
    }
    // Character-level BPE keeps no word boundaries: tokens are joined with spaces.
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0) text += ' ';
        text += *tokens[i];
    }
    return text;
}

std::vector<std::string> Tokenizer::dropped(std::string_view text, std::size_t limit) const {
    const State& state = *state_;
    std::vector<std::string> found;
    if (state.config.unknownToken || limit == 0) return found;
    if (state.bpe && state.config.byteLevel) {
        std::vector<TokenId> symbols;
        std::string all(256, '\0');
        for (std::size_t byte = 0; byte < 256; ++byte) all[byte] = static_cast<char>(byte);
        std::vector<std::string> lacking;
        state.bpe->initialSymbols(all, symbols, &lacking);
        if (lacking.empty()) return found;  // every byte has a symbol: nothing can be lost
    }
    // Added tokens are matched before anything else, so they are never lost.
    std::string rest;
    rest.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const AddedToken* match = nullptr;
        for (const AddedToken* added : state.addedLongestFirst) {
            if (text.substr(pos).starts_with(added->content)) {
                match = added;
                break;
            }
        }
        if (match) {
            rest += ' ';
            pos += match->content.size();
        } else {
            rest += text[pos++];
        }
    }
    std::string owned;
    std::vector<TextSpan> spans;
    const std::string_view prepared = state.prepare(rest, owned, spans);
    std::unordered_map<std::string_view, bool> seen;
    std::vector<TokenId> scratch;
    for (const TextSpan& span : spans) {
        const std::string_view piece = prepared.substr(span.begin, span.end - span.begin);
        if (!seen.try_emplace(piece, true).second) continue;
        std::vector<std::string> lacking;
        scratch.clear();
        if (state.bpe) {
            state.bpe->initialSymbols(piece, scratch, &lacking);
        } else {
            state.wordPiece->encode(piece, scratch);
            if (scratch.empty()) lacking.emplace_back(piece);
        }
        for (std::string& item : lacking) {
            if (std::find(found.begin(), found.end(), item) != found.end()) continue;
            found.push_back(std::move(item));
            if (found.size() == limit) return found;
        }
    }
    return found;
}

std::string droppedMessage(const std::vector<std::string>& dropped) {
    static const char digits[] = "0123456789ABCDEF";
    std::string list;
    for (const std::string& item : dropped) {
        std::string hex;
        bool printable = !utf8::findProblem(item).has_value();
        for (const char c : item) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte < 0x20 || byte == 0x7F) printable = false;
            if (!hex.empty()) hex.push_back(' ');
            hex.push_back(digits[byte >> 4]);
            hex.push_back(digits[byte & 15]);
        }
        if (!list.empty()) list += ", ";
        list += printable ? "'" + item + "' (" + hex + ")" : "byte " + hex;
    }
    return "the tokenizer has no token for " + list + (dropped.size() >= 8 ? " and more" : "") + ", and no unknown token";
}

SourceLocation droppedLocation(std::string_view text, const std::string& source, const std::vector<std::string>& dropped) {
    const std::size_t at = dropped.empty() ? std::string_view::npos : text.find(dropped.front());
    if (at == std::string_view::npos) return SourceLocation{source, std::nullopt, std::nullopt};
    return SourceLocation{source, lineOfOffset(text, at), at};
}

std::vector<std::string> Tokenizer::pieces(std::string_view text) const {
    std::string owned;
    std::vector<TextSpan> spans;
    const std::string_view prepared = state_->prepare(text, owned, spans);
    std::vector<std::string> out;
    out.reserve(spans.size());
    for (const TextSpan& span : spans) out.emplace_back(prepared.substr(span.begin, span.end - span.begin));
    return out;
}

const BpeEncoder* Tokenizer::bpeEncoder() const { return state_->bpe ? &*state_->bpe : nullptr; }

std::string Tokenizer::kindName() const {
    const TokenizerConfig& config = state_->config;
    if (config.model == TokenizerModel::WordPiece) return "WordPiece";
    return config.byteLevel ? "byte-level BPE" : "BPE";
}

Tokenizer tokenizerFromTrainer(const BpeTrainer& trainer, PreTokenizerKind preTokenizer) {
    TokenizerConfig config;
    const BpeOptions& options = trainer.options();
    config.vocabulary = trainer.vocabulary();
    config.preTokenizer = preTokenizer;
    config.byteLevel = options.symbols == InitialSymbols::Bytes;
    config.continuingPrefix = options.continuingPrefix;
    for (const std::string& special : options.specialTokens) {
        config.addedTokens.push_back({special, *config.vocabulary.find(special), true});
    }
    if (options.criterion == MergeCriterion::Likelihood) {
        config.model = TokenizerModel::WordPiece;
        const auto unknown = std::find(options.specialTokens.begin(), options.specialTokens.end(), "[UNK]");
        if (unknown != options.specialTokens.end()) {
            config.unknownToken = *unknown;
        } else if (!options.specialTokens.empty()) {
            config.unknownToken = options.specialTokens.front();
        }
        if (config.continuingPrefix.empty()) config.continuingPrefix = "##";
    } else {
        for (const Merge& merge : trainer.merges()) config.merges.push_back(merge.pair);
    }
    return Tokenizer(std::move(config));
}

}  // namespace pretrainlab
