#include <QtTest>

#include <random>

#include "core/common/error.hpp"
#include "core/tokenize/bpe_encoder.hpp"
#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/tokenize/wordpiece_encoder.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

namespace {

Vocabulary vocabularyOf(const QStringList& tokens) {
    Vocabulary vocabulary;
    for (const QString& token : tokens) vocabulary.add(token.toStdString());
    return vocabulary;
}

QStringList pieces(const Vocabulary& vocabulary, const std::vector<TokenId>& ids) {
    QStringList out;
    for (const TokenId id : ids) out << q(vocabulary.token(id));
    return out;
}

TokenPair pair(const Vocabulary& vocabulary, const char* left, const char* right) {
    return {*vocabulary.find(left), *vocabulary.find(right)};
}

Tokenizer trained(InitialSymbols symbols, MergeCriterion criterion, PreTokenizerKind preTokenizer,
                  std::size_t merges) {
    const bool bytes = symbols == InitialSymbols::Bytes;
    const WordCounts words = readCorpusWords(PRETRAINLAB_TEST_DATA "/parity_corpus.txt",
                                             {preTokenizer, bytes, 1});
    BpeOptions options;
    options.symbols = symbols;
    options.criterion = criterion;
    options.maxMerges = merges;
    if (criterion == MergeCriterion::Likelihood) {
        options.continuingPrefix = "##";
        options.specialTokens = {"[UNK]"};
    }
    BpeTrainer trainer(words, options);
    while (trainer.step()) {
    }
    return tokenizerFromTrainer(trainer, preTokenizer);
}

}  // namespace

class TestEncoders : public QObject {
    Q_OBJECT

private slots:
    void bpeAppliesTheLowestRankFirst() {
        const Vocabulary vocabulary = vocabularyOf({"a", "b", "c", "ab", "bc", "abc"});
        BpeEncoder bcFirst(vocabulary,
                           {pair(vocabulary, "b", "c"), pair(vocabulary, "a", "b"), pair(vocabulary, "a", "bc")}, {});
        std::vector<TokenId> ids;
        bcFirst.encode("abc", ids);
        QCOMPARE(pieces(vocabulary, ids), QStringList{"abc"});  // b c, then a bc
        ids.clear();
        bcFirst.encode("abca", ids);
        QCOMPARE(pieces(vocabulary, ids), (QStringList{"abc", "a"}));

        BpeEncoder abFirst(vocabulary, {pair(vocabulary, "a", "b"), pair(vocabulary, "b", "c")}, {});
        ids.clear();
        abFirst.encode("abc", ids);
        QCOMPARE(pieces(vocabulary, ids), (QStringList{"ab", "c"}));  // ab took the b; no (ab, c) merge
    }

    void bpeMergesLeftmostFirstOnEqualRank() {
        const Vocabulary vocabulary = vocabularyOf({"a", "aa"});
        BpeEncoder encoder(vocabulary, {pair(vocabulary, "a", "a")}, {});
        std::vector<TokenId> ids;
        encoder.encode("aaa", ids);
        QCOMPARE(pieces(vocabulary, ids), (QStringList{"aa", "a"}));
    }

    void tokenRanksMergeLikeTiktoken() {
        // Ranks: a b c are 0 1 2, "bc" is 3, "ab" 4, "abc" 5. tiktoken merges the pair whose
        // concatenation has the lowest rank: b c (3) before a b (4).
        Vocabulary vocabulary = vocabularyOf({"a", "b", "c", "bc", "ab", "abc"});
        BpeEncoder encoder = BpeEncoder::fromTokenRanks(vocabulary, {true, std::nullopt, {}, false});
        std::vector<TokenId> ids;
        encoder.encode("abcab", ids);
        QCOMPARE(pieces(vocabulary, ids), (QStringList{"abc", "ab"}));
    }

    void wordPieceGreedyLongestMatch() {
        const Vocabulary vocabulary = vocabularyOf({"[UNK]", "un", "##aff", "##able", "a", "##a", "aff", "bio", "##ortho", "##gonal"});
        const WordPieceEncoder encoder(vocabulary, *vocabulary.find("[UNK]"));
        const auto encode = [&](std::string_view word) {
            std::vector<TokenId> ids;
            encoder.encode(word, ids);
            return pieces(vocabulary, ids);
        };
        QCOMPARE(encode("unaffable"), (QStringList{"un", "##aff", "##able"}));
        QCOMPARE(encode("bioorthogonal"), (QStringList{"bio", "##ortho", "##gonal"}));
        QCOMPARE(encode("aa"), (QStringList{"a", "##a"}));
        QCOMPARE(encode("unknown"), QStringList{"[UNK]"});  // no piece fits "##known"
        const WordPieceEncoder short5(vocabulary, *vocabulary.find("[UNK]"), "##", 5);
        std::vector<TokenId> ids;
        short5.encode("unaffable", ids);
        QCOMPARE(pieces(vocabulary, ids), QStringList{"[UNK]"});
    }

