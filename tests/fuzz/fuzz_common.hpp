#pragma once

// Shared by the libFuzzer harnesses. A harness catches only the exceptions its reader documents
// (LocatedError, and std::invalid_argument / std::out_of_range where the API names them); anything
// else escapes and libFuzzer reports it as a crash, as it does for sanitizer reports, a broken
// FUZZ_CHECK and the memory limits (-rss_limit_mb, -malloc_limit_mb).

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/tokenize/tokenizer.hpp"

#define FUZZ_CHECK(condition)                                                                        \
    do {                                                                                             \
        if (!(condition)) ::pretrainlab::fuzz::fail(__FILE__, __LINE__, #condition);                 \
    } while (false)

namespace pretrainlab::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition) {
    std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, condition);
    std::abort();
}

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Inputs that stand for two files hold both, the second after this line.
inline constexpr std::string_view fileSeparator = "\n=====\n";

// The part before the first separator and the part after it (empty when there is none).
inline std::pair<std::string_view, std::string_view> splitFiles(std::string_view input) {
    const std::size_t at = input.find(fileSeparator);
    if (at == std::string_view::npos) return {input, {}};
    return {input.substr(0, at), input.substr(at + fileSeparator.size())};
}

// Readers that take paths read their input from a directory of this process under /tmp, which
// is removed when the process exits normally.
class ScratchDirectory {
public:
    ScratchDirectory()
        : directory_(std::filesystem::path("/tmp") / ("pretrainlab-fuzz-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(directory_);
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;

    std::filesystem::path write(const std::string& name, std::string_view bytes) const {
        const std::filesystem::path path = directory_ / name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::fprintf(stderr, "cannot write the scratch file %s\n", path.c_str());
            std::abort();
        }
        return path;
    }

private:
    std::filesystem::path directory_;
};

inline const ScratchDirectory& scratch() {
    static const ScratchDirectory directory;
    return directory;
}

// A text every tokenizer must be able to encode once a reader has accepted its file: valid UTF-8
// with letters, digits, punctuation, whitespace, accents, CJK, an emoji and BERT's special tokens.
inline constexpr std::string_view sampleText = "Hello, world! 123 don't [CLS] caf\xC3\xA9 na\xC3\xAFve \xE4\xB8\xAD\xE6\x96\x87 "
                                               "\xF0\x9F\x99\x82\n\ttab  [SEP] <|endoftext|>";

// Uses a tokenizer a reader has accepted: encoding valid UTF-8 must not throw, every id must be
// in the vocabulary, and decoding those ids must not throw.
inline std::vector<TokenId> exercise(const Tokenizer& tokenizer, std::string_view text = sampleText) {
    std::vector<TokenId> plain;
    for (const bool special : {false, true}) {
        std::vector<TokenId> ids = tokenizer.encode(text, special);
        for (const TokenId id : ids) FUZZ_CHECK(tokenizer.vocabulary().has(id));
        (void)tokenizer.decode(ids, false);
        (void)tokenizer.decode(ids, true);
        if (!special) plain = std::move(ids);
    }
    (void)tokenizer.pieces(text);
    (void)tokenizer.kindName();
    return plain;
}

}  // namespace pretrainlab::fuzz
