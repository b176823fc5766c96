#include <QtTest>

#include <cmath>

#include "core/common/error.hpp"
#include "core/text/byte_level.hpp"
#include "core/tokenize/bpe_stepper.hpp"
#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/tradeoff.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

namespace {

// hug x10, pug x5, pun x12, bun x4, hugs x5: a small corpus where BPE and WordPiece disagree.
WordCounts hugCorpus() {
    WordCounts words;
    words.add("hug", 10);
    words.add("pug", 5);
    words.add("pun", 12);
    words.add("bun", 4);
    words.add("hugs", 5);
    return words;
}

BpeOptions wordPiece() {
    BpeOptions options;
    options.criterion = MergeCriterion::Likelihood;
    options.continuingPrefix = "##";
    return options;
}

QString pairText(const BpeTrainer& trainer, TokenPair pair) {
    return q(trainer.vocabulary().token(pair.left)) + " " + q(trainer.vocabulary().token(pair.right));
}

QString merged(const MergeStep& step) { return q(step.left) + " + " + q(step.right) + " -> " + q(step.newToken); }

}  // namespace

class TestBpeEngine : public QObject {
    Q_OBJECT

private slots:
    void bpeMergesTheMostFrequentPair() {
        BpeTrainer trainer(hugCorpus());
        // u g occurs in hug (10), pug (5) and hugs (5).
        const std::optional<MergeStep> first = trainer.step();
        QCOMPARE(merged(*first), QStringLiteral("u + g -> ug"));
        QCOMPARE(first->count, std::uint64_t(20));
    }

    void wordPieceMergesTheMostLikelyPair() {
        BpeTrainer trainer(hugCorpus(), wordPiece());
        QCOMPARE(lines(trainer.segmentation()),
                 (QStringList{"h ##u ##g", "p ##u ##g", "p ##u ##n", "b ##u ##n", "h ##u ##g ##s"}));
        const std::optional<MergeStep> first = trainer.step(TraceRequest::full());
        // score = count(ab) / (count(a) count(b)): ##g ##s = 5 / (20 * 5) = 1/20, while every pair
        // with ##u (which occurs 36 times) scores 1/36.
        QCOMPARE(merged(*first), QStringLiteral("##g + ##s -> ##gs"));
        QCOMPARE(first->count, std::uint64_t(5));
        QCOMPARE(first->leftCount, std::uint64_t(20));
        QCOMPARE(first->rightCount, std::uint64_t(5));
        QCOMPARE(first->score, 1.0 / 20.0);
        QCOMPARE(first->pairCounts.size(), std::size_t(6));
        QCOMPARE(pairText(trainer, first->pairCounts[0].pair), QStringLiteral("##g ##s"));
        for (std::size_t i = 1; i < first->pairCounts.size(); ++i) {
            const PairCount& candidate = first->pairCounts[i];
            QCOMPARE(candidate.likelihoodScore(), 1.0 / 36.0);  // five pairs tie at 1/36
            QCOMPARE(candidate.count * 36, candidate.leftCount * candidate.rightCount);
        }
        QCOMPARE(lines(trainer.segmentation()).last(), QStringLiteral("h ##u ##gs"));
    }

    void wordPieceScoresFollowTheCounts() {
        // After each merge the scores in the trace equal count(ab)/(count(a)count(b)) recomputed
        // from the segmentation.
        BpeTrainer trainer(hugCorpus(), wordPiece());
        while (const std::optional<MergeStep> step = trainer.step(TraceRequest::full())) {
            for (const PairCount& candidate : step->pairCounts) {
                QVERIFY(candidate.count <= std::min(candidate.leftCount, candidate.rightCount));
            }
            QVERIFY(std::isfinite(step->score));
            // Recount the tokens the step saw: after the merge, the left token lost `count`.
            if (step->left != step->right) {
                QCOMPARE(trainer.tokenCount(step->pair.left), step->leftCount - step->count);
            }
        }
        QCOMPARE(lines(trainer.segmentation()), (QStringList{"hug", "pug", "pun", "bun", "hugs"}));
    }

