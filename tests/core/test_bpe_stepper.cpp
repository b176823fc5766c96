#include <QtTest>

#include "core/tokenize/bpe_stepper.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

namespace {

BpeStepper stepper(const std::string& text, TieBreak rule = TieBreak::HuggingFace) {
    BpeOptions options;
    options.tieBreak = rule;
    return BpeStepper(WordCounts::fromText(text, "test"), options);
}

// Everything a step records, as text, so two runs can be compared line by line.
QStringList record(const std::vector<MergeStep>& steps) {
    QStringList out;
    for (const MergeStep& step : steps) {
        QString line = QStringLiteral("%1: %2 + %3 -> %4 (%5) id %6 vocab %7 ties %8 pairs")
                           .arg(step.step)
                           .arg(q(step.left), q(step.right), q(step.newToken))
                           .arg(step.count)
                           .arg(step.newId)
                           .arg(step.vocabSizeAfter)
                           .arg(step.ties.size());
        for (const PairCount& pair : step.pairCounts) {
            line += QStringLiteral(" %1,%2=%3").arg(pair.pair.left).arg(pair.pair.right).arg(pair.count);
        }
        out << line;
    }
    return out;
}

}  // namespace

class TestBpeStepper : public QObject {
    Q_OBJECT

private slots:
    void stepsForwardAndBack() {
        BpeStepper bpe = stepper("banana band ban");
        QCOMPARE(bpe.position(), std::size_t(0));
        QVERIFY(!bpe.stepBack());
        QVERIFY(bpe.next() != nullptr);
        QCOMPARE(q(bpe.next()->newToken), QStringLiteral("an"));

        QVERIFY(bpe.stepForward());
        QVERIFY(bpe.stepForward());
        QCOMPARE(lines(bpe.trainer().segmentation()), (QStringList{"ban an a", "ban d", "ban"}));
        QVERIFY(bpe.stepBack());
        QCOMPARE(bpe.position(), std::size_t(1));
        QCOMPARE(lines(bpe.trainer().segmentation()), (QStringList{"b an an a", "b an d", "b an"}));
        QCOMPARE(q(bpe.next()->newToken), QStringLiteral("ban"));
        QCOMPARE(bpe.next()->count, std::uint64_t(3));
    }

    void undoThenRedoGivesTheSameSteps() {
        BpeStepper bpe = stepper("low low low lower lower newest newest newest widest widest");
        for (int i = 0; i < 6; ++i) QVERIFY(bpe.stepForward());
        const QStringList before = record(bpe.history());
        const QStringList segmentation = lines(bpe.trainer().segmentation());
        QCOMPARE(before.size(), 6);

        for (int i = 0; i < 4; ++i) QVERIFY(bpe.stepBack());
        QCOMPARE(record(bpe.history()), before.mid(0, 2));
        for (int i = 0; i < 4; ++i) QVERIFY(bpe.stepForward());
        QCOMPARE(record(bpe.history()), before);
        QCOMPARE(lines(bpe.trainer().segmentation()), segmentation);

        bpe.reset();
        QCOMPARE(bpe.position(), std::size_t(0));
        QCOMPARE(lines(bpe.trainer().segmentation()).first(), QStringLiteral("l o w"));
    }

    void jumpsLandOnTheSameStateAsSteps() {
        BpeStepper walked = stepper("banana band ban bandana");
        for (int i = 0; i < 4; ++i) walked.stepForward();
        BpeStepper jumped = stepper("banana band ban bandana");
        jumped.goTo(4);
        QCOMPARE(jumped.position(), std::size_t(4));
        QCOMPARE(lines(jumped.trainer().segmentation()), lines(walked.trainer().segmentation()));
        QCOMPARE(q(jumped.history().back().newToken), q(walked.history().back().newToken));
        // Only the state landed on carries the pair-count table.
        QVERIFY(jumped.history().front().pairCounts.empty());
        QVERIFY(!jumped.history().back().pairCounts.empty());
        // Passed-over merges carry no trace at all: finding the ties scans every pair, which made a
        // jump on a large corpus ten times slower than the same merges untraced.
        for (std::size_t i = 0; i + 1 < jumped.history().size(); ++i) QVERIFY(jumped.history()[i].ties.empty());
        jumped.goTo(1000);
        QVERIFY(jumped.atEnd());
        QVERIFY(jumped.position() < 1000);
    }

    void goesToAVocabularySize() {
        BpeStepper bpe = stepper("banana band ban");  // alphabet: a b d n
        bpe.goToVocabularySize(6);
        QCOMPARE(bpe.position(), std::size_t(2));
        QCOMPARE(bpe.trainer().vocabulary().size(), std::size_t(6));
        bpe.goToVocabularySize(5);
        QCOMPARE(bpe.position(), std::size_t(1));
        bpe.goToVocabularySize(2);
        QCOMPARE(bpe.position(), std::size_t(0));
    }

    void changingTheTieRuleReplaysTheSameNumberOfMerges() {
        BpeStepper bpe = stepper("xy ab xy ab");
        QVERIFY(bpe.stepForward());
        QCOMPARE(q(bpe.history().back().newToken), QStringLiteral("ab"));
        bpe.setTieBreak(TieBreak::FirstOccurrence);
        QCOMPARE(bpe.position(), std::size_t(1));
        QCOMPARE(q(bpe.history().back().newToken), QStringLiteral("xy"));
        QCOMPARE(bpe.history().back().ties.size(), std::size_t(2));
    }

    void emptyCorpusIsAtItsEnd() {
        BpeStepper bpe = stepper("   ");
        QVERIFY(bpe.atEnd());
        QVERIFY(!bpe.stepForward());
        QVERIFY(!bpe.stepBack());
        QCOMPARE(bpe.position(), std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(TestBpeStepper)
#include "test_bpe_stepper.moc"
