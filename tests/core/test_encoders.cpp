#include <QtTest>

#include <random>

#include "core/common/error.hpp"
#include "core/tokenize/bpe_encoder.hpp"
#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
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

// Over parallelEncodeBytes of text whose lines meet in every way a pre-tokenizer can join them:
// single line breaks between visible characters (where a long text may be cut), blank lines,
// spaces before and after breaks, CRLF, tabs, an ideographic space, contractions, numbers.
std::string longText() {
    QFile file(QStringLiteral(PRETRAINLAB_TEST_DATA "/parity_corpus.txt"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const char* const breaks[] = {"\n", "\n", "\n", "\n\n", " \n", "\n ", "\r\n", "\n\t", "\xE3\x80\x80\n", "  \n\n  "};
    const char* const extras[] = {"", " don't", " 1,234.5", " caf\xC3\xA9", "!!", " I'm", ""};
    std::string text;
    for (std::size_t i = 0; text.size() < parallelEncodeBytes * 3 + 12345; ++i) {
        text += lines[qsizetype(i % std::size_t(lines.size()))].trimmed().toStdString();
        text += extras[i % std::size(extras)];
        text += breaks[(i * 7) % std::size(breaks)];
    }
    return text;
}

}  // namespace

class TestEncoders : public QObject {
    Q_OBJECT

private slots:
    // A long text shared among threads gives the ids of one thread, for byte-level BPE (GPT-2's
    // ranks, with and without a prefix space), character BPE and WordPiece.
    void threadsGiveTheIdsOfOne() {
        const std::string text = longText();
        QVERIFY(text.size() > 3 * parallelEncodeBytes);
        const Tokenizer gpt2 = loadTokenizer(PRETRAINLAB_TEST_DATA "/gpt2/gpt2.tiktoken");
        TokenizerConfig spaced = gpt2.config();
        spaced.addPrefixSpace = true;
        const std::vector<Tokenizer> tokenizers{
            gpt2, Tokenizer(spaced),
            trained(InitialSymbols::Characters, MergeCriterion::Frequency, PreTokenizerKind::Whitespace, 300),
            trained(InitialSymbols::Characters, MergeCriterion::Likelihood, PreTokenizerKind::Bert, 300)};
        for (const Tokenizer& tokenizer : tokenizers) {
            const std::vector<TokenId> one = tokenizer.encode(text, false, 1);
            QVERIFY(one.size() > text.size() / 10);
            for (const unsigned threads : {2u, 3u, 4u, 7u}) {
                QVERIFY2(tokenizer.encode(text, false, threads) == one, qPrintable(QString::fromStdString(tokenizer.kindName()) +
                                                                                 " on " + QString::number(threads) + " threads"));
            }
            // A prefix space only where the text begins.
            QVERIFY(tokenizer.encode(text.substr(0, 1000), false, 4) == tokenizer.encode(text.substr(0, 1000), false, 1));
        }
    }

    // Invalid UTF-8 far into a long text is named at its byte in the whole text, on any threads.
    void threadsNameTheByteOfInvalidUtf8() {
        std::string text = longText();
        const std::size_t at = text.find('\n', text.size() * 2 / 3) + 1;
        text[at] = '\xFF';
        const Tokenizer wordPiece =
            trained(InitialSymbols::Characters, MergeCriterion::Likelihood, PreTokenizerKind::Bert, 50);
        QString one, two;
        try {
            wordPiece.encode(text, false, 1);
        } catch (const LocatedError& error) {
            one = QString::fromStdString(error.what());
        }
        try {
            wordPiece.encode(text, false, 2);
        } catch (const LocatedError& error) {
            two = QString::fromStdString(error.what());
        }
        QVERIFY2(one.contains("byte " + QString::number(at)), qPrintable(one));
        QCOMPARE(two, one);
    }

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
