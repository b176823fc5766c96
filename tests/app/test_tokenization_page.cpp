#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "app/lessons/csv_file.hpp"
#include "app/lessons/tokenization/exports.hpp"
#include "app/lessons/tokenization/merge_tab.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "widgets/compare_view.hpp"
#include "widgets/corpus_bar.hpp"
#include "widgets/merge_controls.hpp"
#include "widgets/merge_panel.hpp"
#include "widgets/token_chips_view.hpp"
#include "widgets/tokenize_view.hpp"
#include "widgets/tradeoff_chart.hpp"

using namespace pretrainlab;
using app::TokenizationPage;
using app::TokenizationState;

namespace {

// Column `column` of a table view, as shown.
QStringList column(const QTableView* table, int column) {
    QStringList texts;
    const QAbstractItemModel* model = table->model();
    for (int row = 0; row < model->rowCount(); ++row) texts << model->index(row, column).data().toString();
    return texts;
}

QString chips(const widgets::MergePanel* panel) { return panel->chipsView()->segmentationText(); }

QStringList rowPieces(const widgets::ChipWord& row) {
    QStringList pieces;
    for (const widgets::TokenChip& chip : row.chips) {
        if (chip.tokenId >= 0) pieces << chip.text;
    }
    return pieces;
}

}  // namespace

class TestTokenizationPage : public QObject {
    Q_OBJECT

private:
    TokenizationPage* page_ = nullptr;
    QTemporaryDir folder_;

    TokenizationState& state() { return page_->state(); }
    // The page's child of that type and name (any name for nullptr).
    template <typename T>
    T* find(const char* name) {
        T* child = name ? page_->findChild<T*>(QString::fromLatin1(name)) : page_->findChild<T*>();
        if (!child) qFatal("no child named %s", name ? name : "(any)");
        return child;
    }
    QString file(const char* name, const QByteArray& content) {
        const QString path = folder_.filePath(QString::fromLatin1(name));
        QFile out(path);
        out.open(QIODevice::WriteOnly);
        out.write(content);
        return path;
    }
    void waitIdle() { QTRY_VERIFY_WITH_TIMEOUT(!state().isBusy(), 60000); }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    void init() {
        page_ = new TokenizationPage;
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
        QCOMPARE(chips(find<widgets::MergePanel>("bpePanel")), QStringLiteral("b a n a n a\nb a n d\nb a n"));
        const auto* pairs = find<QTableView>("bpeCandidates");
        QCOMPARE(column(pairs, 1), (QStringList{"a + n", "b + a", "n + a", "n + d"}));
        QCOMPARE(column(pairs, 2), (QStringList{"4", "3", "2", "1"}));
        QCOMPARE(column(pairs, 0), (QStringList{"▶", "", "", ""}));
        QCOMPARE(find<QTableView>("bpeRules")->model()->rowCount(), 0);
        QVERIFY(!find<QPushButton>("backButton")->isEnabled());
        QVERIFY(find<QLabel>("bpeNext")->text().contains(QStringLiteral("a + n → an")));
    }

