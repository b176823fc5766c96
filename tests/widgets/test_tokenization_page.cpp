#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

#include "app/pages/tokenization_page.hpp"
#include "widgets/bpe_stepper_view.hpp"
#include "widgets/token_chips_view.hpp"

using namespace pretrainlab;

namespace {

QStringList column(const QTableWidget* table, int column) {
    QStringList texts;
    for (int row = 0; row < table->rowCount(); ++row) texts << table->item(row, column)->text();
    return texts;
}

}  // namespace

class TestTokenizationPage : public QObject {
    Q_OBJECT

private:
    app::TokenizationPage* page_ = nullptr;

    template <typename T>
    T* find(const char* name) {
        T* child = page_->findChild<T*>(QString::fromLatin1(name));
        if (!child) qFatal("no child named %s", name);
        return child;
    }
    QString chips() { return page_->view()->chipsView()->segmentationText(); }

private slots:
    void init() {
        page_ = new app::TokenizationPage;
        page_->resize(1280, 720);
        page_->show();
        QVERIFY(QTest::qWaitForWindowExposed(page_));
    }
    void cleanup() {
        delete page_;
        page_ = nullptr;
    }

    void startsOnTheLectureExample() {
        QCOMPARE(find<QPlainTextEdit>("corpusEditor")->toPlainText(), QStringLiteral("banana band ban"));
        QCOMPARE(chips(), QStringLiteral("b a n a n a\nb a n d\nb a n"));
        const auto* pairs = find<QTableWidget>("pairTable");
        QCOMPARE(column(pairs, 0), (QStringList{"a + n", "b + a", "n + a", "n + d"}));
        QCOMPARE(column(pairs, 1), (QStringList{"4", "3", "2", "1"}));
        QCOMPARE(column(pairs, 2), (QStringList{"next", "", "", ""}));
        QCOMPARE(find<QTableWidget>("ruleTable")->rowCount(), 0);
        QVERIFY(!find<QPushButton>("backButton")->isEnabled());
        QVERIFY(find<QLabel>("nextMergeLabel")->text().contains(QStringLiteral("a + n → an")));
    }

    void stepTwiceThenBackOnce() {
        auto* step = find<QPushButton>("stepButton");
        auto* back = find<QPushButton>("backButton");
        QTest::mouseClick(step, Qt::LeftButton);
        QTest::mouseClick(step, Qt::LeftButton);
        QCOMPARE(chips(), QStringLiteral("ban an a\nban d\nban"));
        QCOMPARE(column(find<QTableWidget>("ruleTable"), 1),
                 (QStringList{"a + n → an", "b + an → ban"}));

        QTest::mouseClick(back, Qt::LeftButton);
        const auto* rules = find<QTableWidget>("ruleTable");
        QCOMPARE(column(rules, 0), QStringList{"1"});
        QCOMPARE(column(rules, 1), QStringList{"a + n → an"});
        QCOMPARE(column(rules, 2), QStringList{"4"});
        QCOMPARE(chips(), QStringLiteral("b an an a\nb an d\nb an"));

        // The table shows the counts before merge 2, with b + an as the winner.
        const auto* pairs = find<QTableWidget>("pairTable");
        QCOMPARE(pairs->item(0, 0)->text(), QStringLiteral("b + an"));
        QCOMPARE(pairs->item(0, 1)->text(), QStringLiteral("3"));
        QCOMPARE(pairs->item(0, 2)->text(), QStringLiteral("next"));
        QCOMPARE(pairs->rowCount(), 4);  // b an 3, an a 1, an an 1, an d 1
        QCOMPARE(column(pairs, 1), (QStringList{"3", "1", "1", "1"}));
        QVERIFY(pairs->item(0, 0)->background().color() != pairs->item(1, 0)->background().color());

        // The chip made by the last merge is marked.
        const std::vector<widgets::ChipWord>& words = page_->view()->chipsView()->words();
        QCOMPARE(words.size(), std::size_t(3));
        QVERIFY(!words[0].chips[0].justMerged);  // "b"
        QVERIFY(words[0].chips[1].justMerged);   // "an"
        QCOMPARE(words[0].chips[1].leftPart, QStringLiteral("a"));
        QCOMPARE(words[0].chips[1].rightPart, QStringLiteral("n"));
        QCOMPARE(words[0].chips[1].tokenId, words[1].chips[1].tokenId);  // same token, same colour
    }

