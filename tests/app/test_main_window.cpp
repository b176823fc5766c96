// The window in the room it is used in: at every text size the app offers it fits a 1280×720
// projector (lessons scroll rather than widen it) and no lesson's name is cut in the list; the
// lesson on show takes the keyboard at launch, so Space steps the tokenizer without a click; the
// View menu shows F11 for full screen, names "Architectures & attention" with its ampersand, and
// no two mnemonics of the window collide on Alt+V; Reset and "Clear all runs" never take the keyboard.
#include <QAction>
#include <QApplication>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QTabWidget>
#include <QtTest>

#include "app/lessons/tokenization/lesson_state.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"

using namespace pretrainlab;

namespace {

QMenu* viewMenu(app::MainWindow& window) {
    for (QAction* action : window.menuBar()->actions())
        if (action->text() == QStringLiteral("&View")) return action->menu();
    return nullptr;
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void fitsAProjectorAtEveryTextSize() {
        for (const double size : {app::defaultTextPointSize, 18.0, 22.0, app::maximumTextPointSize}) {
            app::applyTheme(*qApp, size);
            app::MainWindow window;
            window.resize(1280, 720);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* list = window.findChild<QListWidget*>(QStringLiteral("navigation"));
            for (const QString& name : app::MainWindow::pageNames()) {
                window.showPage(name);
                QTest::qWait(10);
                QVERIFY2(window.minimumSizeHint().width() <= 1280 && window.minimumSizeHint().height() <= 720,
                         qPrintable(QStringLiteral("%1 pt, %2: the window needs %3×%4")
                                        .arg(size)
                                        .arg(name)
                                        .arg(window.minimumSizeHint().width())
                                        .arg(window.minimumSizeHint().height())));
            }
            // Every line of every lesson's name fits the list, with its padding and selection mark.
            const QFontMetrics metrics(list->font());
            for (int i = 0; i < list->count(); ++i) {
                for (const QString& line : list->item(i)->text().split(QLatin1Char('\n'))) {
                    QVERIFY2(metrics.horizontalAdvance(line) + 33 <= list->width(),
                             qPrintable(QStringLiteral("%1 pt: '%2' is %3 px in a %4 px list")
                                            .arg(size)
                                            .arg(line)
                                            .arg(metrics.horizontalAdvance(line))
                                            .arg(list->width())));
                }
            }
        }
        app::applyTheme(*qApp, app::defaultTextPointSize);
    }

    void theLessonTakesTheKeyboardAtLaunch() {
        app::MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.activateWindow();
        app::TokenizationPage* page = window.tokenizationPage();
        const auto inPage = [](QWidget* page) {
            QWidget* focus = QApplication::focusWidget();
            return focus && (focus == page || page->isAncestorOf(focus));
        };
        QTRY_VERIFY(inPage(page));
        const std::size_t before = page->state().bpe()->position();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QCOMPARE(page->state().bpe()->position(), before + 1);
        // A lesson chosen from the View menu (Ctrl+3) takes the keyboard too.
        QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
        QVERIFY(inPage(window.trainingPage()));
        // Ctrl+Tab and Ctrl+Shift+Tab (and Ctrl+PgDown/PgUp) go through the lesson's tabs wherever
        // the keyboard is: here straight after Ctrl+2, from the page and from the lesson list.
        QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
        QTabWidget* tabs = window.lessonTabWidget(QStringLiteral("architectures"));
        QVERIFY(tabs && tabs->count() > 2);
        const int first = tabs->currentIndex();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), (first + 1) % tabs->count());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), (first + 2) % tabs->count());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(tabs->currentIndex(), (first + 1) % tabs->count());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab, Qt::ControlModifier | Qt::ShiftModifier);  // Shift+Tab's other form
        QCOMPARE(tabs->currentIndex(), first);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_PageDown, Qt::ControlModifier);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_PageUp, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), first);
        auto* lessonList = window.findChild<QListWidget*>(QStringLiteral("navigation"));
        QVERIFY(lessonList);
        lessonList->setFocus();
        QVERIFY(QApplication::focusWidget() == lessonList);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_PageUp, Qt::ControlModifier);  // wraps around
        QCOMPARE(tabs->currentIndex(), (first + tabs->count() - 1) % tabs->count());
    }

    // Reset and "Clear all runs" cannot take the keyboard, so a Space after Stop (or after any
    // button that disables itself) never wipes a run; clicking them asks first.
    void destructiveControlsNeverTakeTheKeyboard() {
        app::MainWindow window;
        for (const char* name : {"resetButton", "clearRuns"}) {
            auto* button = window.trainingPage()->findChild<QPushButton*>(QLatin1String(name));
            QVERIFY2(button, name);
            QCOMPARE(button->focusPolicy(), Qt::NoFocus);
        }
    }

    void viewMenuSaysWhatItDoes() {
        app::MainWindow window;
        QMenu* view = viewMenu(window);
        QVERIFY(view);
        bool fullScreen = false;
        bool lessonNamed = false;
        for (QAction* action : view->actions()) {
            if (action->text() == QStringLiteral("&Full screen")) {
                fullScreen = true;
                QCOMPARE(action->shortcut(), QKeySequence(Qt::Key_F11));
            }
            // "&&" shows one ampersand; a single "&" would underline the space after it.
            if (action->text() == QStringLiteral("Architectures && attention")) lessonNamed = true;
        }
        QVERIFY(fullScreen);
        QVERIFY(lessonNamed);
        // Alt+V belongs to the View menu alone: no tab of the window uses it as its mnemonic.
        for (QTabWidget* tabs : window.findChildren<QTabWidget*>()) {
            for (int i = 0; i < tabs->count(); ++i)
                QVERIFY2(!tabs->tabText(i).contains(QStringLiteral("&V"), Qt::CaseInsensitive),
                         qPrintable(tabs->tabText(i)));
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
