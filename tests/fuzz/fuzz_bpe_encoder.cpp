// BPE encoding on arbitrary bytes with three tokenizers built once: byte-level BPE trained on the
// test corpus (a merge list), GPT-2's tiktoken ranks (merges ranked by token id), and
// character-level BPE with the Whitespace pre-tokenizer. Byte-level BPE keeps every byte, valid
// UTF-8 or not, so decode(encode(x)) == x; the encoding trace the lesson animates ends in the
// same ids as encoding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/bpe_encoder.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/encode_trace.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

namespace {

Tokenizer trainedBpe(InitialSymbols symbols, PreTokenizerKind preTokenizer, std::size_t merges) {
    const WordCounts words = readCorpusWords(PRETRAINLAB_TEST_DATA "/parity_corpus.txt",
                                             {preTokenizer, symbols == InitialSymbols::Bytes, 1});
    BpeOptions options;
    options.symbols = symbols;
    options.maxMerges = merges;
    options.specialTokens = {"<|endoftext|>"};
    BpeTrainer trainer(words, options);
    while (trainer.step()) {
    }
    return tokenizerFromTrainer(trainer, preTokenizer);
}

struct Tokenizers {
    Tokenizer byteLevel = trainedBpe(InitialSymbols::Bytes, PreTokenizerKind::ByteLevel, 300);
    Tokenizer gpt2 = readTiktokenRanks(PRETRAINLAB_TEST_DATA "/gpt2/gpt2.tiktoken");
    Tokenizer characters = trainedBpe(InitialSymbols::Characters, PreTokenizerKind::Whitespace, 300);
};

const Tokenizers& tokenizers() {
    static const Tokenizers built;
    return built;
}

bool holdsAddedToken(const Tokenizer& tokenizer, std::string_view text) {
    for (const AddedToken& added : tokenizer.config().addedTokens) {
        if (text.find(added.content) != std::string_view::npos) return true;
    }
    return false;
}

// The trace's last pieces, without the symbols encoding drops, are the encoding's ids.
void checkTrace(const Tokenizer& tokenizer, std::string_view text, const std::vector<TokenId>& ids) {
    if (text.size() > 256 || holdsAddedToken(tokenizer, text)) return;
    const EncodingTrace trace = traceEncoding(tokenizer, text);
    std::vector<TokenId> traced;
    for (const std::vector<TokenId>& piece : trace.final()) {
        for (const TokenId id : piece) {
            if (id != BpeEncoder::missingSymbol) traced.push_back(id);
        }
    }
    FUZZ_CHECK(traced == ids);
}

void checkByteLevel(const Tokenizer& tokenizer, std::string_view text) {
    const std::vector<TokenId> ids = tokenizer.encode(text);
    for (const TokenId id : ids) FUZZ_CHECK(tokenizer.vocabulary().has(id));
    FUZZ_CHECK(tokenizer.decode(ids) == text);
    FUZZ_CHECK(tokenizer.decode(tokenizer.encode(text, true)) == text);
    checkTrace(tokenizer, text, ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::asText(data, size);
    checkByteLevel(tokenizers().byteLevel, text);
    checkByteLevel(tokenizers().gpt2, text);

    const Tokenizer& characters = tokenizers().characters;
    const bool validUtf8 = !utf8::findProblem(text).has_value();
    try {
        const std::vector<TokenId> ids = characters.encode(text);
        FUZZ_CHECK(validUtf8);
        for (const TokenId id : ids) FUZZ_CHECK(characters.vocabulary().has(id));
        (void)characters.decode(ids);
        checkTrace(characters, text, ids);
    } catch (const LocatedError&) {
        FUZZ_CHECK(!validUtf8);
    }
    return 0;
}