    void byteLevelStartsFromAll256Bytes() {
        BpeOptions options;
        options.symbols = InitialSymbols::Bytes;
        WordCounts words;
        words.add(" café", 3);
        words.add("cafe", 1);
        BpeTrainer trainer(words, options);
        QCOMPARE(trainer.alphabetSize(), std::size_t(256));
        // Ids follow the code points of the symbols as written: "Ġ" (U+0120) comes after "é".
        QVERIFY(*trainer.vocabulary().find("Ġ") > *trainer.vocabulary().find("c"));
        QCOMPARE(lines(trainer.segmentation()), (QStringList{"Ġ c a f Ã ©", "c a f e"}));
        options.allBytesInAlphabet = false;
        BpeTrainer seen(words, options);
        QCOMPARE(seen.alphabetSize(), std::size_t(7));  // Ġ c a f Ã © e
    }

    void stepperAndBatchTrainerMakeTheSameMerges_data() {
        QTest::addColumn<bool>("bytes");
        QTest::addColumn<int>("criterion");
        QTest::newRow("characters, BPE") << false << int(MergeCriterion::Frequency);
        QTest::newRow("bytes, BPE") << true << int(MergeCriterion::Frequency);
        QTest::newRow("characters, WordPiece") << false << int(MergeCriterion::Likelihood);
    }

    void stepperAndBatchTrainerMakeTheSameMerges() {
        QFETCH(bool, bytes);
        QFETCH(int, criterion);
        const WordCounts words = readCorpusWords(PRETRAINLAB_TEST_DATA "/parity_corpus.txt",
                                                 {bytes ? PreTokenizerKind::ByteLevel : PreTokenizerKind::Whitespace, bytes, 1});
        BpeOptions options;
        options.symbols = bytes ? InitialSymbols::Bytes : InitialSymbols::Characters;
        options.criterion = static_cast<MergeCriterion>(criterion);
        if (options.criterion == MergeCriterion::Likelihood) options.continuingPrefix = "##";
        options.maxMerges = 300;
        const std::vector<Merge> batch = trainBpe(words, options);
        QCOMPARE(batch.size(), std::size_t(300));

        BpeStepper stepper(words, options);  // every step traced, as the lesson does
        while (stepper.stepForward()) {
        }
        const std::vector<Merge>& stepped = stepper.trainer().merges();
        QCOMPARE(stepped.size(), batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            QCOMPARE(stepped[i].pair, batch[i].pair);
            QCOMPARE(stepped[i].newId, batch[i].newId);
        }
    }

    void undoRestoresEveryState_data() {
        QTest::addColumn<int>("criterion");
        QTest::addColumn<int>("rule");
        for (int criterion = 0; criterion < 2; ++criterion) {
            for (int rule = 0; rule < 3; ++rule) {
                const QByteArray name = QByteArray(criterion ? "WordPiece, " : "BPE, ") + tieBreakName(TieBreak(rule)).data();
                QTest::newRow(name.constData()) << criterion << rule;
            }
        }
    }

    // Undo must land on exactly the state before each merge (segmentation, every pair count,
    // token counts, vocabulary), and merging again must make the same merges.
    void undoRestoresEveryState() {
        QFETCH(int, criterion);
        QFETCH(int, rule);
        const WordCounts words = readCorpusWords(PRETRAINLAB_TEST_DATA "/parity_corpus.txt",
                                                 {PreTokenizerKind::Whitespace, false, 1});
        BpeOptions options;
        options.criterion = static_cast<MergeCriterion>(criterion);
        options.tieBreak = static_cast<TieBreak>(rule);
        if (options.criterion == MergeCriterion::Likelihood) options.continuingPrefix = "##";
        BpeTrainer trainer(words, options);
        trainer.keepUndoLog(true);
        const auto state = [&] {
            QStringList lines_ = lines(trainer.segmentation());
            for (const PairCount& pair : trainer.pairCounts()) {
                lines_ << pairText(trainer, pair.pair) + "=" + QString::number(pair.count) + "/" +
                              QString::number(pair.leftCount) + "/" + QString::number(pair.rightCount);
            }
            lines_ << QString::number(trainer.vocabulary().size()) << QString::number(trainer.totalTokens());
            return lines_;
        };
        constexpr int merges = 120;
        std::vector<QStringList> states{state()};
        std::vector<TokenPair> made;
        for (int i = 0; i < merges; ++i) {
            made.push_back(trainer.step()->pair);
            states.push_back(state());
        }
        for (int i = merges; i > 0; --i) {
            QVERIFY(trainer.undo());
            QCOMPARE(state(), states[static_cast<std::size_t>(i - 1)]);
        }
        QVERIFY(!trainer.undo());
        for (int i = 0; i < merges; ++i) QCOMPARE(trainer.step()->pair, made[static_cast<std::size_t>(i)]);
        // Undo half way, then on: the same merges again.
        for (int i = 0; i < merges / 2; ++i) trainer.undo();
        for (int i = merges / 2; i < merges; ++i) QCOMPARE(trainer.step()->pair, made[static_cast<std::size_t>(i)]);
    }

