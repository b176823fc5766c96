#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.hpp"
#include "core/text/normalizer.hpp"
#include "core/text/pretokenizer.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "core/tokenize/vocabulary.hpp"

namespace pretrainlab {

class BpeEncoder;

enum class TokenizerModel { Bpe, WordPiece };

// How ids become text again. `Model`: the model's own way (bytes for byte-level BPE, WordPiece's
// for WordPiece, tokens joined by spaces otherwise); `None`: tokens joined by spaces, as Hugging
// Face does for a tokenizer.json without a decoder.
enum class DecoderKind { Model, None, ByteLevel, WordPiece };

// A token matched in the raw text before anything else runs ([CLS], <|endoftext|>, ...).
struct AddedToken {
    std::string content;
    TokenId id = 0;
    bool special = true;
};

// Everything that defines a tokenizer, as the files describe it.
struct TokenizerConfig {
    TokenizerModel model = TokenizerModel::Bpe;
    Vocabulary vocabulary;
    std::vector<TokenPair> merges;      // BPE, in rank order
    bool mergesFromTokenRanks = false;  // tiktoken: a pair merges if its concatenation is a token,
                                        // ranked by that token's id
    bool byteLevel = false;             // BPE over GPT-2's byte symbols
    bool addPrefixSpace = false;        // byte-level: prepend a space unless there is one
    std::optional<PreTokenizerKind> preTokenizer;
    Normalizer normalizer;
    std::optional<std::string> unknownToken;
    std::string continuingPrefix;       // "##" for WordPiece
    std::size_t maxInputCharsPerWord = 100;  // WordPiece: longer words become unknown
    bool ignoreMerges = false;          // BPE: a piece that is a token as a whole is taken whole
    std::vector<AddedToken> addedTokens;
    // Put around a sequence when special tokens are asked for: BERT's [CLS] ... [SEP].
    std::vector<TokenId> prefixTokens;
    std::vector<TokenId> suffixTokens;
    // False for a template without the sequence ($A): with special tokens asked for, only they
    // are written, as Hugging Face's TemplateProcessing does.
    bool templateKeepsText = true;
    DecoderKind decoder = DecoderKind::Model;
    // WordPiece decoder: its prefix ("" for the continuing prefix) and whether it removes the
    // space before punctuation and contractions, token by token as Hugging Face does.
    std::string decoderPrefix;
    bool decoderCleanup = true;
};

// Texts shorter than this are encoded on one thread: threads would cost more than they save.
inline constexpr std::size_t parallelEncodeBytes = std::size_t{1} << 20;

// Normalize, pre-tokenize, then BPE or WordPiece, and the way back. Copies share the immutable
// state; encode() and decode() may run on several threads at once.
class Tokenizer {
public:
    // Throws std::invalid_argument if the configuration does not hold together (an unknown token
    // that is not in the vocabulary, a merge whose result is not a token, ...).
    explicit Tokenizer(TokenizerConfig config);

    const TokenizerConfig& config() const;
    const Vocabulary& vocabulary() const { return config().vocabulary; }

    // Throws LocatedError ("the text: byte N ...") when the text must be UTF-8 and is not; any
    // bytes are fine for a byte-level tokenizer without a normalizer. A text of parallelEncodeBytes
    // or more is shared among `threads` threads (0: one per core): it is cut after line breaks that
    // stand alone between two visible ASCII characters, where no normalizer or pre-tokenizer joins
    // across, so the ids are those of one thread.
    std::vector<TokenId> encode(std::string_view text, bool addSpecialTokens = false, unsigned threads = 1) const;
    // Throws std::out_of_range naming the first id that is not in the vocabulary.
    std::string decode(std::span<const TokenId> ids, bool skipSpecialTokens = false) const;

    // What encode() would drop from `text` for want of an unknown token: the characters (bytes, for
    // byte-level BPE) the vocabulary lacks, or the words WordPiece cannot spell. At most `limit`
    // distinct ones, in order of appearance; empty when nothing is lost.
    std::vector<std::string> dropped(std::string_view text, std::size_t limit = 8) const;

    // "byte-level BPE", "WordPiece", ...
    std::string kindName() const;

    // The text as the model sees it: normalized and pre-tokenized (added tokens are not split
    // out here). Byte strings for a byte-level tokenizer.
    std::vector<std::string> pieces(std::string_view text) const;
    // The BPE model, or nullptr for WordPiece.
    const BpeEncoder* bpeEncoder() const;

private:
    struct State;
    std::shared_ptr<const State> state_;
};

// For a message about what dropped() found: "the tokenizer has no token for 'c' (63), byte 0A, and
// no unknown token", and where the first of them is in `text` (when it is there as it is).
std::string droppedMessage(const std::vector<std::string>& dropped);
SourceLocation droppedLocation(std::string_view text, const std::string& source, const std::vector<std::string>& dropped);

// The tokenizer a training run made: BPE keeps its merges, WordPiece its vocabulary (with the
// first special token as the unknown token).
Tokenizer tokenizerFromTrainer(const BpeTrainer& trainer, PreTokenizerKind preTokenizer);

}  // namespace pretrainlab