    void tiesAreMarkedAndExplained() {
        page_->step();
        page_->step();
        // After ban, three pairs tie at 1.
        const auto* pairs = find<QTableWidget>("pairTable");
        QCOMPARE(column(pairs, 2), (QStringList{"next", "tie", "tie"}));
        QCOMPARE(pairs->item(0, 0)->text(), QStringLiteral("an + a"));
        const auto* tie = find<QLabel>("tieLabel");
        QVERIFY(!tie->isHidden());
        // Ids: a=0 b=1 d=2 n=3 an=4 ban=5.
        QCOMPARE(tie->text(), QStringLiteral("Tie: 3 pairs have count 1. Smallest ids first: "
                                             "(4, 0) < (5, 2) < (5, 4), so an + a is merged."));

        // Another tie rule replays the same number of merges and picks differently.
        auto* rules = find<QComboBox>("tieRuleCombo");
        rules->setCurrentIndex(2);
        emit rules->activated(2);  // "First in the corpus"
        QCOMPARE(page_->stepper()->position(), std::size_t(2));
        QCOMPARE(pairs->item(0, 0)->text(), QStringLiteral("ban + an"));
        QCOMPARE(tie->text(), QStringLiteral("Tie: 3 pairs have count 1. ban + an appears first in "
                                             "the corpus (in “banana”), so it is merged."));
        page_->setTieBreak(TieBreak::Lexicographic);
        QCOMPARE(tie->text(), QStringLiteral("Tie: 3 pairs have count 1. Dictionary order: "
                                             "(an, a) < (ban, an) < (ban, d), so an + a is merged."));
    }

    void keyboardStepsAndGoesBack() {
        find<QPushButton>("stepButton")->setFocus();
        QTest::keyClick(page_, Qt::Key_Space);
        QTest::keyClick(page_, Qt::Key_Space);
        QCOMPARE(page_->stepper()->position(), std::size_t(2));
        QTest::keyClick(page_, Qt::Key_Backspace);
        QCOMPARE(page_->stepper()->position(), std::size_t(1));
        // Typing in the corpus editor types; it does not step.
        auto* editor = find<QPlainTextEdit>("corpusEditor");
        editor->setFocus();
        editor->moveCursor(QTextCursor::End);
        QTest::keyClick(editor, Qt::Key_Space);
        QCOMPARE(editor->toPlainText(), QStringLiteral("banana band ban "));
    }

    void editingTheCorpusStartsAgain() {
        page_->step();
        auto* editor = find<QPlainTextEdit>("corpusEditor");
        editor->setFocus();
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("low lower"));
        QTRY_COMPARE(chips(), QStringLiteral("l o w\nl o w e r"));
        QCOMPARE(page_->stepper()->position(), std::size_t(0));
        QCOMPARE(find<QTableWidget>("pairTable")->item(0, 0)->text(), QStringLiteral("l + o"));
    }

    void emptyCorpusSaysSo() {
        page_->setCorpus(QStringLiteral("   "));
        const auto* problem = find<QLabel>("problemLabel");
        QVERIFY(!problem->isHidden());
        QVERIFY(problem->text().contains(QStringLiteral("empty")));
        QVERIFY(!find<QPushButton>("stepButton")->isEnabled());
        QCOMPARE(find<QTableWidget>("pairTable")->rowCount(), 0);
        page_->setCorpus(QStringLiteral("ab ab"));
        QVERIFY(problem->isHidden());
        QVERIFY(find<QPushButton>("stepButton")->isEnabled());
    }

    void playRunsToTheEndAndStops() {
        page_->setCorpus(QStringLiteral("banana band ban"));
        auto* play = find<QPushButton>("playButton");
        QTest::mouseClick(play, Qt::LeftButton);
        QVERIFY(page_->isPlaying());
        QCOMPARE(play->text(), QStringLiteral("Pause"));
        QTRY_VERIFY_WITH_TIMEOUT(!page_->isPlaying(), 10000);
        QVERIFY(page_->stepper()->position() == 5);
        QCOMPARE(chips(), QStringLiteral("banana\nband\nban"));
        QVERIFY(!play->isChecked());
        QCOMPARE(play->text(), QStringLiteral("Play"));
        QVERIFY(find<QLabel>("nextMergeLabel")->text().contains(QStringLiteral("Done")));
    }
};

QTEST_MAIN(TestTokenizationPage)
#include "test_tokenization_page.moc"