    // WordPiece's scores beside BPE's counts, for "banana band ban" worked out by hand:
    // b ##a ##n ##a ##n ##a / b ##a ##n ##d / b ##a ##n, so count(b)=3, count(##a)=5,
    // count(##n)=4, count(##d)=1 and
    //   ##n ##d: 1 / (4 × 1) = 0.25      ##a ##n: 4 / (5 × 4) = 0.2
    //   b ##a:   3 / (3 × 5) = 0.2       ##n ##a: 2 / (4 × 5) = 0.1
    // ##a ##n and b ##a score the same; with ids [UNK]=0 ##a=1 ##d=2 ##n=3 b=4, (1, 3) < (4, 1).
    void wordPieceScoresBesideBpeCounts() {
        const auto* scores = find<QTableView>("wordPieceCandidates");
        QCOMPARE(column(scores, 1), (QStringList{"##n + ##d", "##a + ##n", "b + ##a", "##n + ##a"}));
        QCOMPARE(column(scores, 2), (QStringList{"1", "4", "3", "2"}));  // count(ab)
        QCOMPARE(column(scores, 3), (QStringList{"4", "5", "3", "4"}));  // count(a)
        QCOMPARE(column(scores, 4), (QStringList{"1", "4", "5", "5"}));  // count(b)
        QCOMPARE(column(scores, 5), (QStringList{"0.25", "0.2", "0.2", "0.1"}));
        // Only the winner scores 0.25, so no tie is marked.
        QCOMPARE(column(scores, 0), (QStringList{"▶", "", "", ""}));
        QVERIFY(find<QLabel>("wordPieceNext")->text().contains(QStringLiteral("##n + ##d → ##nd")));
        // BPE picks a different pair on the same corpus.
        QVERIFY(find<QLabel>("bpeNext")->text().contains(QStringLiteral("a + n → an")));
    }

    void stepTwiceThenBackOnce() {
        auto* step = find<QPushButton>("stepButton");
        auto* back = find<QPushButton>("backButton");
        QTest::mouseClick(step, Qt::LeftButton);
        QTest::mouseClick(step, Qt::LeftButton);
        QCOMPARE(chips(find<widgets::MergePanel>("bpePanel")), QStringLiteral("ban an a\nban d\nban"));
        QCOMPARE(column(find<QTableView>("bpeRules"), 1), (QStringList{"a + n → an", "b + an → ban"}));
        QCOMPARE(state().wordPiece()->position(), std::size_t(2));  // the common Step moves both

        QTest::mouseClick(back, Qt::LeftButton);
        const auto* rules = find<QTableView>("bpeRules");
        QCOMPARE(column(rules, 0), QStringList{"1"});
        QCOMPARE(column(rules, 1), QStringList{"a + n → an"});
        QCOMPARE(chips(find<widgets::MergePanel>("bpePanel")), QStringLiteral("b an an a\nb an d\nb an"));
        const auto* pairs = find<QTableView>("bpeCandidates");
        QCOMPARE(column(pairs, 1).first(), QStringLiteral("b + an"));
        QCOMPARE(column(pairs, 2), (QStringList{"3", "1", "1", "1"}));
        QCOMPARE(column(pairs, 0).first(), QStringLiteral("▶"));

        // The chip made by the last merge is marked, and keeps its colour in every word.
        const std::vector<widgets::ChipWord>& words = find<widgets::MergePanel>("bpePanel")->chipsView()->words();
        QVERIFY(!words[0].chips[0].justMerged);
        QVERIFY(words[0].chips[1].justMerged);
        QCOMPARE(words[0].chips[1].leftPart, QStringLiteral("a"));
        QCOMPARE(words[0].chips[1].tokenId, words[1].chips[1].tokenId);
    }

    void eachSideStepsAlone() {
        QTest::mouseClick(find<QPushButton>("wordPieceStepButton"), Qt::LeftButton);
        QCOMPARE(state().wordPiece()->position(), std::size_t(1));
        QCOMPARE(state().bpe()->position(), std::size_t(0));
        QTest::mouseClick(find<QPushButton>("bpeStepButton"), Qt::LeftButton);
        QTest::mouseClick(find<QPushButton>("bpeStepButton"), Qt::LeftButton);
        QCOMPARE(state().bpe()->position(), std::size_t(2));
        QTest::mouseClick(find<QPushButton>("wordPieceBackButton"), Qt::LeftButton);
        QCOMPARE(state().wordPiece()->position(), std::size_t(0));
        QCOMPARE(state().bpe()->position(), std::size_t(2));
    }