    void byteLevelRoundTripsAnyBytes() {
        const Tokenizer tokenizer = trained(InitialSymbols::Bytes, MergeCriterion::Frequency,
                                            PreTokenizerKind::ByteLevel, 500);
        std::mt19937 random(11);
        std::uniform_int_distribution<int> byte(0, 255);
        std::vector<std::string> inputs = {"", "plain text", "tabs\tand\nnewlines  ", "\xFF\xFE\xFD",
                                           "caf\xC3", "\xC3\xA9t\xC3\xA9 🙂 東京", std::string("nul\0inside", 10)};
        for (int trial = 0; trial < 300; ++trial) {
            std::string bytes(static_cast<std::size_t>(trial % 64), '\0');
            for (char& b : bytes) b = static_cast<char>(byte(random));
            inputs.push_back(bytes);
        }
        for (const std::string& input : inputs) {
            const std::vector<TokenId> ids = tokenizer.encode(input);
            QCOMPARE(tokenizer.decode(ids), input);
        }
        // Merges make common text shorter than its bytes.
        const std::string sentence = "The cat sat on the mat. The tokenizer's merges decide what a token is.";
        QVERIFY(tokenizer.encode(sentence).size() < sentence.size() / 2);
    }

    void characterLevelNeedsUtf8() {
        const Tokenizer tokenizer = trained(InitialSymbols::Characters, MergeCriterion::Frequency,
                                            PreTokenizerKind::Whitespace, 200);
        try {
            tokenizer.encode("fine \xFF");
            QFAIL("expected an error");
        } catch (const LocatedError& error) {
            QCOMPARE(QString::fromUtf8(error.what()),
                     QStringLiteral("the text: byte 5 (line 1): invalid UTF-8: byte 0xFF never appears in UTF-8"));
        }
        // Without word boundaries, decoding joins tokens with spaces.
        QCOMPARE(q(tokenizer.decode(tokenizer.encode("the cat"))).remove(' '), QStringLiteral("thecat"));
    }

    void wordPieceDecodesWithoutPrefixes() {
        const Tokenizer tokenizer = trained(InitialSymbols::Characters, MergeCriterion::Likelihood,
                                            PreTokenizerKind::Whitespace, 400);
        const std::vector<TokenId> ids = tokenizer.encode("The cat sat on the mat.");
        QCOMPARE(q(tokenizer.decode(ids)), QStringLiteral("The cat sat on the mat."));
        // A character never seen in training is unknown.
        const std::vector<TokenId> unknown = tokenizer.encode("Zebra");
        QCOMPARE(q(tokenizer.vocabulary().token(unknown.front())), QStringLiteral("[UNK]"));
    }

    void addedTokensAreMatchedFirstAndSkippable() {
        TokenizerConfig config;
        for (const char* token : {"<|end|>", "a", "b", "ab"}) config.vocabulary.add(token);
        config.merges = {{1, 2}};
        config.addedTokens = {{"<|end|>", 0, true}};
        config.preTokenizer = PreTokenizerKind::WhitespaceSplit;
        const Tokenizer tokenizer(config);
        QCOMPARE(tokenizer.encode("ab<|end|>ba"), (std::vector<TokenId>{3, 0, 2, 1}));
        QCOMPARE(q(tokenizer.decode(std::vector<TokenId>{3, 0, 2, 1}, true)), QStringLiteral("ab b a"));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, tokenizer.decode(std::vector<TokenId>{9}));
    }

    void tokenizerJsonRoundTrip_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("byte-level BPE") << 0;
        QTest::newRow("whitespace BPE") << 1;
        QTest::newRow("WordPiece") << 2;
    }

    void tokenizerJsonRoundTrip() {
        QFETCH(int, kind);
        const Tokenizer original =
            kind == 0 ? trained(InitialSymbols::Bytes, MergeCriterion::Frequency, PreTokenizerKind::ByteLevel, 300)
            : kind == 1 ? trained(InitialSymbols::Characters, MergeCriterion::Frequency, PreTokenizerKind::Whitespace, 300)
                        : trained(InitialSymbols::Characters, MergeCriterion::Likelihood, PreTokenizerKind::Whitespace, 300);
        const std::string json = tokenizerJson(original);
        const Tokenizer loaded = parseTokenizerJson(json, "round trip");
        QCOMPARE(loaded.vocabulary().tokens(), original.vocabulary().tokens());
        QCOMPARE(loaded.config().merges.size(), original.config().merges.size());
        QCOMPARE(q(loaded.kindName()), q(original.kindName()));
        const std::string text = "The banana band's 42 bandanas, naïve café — 東京!";
        QCOMPARE(loaded.encode(text), original.encode(text));
        QCOMPARE(tokenizerJson(loaded), json);  // writing is stable
    }
};

QTEST_APPLESS_MAIN(TestEncoders)
#include "test_encoders.moc"
