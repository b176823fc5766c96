#include <QtTest>

#include <map>
#include <random>

#include "core/common/error.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "reference_bpe.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

namespace {

using Segmentation = std::vector<std::vector<std::string>>;

WordCounts corpus(const std::string& text) { return WordCounts::fromText(text, "test corpus"); }

std::pair<std::string, std::string> strings(const BpeTrainer& trainer, TokenPair pair) {
    return {trainer.vocabulary().token(pair.left), trainer.vocabulary().token(pair.right)};
}

// Pair counts recounted from the trainer's current segmentation, the slow obvious way.
std::map<std::pair<std::string, std::string>, std::uint64_t> recount(const BpeTrainer& trainer) {
    std::map<std::pair<std::string, std::string>, std::uint64_t> counts;
    for (std::size_t w = 0; w < trainer.wordCount(); ++w) {
        const std::vector<std::string> pieces = trainer.wordPieces(w);
        for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
            counts[{pieces[i], pieces[i + 1]}] += trainer.wordFrequency(w);
        }
    }
    return counts;
}

std::string randomCorpus(std::mt19937& random, const std::vector<std::string>& letters,
                         int words) {
    std::uniform_int_distribution<std::size_t> letter(0, letters.size() - 1);
    std::uniform_int_distribution<int> length(1, 7);
    std::string text;
    for (int w = 0; w < words; ++w) {
        const int n = length(random);
        for (int i = 0; i < n; ++i) text += letters[letter(random)];
        text += w % 9 == 8 ? "\n" : " ";
    }
    return text;
}

}  // namespace

class TestBpeTrainer : public QObject {
    Q_OBJECT

private slots:
    void lectureExample_bananaBandBan() {
        BpeTrainer trainer(corpus("banana band ban"));
        QCOMPARE(lines(trainer.segmentation()),
                 (QStringList{"b a n a n a", "b a n d", "b a n"}));

        const std::optional<MergeStep> first = trainer.step(TraceRequest::full());
        QVERIFY(first.has_value());
        QCOMPARE(first->step, std::size_t(1));
        QCOMPARE(first->left, std::string("a"));
        QCOMPARE(first->right, std::string("n"));
        QCOMPARE(first->count, std::uint64_t(4));
        QCOMPARE(first->newToken, std::string("an"));
        QVERIFY(first->ties.empty());
        QCOMPARE(lines(trainer.segmentation()),
                 (QStringList{"b an an a", "b an d", "b an"}));

        const std::optional<MergeStep> second = trainer.step(TraceRequest::full());
        QVERIFY(second.has_value());
        QCOMPARE(second->left, std::string("b"));
        QCOMPARE(second->right, std::string("an"));
        QCOMPARE(second->count, std::uint64_t(3));
        QCOMPARE(second->newToken, std::string("ban"));
        QCOMPARE(lines(trainer.segmentation()),
                 (QStringList{"ban an a", "ban d", "ban"}));
    }

    void pairCountsBeforeTheFirstMerge() {
        BpeTrainer trainer(corpus("banana band ban"));
        const std::optional<MergeStep> next = trainer.peek(TraceRequest::full());
        QVERIFY(next.has_value());
        std::vector<std::pair<std::string, std::uint64_t>> table;
        for (const PairCount& entry : next->pairCounts) {
            const auto [left, right] = strings(trainer, entry.pair);
            table.emplace_back(left + " " + right, entry.count);
        }
        // a n 4, b a 3, n a 2, n d 1: sorted by count.
        QCOMPARE(table, (std::vector<std::pair<std::string, std::uint64_t>>{
                            {"a n", 4}, {"b a", 3}, {"n a", 2}, {"n d", 1}}));
        // peek changes nothing.
        QCOMPARE(trainer.merges().size(), std::size_t(0));
        QCOMPARE(trainer.step()->newToken, std::string("an"));
    }

    void alphabetIsNumberedInCodePointOrder() {
        BpeTrainer trainer(corpus("zebra état apple"));
        const std::vector<std::string>& tokens = trainer.vocabulary().tokens();
        QCOMPARE(q(tokens), (QStringList{"a", "b", "e", "l", "p", "r", "t", "z", "é"}));
        QCOMPARE(trainer.alphabetSize(), std::size_t(9));
    }

