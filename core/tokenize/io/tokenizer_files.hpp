#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab {

// GPT-2's vocab.json (token -> id) and merges.txt (one "left right" pair per line, in rank
// order, after an optional "#version" line): byte-level BPE with GPT-2's pre-tokenizer.
Tokenizer readGpt2Files(const std::filesystem::path& vocabJson, const std::filesystem::path& mergesTxt);

// Writes a byte-level BPE tokenizer as GPT-2's two files. Throws std::invalid_argument for
// anything else (WordPiece, character-level BPE, tiktoken ranks without a merge list).
void writeGpt2Files(const Tokenizer& tokenizer, const std::filesystem::path& vocabJson,
                    const std::filesystem::path& mergesTxt);

// A tiktoken rank file: one "base64-bytes rank" per line. Byte-level BPE whose merges follow the
// ranks of the merged tokens, with GPT-2's pre-tokenizer.
Tokenizer readTiktokenRanks(const std::filesystem::path& path);

// BERT's vocab.txt: one token per line, the id is the line number (from 0). WordPiece with "##",
// BERT's normalizer (lowercasing when the vocabulary has no capital letters, as uncased models)
// and pre-tokenizer, and [CLS] ... [SEP] around a sequence when those tokens exist.
Tokenizer readBertVocab(const std::filesystem::path& path);

enum class TokenizerFileKind { TokenizerJson, VocabJson, TiktokenRanks, BertVocab };

// Recognises a tokenizer file by its content, not its name.
TokenizerFileKind detectTokenizerFile(const std::filesystem::path& path);

// Any of the above; vocab.json needs its merges.txt. Throws LocatedError naming the file.
Tokenizer loadTokenizer(const std::filesystem::path& path,
                        const std::optional<std::filesystem::path>& mergesTxt = std::nullopt);

}  // namespace pretrainlab