    void jumpsToAMergeAndAVocabularySize() {
        state().chooseExample(1);
        state().goToMerge(25);
        QCOMPARE(state().bpe()->position(), std::size_t(25));
        QCOMPARE(state().wordPiece()->position(), std::size_t(25));
        QCOMPARE(find<QTableView>("bpeRules")->model()->rowCount(), 25);
        const std::size_t start = state().bpe()->trainer().alphabetSize();
        state().goToVocabularySize(static_cast<int>(start + 10));
        QCOMPARE(state().bpe()->trainer().vocabulary().size(), start + 10);
        QCOMPARE(find<QTableView>("bpeRules")->model()->rowCount(), 10);
        state().reset();
        QCOMPARE(state().bpe()->position(), std::size_t(0));
    }

    void tiesAreExplainedAndTheRuleReplays() {
        state().step();
        state().step();
        auto* tie = find<QLabel>("bpeTie");
        QVERIFY(!tie->isHidden());
        // Ids: a=0 b=1 d=2 n=3 an=4 ban=5.
        QCOMPARE(tie->text(), QStringLiteral("Tie: 3 pairs have the same count. Smallest ids first: "
                                             "(4, 0) < (5, 2) < (5, 4), so an + a is merged."));
        const QStringList hfRules = column(find<QTableView>("bpeRules"), 1);

        state().setTieBreak(TieBreak::FirstOccurrence);
        QCOMPARE(state().bpe()->position(), std::size_t(2));
        QCOMPARE(column(find<QTableView>("bpeCandidates"), 1).first(), QStringLiteral("ban + an"));
        QCOMPARE(tie->text(), QStringLiteral("Tie: 3 pairs have the same count. ban + an appears first in "
                                             "the corpus (in “banana”), so it is merged."));
        state().setTieBreak(TieBreak::Lexicographic);
        QCOMPARE(tie->text(), QStringLiteral("Tie: 3 pairs have the same count. Dictionary order: "
                                             "(an, a) < (ban, an) < (ban, d), so an + a is merged."));
        // Back to the first rule: the same run as before, deterministically.
        state().setTieBreak(TieBreak::HuggingFace);
        QCOMPARE(column(find<QTableView>("bpeRules"), 1), hfRules);
        state().step();
        QCOMPARE(column(find<QTableView>("bpeRules"), 1).last(), QStringLiteral("an + a → ana"));
    }

    void keyboardStepsAndGoesBack() {
        find<QPushButton>("stepButton")->setFocus();
        QTest::keyClick(page_, Qt::Key_Space);
        QTest::keyClick(page_, Qt::Key_Space);
        QCOMPARE(state().bpe()->position(), std::size_t(2));
        QTest::keyClick(page_, Qt::Key_Backspace);
        QCOMPARE(state().bpe()->position(), std::size_t(1));
        auto* editor = find<QPlainTextEdit>("corpusEditor");
        editor->setFocus();
        editor->moveCursor(QTextCursor::End);
        QTest::keyClick(editor, Qt::Key_Space);
        QCOMPARE(editor->toPlainText(), QStringLiteral("banana band ban "));  // typing, not stepping
    }