    void specialTokensComeFirst() {
        BpeOptions options;
        options.specialTokens = {"[UNK]", "[PAD]"};
        BpeTrainer trainer(corpus("ab ab"), options);
        QCOMPARE(q(trainer.vocabulary().tokens()), (QStringList{"[UNK]", "[PAD]", "a", "b"}));
        QCOMPARE(trainer.step()->newId, TokenId(4));
    }

    void tieBreak_smallestIdsVersusFirstOccurrence() {
        // "xy ab": both pairs occur once. Ids a=0 b=1 x=2 y=3, so Hugging Face's rule takes
        // (a, b); so does dictionary order; the first pair in the text is (x, y).
        const WordCounts words = corpus("xy ab");
        const auto winner = [&](TieBreak rule) {
            BpeOptions options;
            options.tieBreak = rule;
            BpeTrainer trainer(words, options);
            const std::optional<MergeStep> step = trainer.step(TraceRequest::full());
            std::vector<std::string> ties;
            for (const TokenPair pair : step->ties) {
                const auto [left, right] = strings(trainer, pair);
                ties.push_back(left + right);
            }
            return std::make_pair(step->newToken, ties);
        };
        QCOMPARE(winner(TieBreak::HuggingFace), std::make_pair(std::string("ab"), std::vector<std::string>{"ab", "xy"}));
        QCOMPARE(winner(TieBreak::Lexicographic), std::make_pair(std::string("ab"), std::vector<std::string>{"ab", "xy"}));
        QCOMPARE(winner(TieBreak::FirstOccurrence), std::make_pair(std::string("xy"), std::vector<std::string>{"xy", "ab"}));
    }

    void tieBreak_mergedIdsVersusDictionaryOrder() {
        // After "ab" (id 5) is made, (ab, z) and (c, y) tie at 1. Ids: (c, y) = (2, 3) is
        // smaller than (5, 4); in dictionary order "ab" comes before "c"; in the text "cy"
        // comes before "abz".
        const WordCounts words = corpus("ab ab ab cy abz");
        const auto second = [&](TieBreak rule) {
            BpeOptions options;
            options.tieBreak = rule;
            BpeTrainer trainer(words, options);
            const std::optional<MergeStep> first = trainer.step();
            const std::optional<MergeStep> step = trainer.step(TraceRequest::full());
            return first->newToken + ", " + step->newToken + "/" + std::to_string(step->ties.size());
        };
        QCOMPARE(q(second(TieBreak::HuggingFace)), QStringLiteral("ab, cy/2"));
        QCOMPARE(q(second(TieBreak::Lexicographic)), QStringLiteral("ab, abz/2"));
        QCOMPARE(q(second(TieBreak::FirstOccurrence)), QStringLiteral("ab, cy/2"));
    }

    void mergesDoNotOverlap() {
        // "aaaa" holds (a, a) three times, but merging left to right makes "aa aa".
        BpeTrainer trainer(corpus("aaaa aaa"));
        const std::optional<MergeStep> first = trainer.step();
        QCOMPARE(first->count, std::uint64_t(5));
        QCOMPARE(lines(trainer.segmentation()), (QStringList{"aa aa", "aa a"}));
        QCOMPARE(trainer.pairCount({first->newId, first->newId}), std::uint64_t(1));
        QCOMPARE(trainer.pairCount(first->pair), std::uint64_t(0));
    }

    void emptyCorpusHasNothingToMerge() {
        BpeTrainer trainer(corpus(" \n\t "));
        QCOMPARE(trainer.wordCount(), std::size_t(0));
        QCOMPARE(trainer.vocabulary().size(), std::size_t(0));
        QVERIFY(!trainer.peek().has_value());
        QVERIFY(!trainer.step().has_value());
        QVERIFY(trainBpe(corpus(""), {}).empty());
    }

    void oneLetterWordsHaveNoPairs() {
        BpeTrainer trainer(corpus("a b a c"));
        QCOMPARE(q(trainer.vocabulary().tokens()), (QStringList{"a", "b", "c"}));
        QCOMPARE(trainer.distinctPairs(), std::size_t(0));
        QVERIFY(!trainer.step().has_value());
        QCOMPARE(lines(trainer.segmentation()), (QStringList{"a", "b", "c"}));
    }

