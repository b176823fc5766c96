// WordPiece encoding on arbitrary bytes with two tokenizers built once: WordPiece trained on the
// test corpus with BERT's pre-tokenizer, and a BERT vocab.txt (with BERT's normalizer and [CLS] /
// [SEP] around a sequence). Invalid UTF-8 is refused with a LocatedError; valid text encodes to
// ids of the vocabulary, which decode, and a word is covered by its pieces or is [UNK].

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/tokenize/wordpiece_encoder.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

namespace {

Tokenizer trainedWordPiece() {
    const WordCounts words = readCorpusWords(PRETRAINLAB_TEST_DATA "/parity_corpus.txt",
                                             {PreTokenizerKind::Bert, false, 1});
    BpeOptions options;
    options.criterion = MergeCriterion::Likelihood;
    options.continuingPrefix = "##";
    options.specialTokens = {"[UNK]", "[CLS]", "[SEP]"};
    options.maxMerges = 300;
    BpeTrainer trainer(words, options);
    while (trainer.step()) {
    }
    return tokenizerFromTrainer(trainer, PreTokenizerKind::Bert);
}

Tokenizer bertVocab() {
    const char* tokens =
        "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nun\n##aff\n##able\n,\n!\n.\ncafe\na\nb\nc\n##a\n##b\n##c\n"
        "hello\nworld\n##s\n##ing\nd\ne\n##d\n##e\n1\n2\n##1\n##2\n";
    const auto path = fuzz::scratch().write("bert-vocab.txt", tokens);
    return readBertVocab(path);
}

struct Tokenizers {
    Tokenizer trained = trainedWordPiece();
    Tokenizer bert = bertVocab();
    // The trained vocabulary with a short word limit, through the encoder directly.
    WordPieceEncoder shortWords{trained.vocabulary(), trained.vocabulary().find("[UNK]"), "##", 8};
};

const Tokenizers& tokenizers() {
    static const Tokenizers built;
    return built;
}

void check(const Tokenizer& tokenizer, std::string_view text, bool validUtf8) {
    try {
        for (const bool special : {false, true}) {
            const std::vector<TokenId> ids = tokenizer.encode(text, special);
            FUZZ_CHECK(validUtf8);
            for (const TokenId id : ids) FUZZ_CHECK(tokenizer.vocabulary().has(id));
            (void)tokenizer.decode(ids, false);
            (void)tokenizer.decode(ids, true);
        }
    } catch (const LocatedError&) {
        FUZZ_CHECK(!validUtf8);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::asText(data, size);
    const bool validUtf8 = !utf8::findProblem(text).has_value();
    check(tokenizers().trained, text, validUtf8);
    check(tokenizers().bert, text, validUtf8);
    if (!validUtf8) return 0;

    // One word through the encoder: its pieces spell the word (the first as is, the others after
    // "##"), or the word is the single unknown token (and then it is not too long to look up).
    const Vocabulary& vocabulary = tokenizers().trained.vocabulary();
    const TokenId unknown = *vocabulary.find("[UNK]");
    std::vector<TokenId> ids;
    tokenizers().shortWords.encode(text, ids);
    if (text.empty()) return 0;
    FUZZ_CHECK(!ids.empty());
    if (ids.size() == 1 && ids.front() == unknown) return 0;
    // [UNK] may also be matched as text, like any token ("[UNK]a" is [UNK] ##a).
    std::string spelled;
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const std::string& token = vocabulary.token(ids[k]);
        if (k == 0) {
            spelled += token;
        } else {
            FUZZ_CHECK(token.starts_with("##"));
            spelled += token.substr(2);
        }
    }
    FUZZ_CHECK(spelled == text);
    FUZZ_CHECK(utf8::countCharacters(text) <= 8);
    return 0;
}