    void editingTheCorpusStartsAgain() {
        state().step();
        auto* editor = find<QPlainTextEdit>("corpusEditor");
        editor->setFocus();
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("low lower"));
        QTRY_COMPARE(chips(find<widgets::MergePanel>("bpePanel")), QStringLiteral("l o w\nl o w e r"));
        QCOMPARE(state().bpe()->position(), std::size_t(0));
        QCOMPARE(find<QComboBox>("exampleCombo")->currentText(), QStringLiteral("Your own text"));
    }

    void emptyCorpusSaysSo() {
        state().setCorpus(QStringLiteral("   "));
        const auto* problem = find<QLabel>("problemLabel");
        QVERIFY(!problem->isHidden());
        QCOMPARE(problem->text(), QStringLiteral("The corpus is empty: type some words to train on."));
        QVERIFY(!find<QPushButton>("stepButton")->isEnabled());
        state().setCorpus(QStringLiteral("ab ab"));
        QVERIFY(problem->isHidden());
        QVERIFY(find<QPushButton>("stepButton")->isEnabled());
    }

    void playRunsToTheEndAndStops() {
        find<widgets::MergeControls>("mergeControls")->setMergesPerSecond(30);
        auto* play = find<QPushButton>("playButton");
        QTest::mouseClick(play, Qt::LeftButton);
        QVERIFY(find<app::MergeTab>("mergeTab")->isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(!find<app::MergeTab>("mergeTab")->isPlaying(), 20000);
        QCOMPARE(chips(find<widgets::MergePanel>("bpePanel")), QStringLiteral("banana\nband\nban"));
        QVERIFY(!play->isChecked());
        QVERIFY(find<QLabel>("bpeNext")->text().contains(QStringLiteral("Done")));
    }

    void byteLevelShowsBytesAndGpt2Symbols() {
        state().setCorpus(QStringLiteral("café café naïve"));
        find<QCheckBox>("byteLevelCheck")->click();
        QVERIFY(state().byteLevel());
        QCOMPARE(state().bpe()->trainer().alphabetSize(), std::size_t(256));
        QCOMPARE(chips(find<widgets::MergePanel>("bpePanel")).split('\n').first(), QStringLiteral("c a f Ã ©"));
        page_->setTokenizeText(QStringLiteral("é🙂"));
        page_->showTab(TokenizationPage::TokenizeTabIndex);
        const std::vector<widgets::ByteCell>& cells = find<widgets::TokenizeView>(nullptr)->byteView()->cells();
        QCOMPARE(cells.size(), std::size_t(2));
        QCOMPARE(cells[0].bytes, (QStringList{"C3", "A9"}));
        QCOMPARE(cells[0].symbols, (QStringList{"Ã", "©"}));
        QCOMPARE(cells[1].codePoint, QStringLiteral("U+1F642"));
        QCOMPARE(cells[1].bytes, (QStringList{"F0", "9F", "99", "82"}));
    }

    void tokenizesNewTextMergeByMerge() {
        state().goToMerge(2);  // a n, then b an
        page_->setTokenizeText(QStringLiteral("bandana"));
        page_->showTab(TokenizationPage::TokenizeTabIndex);
        widgets::TokenizeView* view = find<widgets::TokenizeView>(nullptr);
        QTest::mouseClick(page_->findChild<QPushButton*>(QStringLiteral("animateButton")), Qt::LeftButton);
        QVERIFY(view->isAnimating());
        QCOMPARE(rowPieces(view->chipsView()->words().front()), (QStringList{"b", "a", "n", "d", "a", "n", "a"}));
        QTRY_VERIFY_WITH_TIMEOUT(!view->isAnimating(), 10000);
        QCOMPARE(view->frameShown(), 2);
        // Merge rule 1 (a n) twice, then rule 2 (b an) once.
        QCOMPARE(rowPieces(view->chipsView()->words().front()), (QStringList{"ban", "d", "an", "a"}));
        const QString counts = page_->findChild<QLabel*>(QStringLiteral("tokenCounts"))->text();
        QVERIFY2(counts.startsWith(QStringLiteral("7 characters, 7 bytes → BPE: 4 tokens")), qPrintable(counts));
        // The chips carry the ids of the trained vocabulary: a b d n are 0 1 2 3, an 4, ban 5.
        std::vector<int> ids;
        for (const widgets::TokenChip& chip : view->chipsView()->words().front().chips) ids.push_back(chip.tokenId);
        QCOMPARE(ids, (std::vector<int>{5, 2, 4, 0}));
    }

    // Character-level BPE has no token for a character it never saw: the lesson shows each one
    // struck through, counts them apart from the tokens and names byte-level BPE as the fix.
    void charactersNeverSeenAreShownAndCounted() {
        state().goToMerge(2);  // a n, then b an; the alphabet is a b d n
        page_->setTokenizeText(QStringLiteral("bandit bananas naïve 🍌"));
        page_->showTab(TokenizationPage::TokenizeTabIndex);
        widgets::TokenizeView* view = find<widgets::TokenizeView>(nullptr);
        QTRY_VERIFY(!view->chipsView()->words().empty());
        QStringList tokens, unknown;
        for (const widgets::TokenChip& chip : view->chipsView()->words().front().chips) {
            if (chip.tokenId < 0) continue;
            (chip.unknown ? unknown : tokens) << chip.text;
        }
        QCOMPARE(tokens, (QStringList{"ban", "d", "ban", "an", "a", "n", "a"}));
        QCOMPARE(unknown, (QStringList{"i", "t", "s", "ï", "v", "e", "🍌"}));
        const QString counts = page_->findChild<QLabel*>(QStringLiteral("tokenCounts"))->text();
        QVERIFY2(counts.startsWith(QStringLiteral("22 characters, 26 bytes → BPE: 7 tokens (7 dropped: unknown)")),
                 qPrintable(counts));
        // The first frame counts the characters that have a token, and says what happens to the rest.
        QTest::mouseClick(page_->findChild<QPushButton*>(QStringLiteral("animateButton")), Qt::LeftButton);
        const QString caption = page_->findChild<QLabel*>(QStringLiteral("encodingCaption"))->text();
        QVERIFY2(caption.contains(QStringLiteral("one token per character (12)")) &&
                     caption.contains(QStringLiteral("7 characters never seen in training")) &&
                     caption.contains(QStringLiteral("i t s ï v e 🍌")) && caption.contains(QStringLiteral("byte-level BPE")),
                 qPrintable(caption));
        // Merging looks past a dropped character, as encoding does: "aïn" is a + n → an, one token.
        page_->setTokenizeText(QStringLiteral("aïn"));
        QTRY_VERIFY(!view->chipsView()->words().empty());
        tokens.clear(), unknown.clear();
        for (const widgets::TokenChip& chip : view->chipsView()->words().front().chips) {
            if (chip.tokenId < 0) continue;
            (chip.unknown ? unknown : tokens) << chip.text;
        }
        QCOMPARE(tokens, (QStringList{"an"}));
        QCOMPARE(unknown, (QStringList{"ï"}));
        QCOMPARE(state().trainedBpeTokenizer()->encode("aïn").size(), std::size_t(1));
        // Byte-level BPE starts from all 256 bytes: nothing is dropped.
        find<QCheckBox>("byteLevelCheck")->click();
        waitIdle();
        page_->setTokenizeText(QStringLiteral("bandit bananas naïve 🍌"));
        for (const widgets::TokenChip& chip : view->chipsView()->words().front().chips) QVERIFY(!chip.unknown);
    }

    void comparesWithGpt2AndBert() {
        state().openTokenizerFile(QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/gpt2.tiktoken"));
        waitIdle();
        QVERIFY(state().loadedTokenizer().has_value());
        QCOMPARE(page_->findChild<QLabel*>(QStringLiteral("loadedTokenizerLabel"))->text(),
                 QStringLiteral("gpt2.tiktoken: byte-level BPE, 50,256 tokens"));
        // "banana band ban" through GPT-2, as js-tiktoken recorded it.
        QFile expected(QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/expected.json"));
        QVERIFY(expected.open(QIODevice::ReadOnly));
        QStringList gpt2Pieces;
        for (const QJsonValue& entry : QJsonDocument::fromJson(expected.readAll()).array()) {
            if (entry.toObject().value("text").toString() != QStringLiteral("banana band ban")) continue;
            for (const QJsonValue& id : entry.toObject().value("ids").toArray()) {
                gpt2Pieces << QString::fromStdString(state().loadedTokenizer()->vocabulary().token(TokenId(id.toInt())));
            }
        }
        QVERIFY(!gpt2Pieces.isEmpty());
        page_->setTokenizeText(QStringLiteral("banana band ban"));
        page_->showTab(TokenizationPage::CompareTabIndex);
        const std::vector<widgets::ChipWord>& rows = find<widgets::CompareView>(nullptr)->chipsView()->words();
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rowPieces(rows[2]), gpt2Pieces);
        QVERIFY(gpt2Pieces.contains(QStringLiteral("Ġband")));  // a space is Ġ

        const QString vocab = file("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\nthe\n!\n");
        state().openTokenizerFile(vocab);
        waitIdle();
        page_->setTokenizeText(QStringLiteral("The unaffable!"));
        QCOMPARE(rowPieces(find<widgets::CompareView>(nullptr)->chipsView()->words()[2]),
                 (QStringList{"[CLS]", "the", "un", "##aff", "##able", "!", "[SEP]"}));
    }

    void malformedTokenizerFileSaysWhyAndChangesNothing() {
        state().openTokenizerFile(QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/gpt2.tiktoken"));
        waitIdle();
        const QString bad = file("broken.json", R"({"model":{"type":"BPE","vocab":{"a":0},"merges":["a b c"]}})");
        state().openTokenizerFile(bad);
        waitIdle();
        const auto* problem = page_->findChild<QLabel*>(QStringLiteral("tokenizerProblem"));
        QVERIFY(!problem->isHidden());
        QCOMPARE(problem->text(), bad + QStringLiteral(": model.merges[0]: expected two tokens separated by one space, got \"a b c\""));
        QCOMPARE(state().loadedTokenizer()->vocabulary().size(), std::size_t(50256));  // GPT-2's still
    }

    // Files from the wild that are not a tokenizer, or would lose text, are refused by name in the
    // window, and the tokenizer already open stays.
    void notATokenizerSaysWhatItLooksLike() {
        state().openTokenizerFile(QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/gpt2.tiktoken"));
        waitIdle();
        const auto* problem = page_->findChild<QLabel*>(QStringLiteral("tokenizerProblem"));
        const QString merges = file("merges.txt", "#version: 0.2\n\xC4\xA0 t\nh e\n");
        state().openTokenizerFile(merges);
        waitIdle();
        QVERIFY(!problem->isHidden());
        QVERIFY2(problem->text().startsWith(merges + QStringLiteral(" line 2: this looks like a merges.txt")), qPrintable(problem->text()));
        const QString ranks = file("cut.tiktoken", "IQ== 0\nIg== 1\n");
        state().openTokenizerFile(ranks);
        waitIdle();
        QVERIFY2(problem->text().startsWith(ranks + QStringLiteral(": 254 of the 256 single bytes have no rank")), qPrintable(problem->text()));
        QCOMPARE(state().loadedTokenizer()->vocabulary().size(), std::size_t(50256));  // GPT-2's still
        state().openCorpusFile(QStringLiteral("/dev/zero"));
        waitIdle();
        QCOMPARE(find<QLabel>("problemLabel")->text(),
                 QStringLiteral("/dev/zero: cannot read: it is a device, not a file (it may never end)"));
    }

    void badCorpusFileSaysWhereAndKeepsTheCorpus() {
        state().step();
        const QString invalid = file("latin1.txt", QByteArray("caf\xE9 au lait\n"));
        state().openCorpusFile(invalid);
        waitIdle();
        QCOMPARE(find<QLabel>("problemLabel")->text(),
                 invalid + QStringLiteral(": byte 4 (line 1): invalid UTF-8: expected a continuation byte after 0xE9, got 0x20"));
        QCOMPARE(find<QPlainTextEdit>("corpusEditor")->toPlainText(), QStringLiteral("banana band ban"));
        QCOMPARE(state().bpe()->position(), std::size_t(1));
    }

    void largeFileTrainsInTheBackgroundAndCancelKeepsTheState() {
        // About 12 MB: enough that counting takes a while.
        QByteArray text;
        for (int i = 0; i < 200000; ++i) {
            text += "the quick brown fox " + QByteArray::number(i % 977) + " jumps over the lazy dog again\n";
        }
        const QString big = file("big.txt", text);
        state().step();

        // Cancel as soon as the work starts: the banana corpus and its state stay.
        const auto cancelWhenBusy = [this](bool busy) {
            if (busy) state().cancelWork();
        };
        QMetaObject::Connection cancelAtOnce = connect(&state(), &TokenizationState::busyChanged, page_, cancelWhenBusy);
        QSignalSpy busy(&state(), &TokenizationState::busyChanged);
        state().openCorpusFile(big);
        QVERIFY(state().isBusy());
        QVERIFY(!find<QPushButton>("stepButton")->isEnabled());  // nothing moves while it works
        waitIdle();
        disconnect(cancelAtOnce);
        QCOMPARE(busy.count(), 2);
        QCOMPARE(find<QPlainTextEdit>("corpusEditor")->toPlainText(), QStringLiteral("banana band ban"));
        QCOMPARE(state().bpe()->position(), std::size_t(1));
        state().step();  // still usable
        QCOMPARE(state().bpe()->position(), std::size_t(2));

        // Without cancelling, it loads; the window keeps processing events meanwhile.
        state().openCorpusFile(big);
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
        ticker.start(10);
        waitIdle();
        QVERIFY(ticks > 0);
        QCOMPARE(state().corpusName(), QStringLiteral("big.txt"));
        QCOMPARE(state().bpe()->trainer().totalWords(), std::uint64_t(200000) * 11);  // 11 words a line

        // A far jump on a large corpus also runs in the background and can be cancelled.
        QMetaObject::Connection cancelJump = connect(&state(), &TokenizationState::busyChanged, page_, cancelWhenBusy);
        state().goToVocabularySize(5000);
        waitIdle();
        disconnect(cancelJump);
        QCOMPARE(state().bpe()->position(), std::size_t(0));
        state().goToMerge(300);
        waitIdle();
        QCOMPARE(state().bpe()->position(), std::size_t(300));
    }

    void tradeoffCurveAndExports() {
        state().chooseExample(1);
        state().waitForIdle();
        QTRY_VERIFY(!state().curve().empty());
        QVERIFY(find<widgets::TradeoffChart>(nullptr)->pointCount() > 100);
        state().goToMerge(10);
        QCOMPARE(find<widgets::TradeoffChart>(nullptr)->markerPosition(), double(state().bpe()->trainer().vocabulary().size()));

        const QString tokenizer = folder_.filePath("tokenizer.json");
        QVERIFY(app::saveTrainedTokenizer(state(), tokenizer, false).isEmpty());
        QFile saved(tokenizer);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(saved.readAll()).object().value("model").toObject().value("merges").toArray().size(), 10);

        const QString merges = folder_.filePath("merges.csv");
        QVERIFY(app::writeCsvFile(app::mergeTables(state()), merges).isEmpty());
        QFile csv(merges);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("algorithm,rank,left,right,merged,count,score"));
        QCOMPARE(lines.size(), 1 + 10 + 10);
        const QString curve = folder_.filePath("curve.csv");
        QVERIFY(app::writeCsvFile(app::tradeoffCurve(state()), curve).isEmpty());
        QFile curveFile(curve);
        QVERIFY(curveFile.open(QIODevice::ReadOnly));
        QCOMPARE(int(curveFile.readAll().count('\n')), int(state().curve().size()) + 1);
        QVERIFY(app::saveChart(*find<widgets::TradeoffChart>(nullptr), folder_.filePath("chart.png")).isEmpty());
        QVERIFY(QFileInfo(folder_.filePath("chart.png")).size() > 1000);
        QVERIFY(app::saveChart(*find<widgets::TradeoffChart>(nullptr), folder_.filePath("chart.pdf")).isEmpty());
    }
};

QTEST_MAIN(TestTokenizationPage)
#include "test_tokenization_page.moc"