    void nonAsciiCharactersAreWholeTokens() {
        BpeTrainer trainer(corpus("é日本 日本 🙂🙂 é"));
        QCOMPARE(trainer.alphabetSize(), std::size_t(4));
        QCOMPARE(lines(trainer.segmentation()),
                 (QStringList{"é 日 本", "日 本", "🙂 🙂", "é"}));
        const std::optional<MergeStep> first = trainer.step();
        QCOMPARE(first->newToken, std::string("日本"));
        QCOMPARE(first->count, std::uint64_t(2));
        QCOMPARE(lines(trainer.segmentation()),
                 (QStringList{"é 日本", "日本", "🙂 🙂", "é"}));
    }

    void stopsAtTheVocabularySize() {
        BpeOptions options;
        options.vocabSize = 6;  // a b d n + 2 merges
        const std::vector<Merge> merges = trainBpe(corpus("banana band ban"), options);
        QCOMPARE(merges.size(), std::size_t(2));
        options.vocabSize = 3;  // below the alphabet: nothing to do
        QVERIFY(trainBpe(corpus("banana band ban"), options).empty());
        options.vocabSize = std::numeric_limits<std::size_t>::max();
        options.maxMerges = 1;
        QCOMPARE(trainBpe(corpus("banana band ban"), options).size(), std::size_t(1));
    }

    void minFrequencyStopsRarePairs() {
        BpeOptions options;
        options.minFrequency = 3;
        const std::vector<Merge> merges = trainBpe(corpus("banana band ban"), options);
        QCOMPARE(merges.size(), std::size_t(2));  // an (4), ban (3); the rest occur once
    }

    void hookSeesEveryMergeInOrder() {
        std::vector<std::string> seen;
        std::vector<std::size_t> vocabSizes;
        trainBpe(corpus("banana band ban"), {}, [&](const MergeStep& step, const BpeTrainer& trainer) {
            seen.push_back(step.newToken);
            vocabSizes.push_back(trainer.vocabulary().size());
            QCOMPARE(step.vocabSizeAfter, trainer.vocabulary().size());
        });
        QCOMPARE(seen.front(), std::string("an"));
        QCOMPARE(seen.at(1), std::string("ban"));
        QCOMPARE(vocabSizes.front(), std::size_t(5));
    }

    void incrementalCountsEqualARecount_data() {
        QTest::addColumn<int>("rule");
        QTest::addColumn<int>("seed");
        for (int rule = 0; rule < 3; ++rule) {
            for (int seed = 1; seed <= 8; ++seed) {
                const QByteArray name = QByteArray(tieBreakName(static_cast<TieBreak>(rule)).data()) +
                                        " seed " + QByteArray::number(seed);
                QTest::newRow(name.constData()) << rule << seed;
            }
        }
    }

    // The incremental trainer against the naive reference on random corpora: same merges, same
    // counts, same segmentation, and its pair counts always equal a recount.
    void incrementalCountsEqualARecount() {
        QFETCH(int, rule);
        QFETCH(int, seed);
        std::mt19937 random(static_cast<unsigned>(seed));
        const std::vector<std::string> letters = seed % 2 ? std::vector<std::string>{"a", "b", "c"}
                                                           : std::vector<std::string>{"a", "b", "é", "日", "d"};
        const WordCounts words = corpus(randomCorpus(random, letters, 60 + seed * 10));
        BpeOptions options;
        options.tieBreak = static_cast<TieBreak>(rule);

        std::vector<reference::Word> referenceWords;
        for (const CorpusWord& word : words.words()) {
            referenceWords.push_back({utf8::splitCharacters(word.text), word.count});
        }
        std::vector<Segmentation> referenceStates;
        const std::vector<reference::Merge> expected =
            reference::train(referenceWords, options.tieBreak, 1000, &referenceStates);

        BpeTrainer trainer(words, options);
        std::size_t merged = 0;
        while (const std::optional<MergeStep> step = trainer.step()) {
            QVERIFY2(merged < expected.size(), "trainer made more merges than the reference");
            QCOMPARE(q(step->left), q(expected[merged].left));
            QCOMPARE(q(step->right), q(expected[merged].right));
            QCOMPARE(step->count, expected[merged].count);
            QCOMPARE(lines(trainer.segmentation()), lines(referenceStates[merged]));
            std::map<std::pair<std::string, std::string>, std::uint64_t> incremental;
            for (const PairCount& entry : trainer.pairCounts()) {
                incremental[strings(trainer, entry.pair)] = entry.count;
            }
            QCOMPARE(incremental, recount(trainer));
            ++merged;
        }
        QCOMPARE(merged, expected.size());
    }
};

QTEST_APPLESS_MAIN(TestBpeTrainer)
#include "test_bpe_trainer.moc"