    void countingIsTheSameOnAnyNumberOfThreads() {
        std::string text;
        for (int i = 0; i < 40000; ++i) text += "line " + std::to_string(i % 97) + " of the corpus, again\n";
        const PreTokenizer byteLevel(PreTokenizerKind::ByteLevel);
        const WordCounts one = countWords(text, byteLevel, 1);
        const WordCounts four = countWords(text, byteLevel, 4);
        QCOMPARE(one.size(), four.size());
        for (std::size_t w = 0; w < one.size(); ++w) {
            QCOMPARE(one.words()[w].text, four.words()[w].text);
            QCOMPARE(one.words()[w].count, four.words()[w].count);
        }
        QCOMPARE(q(one.words()[0].text), QStringLiteral("line"));
        QCOMPARE(q(one.words()[1].text), QStringLiteral(" 0"));
    }

    void tradeoffCurveShrinksTheCorpus() {
        const WordCounts words = readCorpusWords(PRETRAINLAB_TEST_DATA "/parity_corpus.txt",
                                                 {PreTokenizerKind::ByteLevel, true, 1});
        BpeOptions options;
        options.symbols = InitialSymbols::Bytes;
        options.maxMerges = 400;
        const std::vector<TradeoffPoint> curve = tradeoffCurve(words, options);
        QCOMPARE(curve.size(), std::size_t(401));
        QCOMPARE(curve.front().vocabularySize, std::size_t(256));
        // Before any merge a byte-level corpus takes one token per byte.
        std::uint64_t bytes = 0;
        for (const CorpusWord& word : words.words()) bytes += word.text.size() * word.count;
        QCOMPARE(curve.front().totalTokens, bytes);
        for (std::size_t i = 1; i < curve.size(); ++i) {
            QVERIFY(curve[i].totalTokens < curve[i - 1].totalTokens);  // each merge saves tokens
            QCOMPARE(curve[i].vocabularySize, curve[i - 1].vocabularySize + 1);
            QVERIFY(curve[i].tokensPerWord >= 1.0);
        }

        // Replaying the trained merges on the same corpus gives the same curve.
        BpeTrainer trainer(words, options);
        while (trainer.step()) {
        }
        const Tokenizer tokenizer = tokenizerFromTrainer(trainer, PreTokenizerKind::ByteLevel);
        const std::vector<TradeoffPoint> replayed = tradeoffCurve(words, tokenizer);
        QCOMPARE(replayed.size(), curve.size());
        for (std::size_t i = 0; i < curve.size(); ++i) QCOMPARE(replayed[i].totalTokens, curve[i].totalTokens);
    }

    void corpusProblemsSayWhatAndWhere() {
        const auto message = [](std::string_view text, CorpusOptions options) {
            try {
                countCorpusWords(text, "notes.txt", options);
            } catch (const LocatedError& error) {
                return QString::fromUtf8(error.what());
            }
            return QString();
        };
        QCOMPARE(message("", {}), QStringLiteral("notes.txt: the corpus is empty: it holds no words"));
        QCOMPARE(message(" \n\t\n", {}), QStringLiteral("notes.txt: the corpus is empty: it holds no words"));
        QCOMPARE(message(std::string_view("text\nmore\0bin", 13), {}),
                 QStringLiteral("notes.txt: byte 9 (line 2): a NUL byte: this looks like a binary file, not text"));
        QCOMPARE(message("caf\xC3 ok", {}),
                 QStringLiteral("notes.txt: byte 4 (line 1): invalid UTF-8: expected a continuation byte after 0xC3, got 0x20"));
        // Byte-level training takes bytes that are not UTF-8.
        QCOMPARE(message("caf\xC3 ok", {PreTokenizerKind::ByteLevel, true, 1}), QString());
    }
};

QTEST_APPLESS_MAIN(TestBpeEngine)
#include "test_bpe_engine.moc"
