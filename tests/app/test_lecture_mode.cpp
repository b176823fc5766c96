// Lecture mode: the shipped walk-through is valid and covers every lesson; walking it forward and
// back by the keys a presenter's clicker sends puts each lesson into the step's state with its
// caption and never shows a problem; a text field keeps its arrows and Space; Esc gives back the
// window as it was; a step that trains shows its countdown; broken step files are refused by
// name and step, and the steps in use stay.
#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextCursor>
#include <QtTest>

#include "app/lecture/lecture_caption.hpp"
#include "app/lecture/lecture_mode.hpp"
#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/attention/lesson_state.hpp"
#include "app/lessons/attention/masks_tab.hpp"
#include "app/lessons/tokenization/lesson_state.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"

using namespace pretrainlab;

namespace {

// Any problem a lesson shows in words.
QString problemShown(const QWidget& window) {
    for (const QLabel* label : window.findChildren<QLabel*>()) {
        if (label->isVisible() && label->property("role").toString() == QLatin1String("problem") && !label->text().isEmpty())
            return label->text();
    }
    return {};
}

}  // namespace

class TestLectureMode : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { app::applyTheme(*qApp, app::defaultTextPointSize); }

    void shippedStepsCoverTheLecture() {
        const app::LectureSteps steps = app::shippedLectureSteps();
        QVERIFY2(steps.steps.size() >= 30 && steps.steps.size() <= 50, qPrintable(QString::number(steps.steps.size())));
        QSet<QString> lessons;
        for (const app::LectureStep& step : steps.steps) {
            lessons.insert(step.lesson);
            QVERIFY(!step.title.isEmpty() && !step.caption.isEmpty());
            QVERIFY2(step.caption.size() <= 240, qPrintable(step.title));  // one or two sentences
        }
        QCOMPARE(lessons.size(), app::MainWindow::pageNames().size());
    }

    void walksForwardAndBackByTheClickersKeys() {
        app::MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        app::LectureMode& lecture = *window.lecture();
        const app::LectureSteps& steps = lecture.steps();
        auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));

        const auto check = [&](int index) {
            const app::LectureStep& step = steps.steps[std::size_t(index)];
            const QString where = QStringLiteral("step %1 (%2)").arg(index + 1).arg(step.title);
            QCOMPARE(lecture.current(), index);
            QVERIFY2(navigation->currentRow() == app::MainWindow::pageNames().indexOf(step.lesson), qPrintable(where));
            auto* tabs = window.lessonTabWidget(step.lesson);
            QVERIFY2(tabs && tabs->currentIndex() == app::lectureViews(step.lesson).indexOf(step.view), qPrintable(where));
            QCOMPARE(lecture.caption()->title(), step.title);
            QCOMPARE(lecture.caption()->caption(), step.caption);
            QCOMPARE(lecture.caption()->position(), QStringLiteral("%1 / %2").arg(index + 1).arg(steps.steps.size()));
            const app::TokenizationState& words = window.tokenizationPage()->state();
            if (step.example) QVERIFY2(words.exampleIndex() == *step.example, qPrintable(where));
            if (step.byteLevel) QVERIFY2(words.byteLevel() == *step.byteLevel, qPrintable(where));
            if (step.merge) QVERIFY2(words.bpe()->position() == std::size_t(*step.merge), qPrintable(where));
            if (step.lesson == QLatin1String("architectures") && step.view != QLatin1String("masks")) {
                // Views that need trained models have them at once: the ones that come with the app.
                QVERIFY2(window.attentionPage()->state().encoder() && window.attentionPage()->state().decoder(), qPrintable(where));
            }
            if (step.mask) QVERIFY2(window.attentionPage()->findChild<app::MasksTab*>()->maskKind() == *step.mask, qPrintable(where));
            QVERIFY2(problemShown(window).isEmpty(), qPrintable(where + QStringLiteral(": ") + problemShown(window)));
        };

        lecture.enter(0);
        QVERIFY(lecture.isActive());
        QVERIFY(lecture.caption()->isVisible());
        QVERIFY(!navigation->isVisible());
        QVERIFY(!window.menuBar()->isVisible());
        QVERIFY(window.windowState() & Qt::WindowFullScreen);
        check(0);
        const Qt::Key forward[] = {Qt::Key_Space, Qt::Key_Right, Qt::Key_PageDown};
        for (int i = 1; i < int(steps.steps.size()); ++i) {
            QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &window, forward[i % 3]);
            check(i);
        }
        // Past the end it stays, and says how to leave.
        QTest::keyClick(&window, Qt::Key_PageDown);
        check(int(steps.steps.size()) - 1);
        QVERIFY(lecture.caption()->status().contains(QStringLiteral("Esc")));
        const Qt::Key back[] = {Qt::Key_Left, Qt::Key_PageUp};
        for (int i = int(steps.steps.size()) - 2; i >= 0; --i) {
            QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &window, back[i % 2]);
            check(i);
        }
        QTest::keyClick(&window, Qt::Key_Left);  // before the first step it stays
        check(0);
        // With the menus hidden the lesson's tabs still answer Ctrl+PgDown, Ctrl+Tab and Ctrl+PgUp,
        // and the step stays.
        QTabWidget* tabs = window.lessonTabWidget(window.currentLesson());
        QVERIFY(tabs && tabs->count() > 1);
        const int tab = tabs->currentIndex();
        QTest::keyClick(&window, Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), (tab + 1) % tabs->count());
        QTest::keyClick(&window, Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), (tab + 2) % tabs->count());
        QTest::keyClick(&window, Qt::Key_PageUp, Qt::ControlModifier);
        QTest::keyClick(&window, Qt::Key_PageUp, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), tab);
        QCOMPARE(lecture.current(), 0);

        QTest::keyClick(&window, Qt::Key_Escape);
        QVERIFY(!lecture.isActive());
        QVERIFY(!lecture.caption()->isVisible());
        QVERIFY(navigation->isVisible());
        QVERIFY(window.menuBar()->isVisible());
        QVERIFY(!(window.windowState() & Qt::WindowFullScreen));
        // Outside lecture mode the keys are the lessons' own again: Space steps the merges.
        window.showPage(QStringLiteral("tokenization"));
        const std::size_t before = window.tokenizationPage()->state().bpe()->position();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QCOMPARE(window.tokenizationPage()->state().bpe()->position(), before + 1);
        QCOMPARE(lecture.current(), 0);
        window.trainingPage()->state().stop();
    }

    void aTextFieldKeepsItsKeys() {
        app::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        app::LectureMode& lecture = *window.lecture();
        lecture.enter(0);
        auto* editor = window.tokenizationPage()->findChild<QPlainTextEdit*>(QStringLiteral("corpusEditor"));
        QVERIFY(editor);
        editor->setFocus();
        QTRY_VERIFY(editor->hasFocus());
        editor->moveCursor(QTextCursor::Start);
        QTest::keyClick(editor, Qt::Key_Right);
        QCOMPARE(editor->textCursor().position(), 1);  // the arrow moved the cursor
        const QString before = editor->toPlainText();
        QTest::keyClick(editor, Qt::Key_Space);
        QCOMPARE(editor->toPlainText(), before.left(1) + QLatin1Char(' ') + before.mid(1));  // Space typed a space
        QCOMPARE(lecture.current(), 0);
        QTest::keyClick(editor, Qt::Key_PageDown);  // the clicker still works
        QCOMPARE(lecture.current(), 1);
        QTest::keyClick(editor, Qt::Key_Escape);
        QVERIFY(!lecture.isActive());
    }

    void aTrainingStepShowsItsCountdown() {
        app::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        app::LectureMode& lecture = *window.lecture();
        int trainingStep = -1;
        for (std::size_t i = 0; i < lecture.steps().steps.size(); ++i)
            if (lecture.steps().steps[i].train) trainingStep = int(i);
        QVERIFY(trainingStep >= 0);
        app::TrainingLabState& lab = window.trainingPage()->state();
        lecture.enter(trainingStep);
        QVERIFY(!lab.currentRun());  // entered at the step: no run (F5 resumes without training)
        lecture.leave();
        lecture.enter(trainingStep - 1);
        QTest::keyClick(&window, Qt::Key_Right);  // reached going forward: its run starts
        QCOMPARE(lecture.current(), trainingStep);
        QVERIFY(lab.currentRun());
        QTRY_VERIFY_WITH_TIMEOUT(lecture.caption()->status().contains(QStringLiteral("about")), 20000);
        const QString total = QLocale().toString(qulonglong(lab.currentRun()->settings.steps));
        QVERIFY2(lecture.caption()->status().contains(QStringLiteral(" of %1").arg(total)), qPrintable(lecture.caption()->status()));
        // Coming back to the step does not start a second run while the first one trains.
        const int runs = lab.runs().count();
        QTest::keyClick(&window, Qt::Key_Right);
        QTest::keyClick(&window, Qt::Key_Left);
        QCOMPARE(lab.runs().count(), runs);
        lab.stop();
        QTRY_VERIFY(lecture.caption()->status().isEmpty());
        // Nor once it has ended: a step trains once in a lecture session.
        QTest::keyClick(&window, Qt::Key_Left);
        QTest::keyClick(&window, Qt::Key_Right);
        QCOMPARE(lab.runs().count(), runs);
        lecture.leave();
    }

    void brokenStepFilesAreRefusedByNameAndStep_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        const QByteArray head = R"({"format": "pretrainlab-lecture", "version": 1, "steps": [)";
        const QByteArray good = R"({"lesson": "training", "view": "setup", "title": "t", "caption": "c"})";
        QTest::newRow("not JSON") << QByteArray("{\"format\": ") << "not valid JSON at byte";
        QTest::newRow("another file") << QByteArray(R"({"model": {}})") << "not a lecture step file";
        QTest::newRow("newer") << QByteArray(R"({"format": "pretrainlab-lecture", "version": 7, "steps": []})")
                               << "newer PretrainLab (format version 7";
        QTest::newRow("no steps") << QByteArray(R"({"format": "pretrainlab-lecture", "version": 1, "steps": []})")
                                  << "at least one step";
        QTest::newRow("unknown lesson")
            << head + good + "," + good + R"(, {"lesson": "physics", "view": "x", "title": "t", "caption": "c"}]})"
            << "step 3: unknown lesson \"physics\"";
        QTest::newRow("unknown view") << head + R"({"lesson": "architectures", "view": "mask", "title": "t", "caption": "c"}]})"
                                      << "step 1: unknown view \"mask\" of architectures (its views: masks, weights";
        QTest::newRow("misspelt key")
            << head + good + R"(, {"lesson": "tokenization", "view": "merges", "exmple": 1, "title": "t", "caption": "c"}]})"
            << "step 2: unknown key \"exmple\" for a step of tokenization";
        QTest::newRow("key of another lesson")
            << head + R"({"lesson": "optimization", "view": "memory", "merge": 3, "title": "t", "caption": "c"}]})"
            << "step 1: unknown key \"merge\"";
        QTest::newRow("merge not a count")
            << head + R"({"lesson": "tokenization", "view": "merges", "merge": 2.5, "title": "t", "caption": "c"}]})"
            << "step 1: \"merge\" must be a whole number";
        QTest::newRow("example out of range")
            << head + R"({"lesson": "tokenization", "view": "merges", "example": 9, "title": "t", "caption": "c"}]})"
            << "step 1: \"example\" must be a whole number from 0 to 2";
        QTest::newRow("no caption") << head + R"({"lesson": "training", "view": "setup", "title": "t"}]})"
                                    << "step 1: it has no \"caption\"";
        QTest::newRow("bad mask") << head + R"({"lesson": "architectures", "view": "masks", "mask": "t5", "title": "t", "caption": "c"}]})"
                                  << "step 1: \"mask\" must be one of encoder, decoder, prefix-lm, encoder-decoder";
    }

    void brokenStepFilesAreRefusedByNameAndStep() {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("my-lecture.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(json);
        file.close();

        app::MainWindow window;
        app::LectureMode& lecture = *window.lecture();
        const std::size_t shipped = lecture.steps().steps.size();
        lecture.go(4);
        QString error;
        QVERIFY(!lecture.loadSteps(path, &error));
        QVERIFY2(error.startsWith(QStringLiteral("my-lecture.json: ")) && error.contains(message), qPrintable(error));
        QCOMPARE(lecture.steps().steps.size(), shipped);
        QCOMPARE(lecture.current(), 4);
    }

    void aLecturersOwnStepsAreUsed() {
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("two.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format": "pretrainlab-lecture", "version": 1, "title": "Mine", "steps": [
            {"lesson": "optimization", "view": "memory", "title": "Memory first", "caption": "Why Adam costs more."},
            {"lesson": "tokenization", "view": "merges", "example": 0, "merge": 3, "title": "Then BPE", "caption": "Three merges."}]})");
        file.close();
        app::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString error;
        QVERIFY2(window.lecture()->loadSteps(path, &error), qPrintable(error));
        QCOMPARE(window.lecture()->steps().title, QStringLiteral("Mine"));
        window.lecture()->enter(0);
        QCOMPARE(window.lecture()->caption()->position(), QStringLiteral("1 / 2"));
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("optimizationTabs"))->currentIndex(), 3);
        QTest::keyClick(&window, Qt::Key_PageDown);
        QCOMPARE(window.tokenizationPage()->state().bpe()->position(), std::size_t(3));
        window.lecture()->leave();
    }
};

QTEST_MAIN(TestLectureMode)
#include "test_lecture_mode.moc"
