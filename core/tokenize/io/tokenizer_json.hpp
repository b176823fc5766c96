#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab {

// Hugging Face's tokenizer.json, for BPE (byte-level or with a whitespace pre-tokenizer) and
// WordPiece, with the normalizers, pre-tokenizers and post-processors PretrainLab reproduces.
// Errors name the source and the JSON path: "tokenizer.json: model.merges[12]: ...".
Tokenizer parseTokenizerJson(std::string_view text, const std::string& source);
Tokenizer readTokenizerJson(const std::filesystem::path& path);

std::string tokenizerJson(const Tokenizer& tokenizer);
void writeTokenizerJson(const Tokenizer& tokenizer, const std::filesystem::path& path);

}  // namespace pretrainlab
