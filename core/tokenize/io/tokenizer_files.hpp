#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab {

// The text after a UTF-8 byte order mark, if it starts with one (every reader below skips it).
std::string_view withoutByteOrderMark(std::string_view text);

// Vocabularies are tables indexed by id, so a file may not name ids far beyond its entries: at
// most this many may stay unused. The message for an id past that, or nullopt.
inline constexpr std::uint64_t maxUnusedIds = 65536;
std::optional<std::string> idOutOfRange(std::uint64_t id, std::size_t entries);

// GPT-2's vocab.json (token -> id) and merges.txt (one "left right" pair per line, in rank
// order, after an optional "#version" line): byte-level BPE with GPT-2's pre-tokenizer.
Tokenizer readGpt2Files(const std::filesystem::path& vocabJson, const std::filesystem::path& mergesTxt);

// Writes a byte-level BPE tokenizer as GPT-2's two files. Throws std::invalid_argument for
// anything else (WordPiece, character-level BPE, tiktoken ranks without a merge list).
void writeGpt2Files(const Tokenizer& tokenizer, const std::filesystem::path& vocabJson,
                    const std::filesystem::path& mergesTxt);

// A tiktoken rank file: one "base64-bytes rank" per line. Byte-level BPE whose merges follow the
// ranks of the merged tokens, with GPT-2's pre-tokenizer. Every one of the 256 bytes must have a
// rank (else text holding it could not be encoded): the message names those that do not.
Tokenizer readTiktokenRanks(const std::filesystem::path& path);

// BERT's vocab.txt: one token per line, the id is the line number (from 0). WordPiece with "##",
// BERT's normalizer (lowercasing when the vocabulary has no capital letters, as uncased models)
// and pre-tokenizer, and [CLS] ... [SEP] around a sequence when those tokens exist. Refuses a
// vocabulary without [UNK], and a file that is not one (binary, a merges.txt, plain text) saying
// what it looks like.
Tokenizer readBertVocab(const std::filesystem::path& path);

enum class TokenizerFileKind { TokenizerJson, VocabJson, TiktokenRanks, BertVocab };

// Recognises a tokenizer file by its content, not its name. Throws LocatedError for an empty file
// and JSON that is not an object.
TokenizerFileKind detectTokenizerFile(const std::filesystem::path& path);
std::string tokenizerFileKindName(TokenizerFileKind kind);  // "vocab.json", ...

// Any of the above; vocab.json needs its merges.txt, and the others take none. Throws
// LocatedError naming the file.
Tokenizer loadTokenizer(const std::filesystem::path& path,
                        const std::optional<std::filesystem::path>& mergesTxt = std::nullopt);

}  // namespace pretrainlab
