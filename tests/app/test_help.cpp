// Help: every view of every lesson has its help, every glossary link leads to a term, F1 opens the
// help of the view on show (in lecture mode too), a glossary link in the text goes to its term,
// the shortcuts sheet is read off the window's own menus, and About names the libraries' versions.
#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QtTest>

#include "app/help/help_content.hpp"
#include "app/help/help_window.hpp"
#include "app/lecture/lecture_mode.hpp"
#include "app/lecture/lecture_steps.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"

using namespace pretrainlab;

class TestHelp : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { app::applyTheme(*qApp, app::defaultTextPointSize); }

    void everyViewHasItsHelp() {
        const app::HelpContent& help = app::helpContent();
        for (const QString& lesson : app::MainWindow::pageNames()) {
            for (const QString& view : app::lectureViews(lesson)) {
                QVERIFY2(help.view(lesson, view), qPrintable(lesson + QLatin1Char('/') + view));
            }
        }
        QVERIFY(help.glossary.size() >= 20);
        for (const char* term : {"BPE", "WordPiece", "CLS", "masked language model", "causal mask", "warmup", "bias correction"})
            QVERIFY2(help.entry(QString::fromLatin1(term)), term);
    }

    void brokenHelpIsRefusedWithWhere() {
        QString error;
        QVERIFY(!app::parseHelp(R"({"views": [{"lesson": "training", "view": "charts", "title": "t", "shows": "s", "read": "r", "lecture": "l"}]})", &error));
        QVERIFY2(error.contains(QStringLiteral("training/charts")), qPrintable(error));
        QVERIFY(!app::parseHelp(R"({"glossary": [{"term": "BPE", "text": "see [[WordPeice]]"}]})", &error));
        QVERIFY2(error.contains(QStringLiteral("WordPeice")), qPrintable(error));
        QVERIFY(!app::parseHelp("[1, 2]", &error));
    }

    void linksAreEscapedAndLeadToTheGlossary() {
        QCOMPARE(app::linkedHtml(QStringLiteral("a < b, see [[byte-level BPE]] & [[Adam]]")),
                 QStringLiteral("a &lt; b, see <a href=\"glossary:byte-level%20BPE\">byte-level BPE</a> &amp; "
                                "<a href=\"glossary:Adam\">Adam</a>"));
    }

    void f1OpensTheHelpOfTheViewOnShow() {
        app::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(QStringLiteral("optimization"));
        window.findChild<QTabWidget*>(QStringLiteral("optimizationTabs"))->setCurrentIndex(3);
        QCOMPARE(window.currentView(), QStringLiteral("memory"));
        QTest::keyClick(&window, Qt::Key_F1);
        app::HelpWindow* help = window.helpWindow();
        QTRY_VERIFY(help->isVisible());
        QCOMPARE(help->topic(), app::helpContent().view(QStringLiteral("optimization"), QStringLiteral("memory"))->title);
        QVERIFY(help->text()->toPlainText().contains(QStringLiteral("What is the memory cost of SGD vs Adam?")));

        // A glossary link in the text goes to its term.
        emit help->text()->anchorClicked(QUrl(QStringLiteral("glossary:Adam")));
        QCOMPARE(help->topic(), QStringLiteral("Glossary"));
        QVERIFY(help->text()->toPlainText().contains(app::helpContent().entry(QStringLiteral("bias correction"))->text.section(QLatin1Char(','), 0, 0)));
        help->hide();

        // In lecture mode, with the menus hidden, F1 still opens the help of the step's view.
        window.lecture()->enter(0);
        window.activateWindow();
        QTest::keyClick(&window, Qt::Key_F1);
        QTRY_VERIFY(help->isVisible());
        QCOMPARE(help->topic(), app::helpContent().view(QStringLiteral("tokenization"), QStringLiteral("merges"))->title);
        window.lecture()->leave();
    }

    void theShortcutsSheetIsReadOffTheMenus() {
        app::MainWindow window;
        const QString sheet = window.shortcutsHtml();
        for (QAction* top : window.menuBar()->actions()) {
            for (QAction* action : top->menu()->actions()) {
                if (action->shortcut().isEmpty()) continue;
                QVERIFY2(sheet.contains(action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped()),
                         qPrintable(action->text()));
            }
        }
        // Lecture mode's keys, written as the menus write keys (PgDown, not PageDown), and the
        // lesson's tabs with both their keys.
        QVERIFY(sheet.contains(QStringLiteral("F5")) && sheet.contains(QStringLiteral("F11")));
        QVERIFY(sheet.contains(QStringLiteral("Space, → or PgDown")) && !sheet.contains(QStringLiteral("PageDown")));
        QVERIFY(sheet.contains(QStringLiteral("Ctrl+Tab or Ctrl+PgDown")) && !sheet.contains(QStringLiteral("Backtab")));
    }

    void aboutNamesTheVersions() {
        app::MainWindow window;
        const QString about = window.aboutText();
        QVERIFY2(about.contains(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion()))), qPrintable(about));
        QVERIFY2(about.contains(QStringLiteral("Eigen 3.")), qPrintable(about));
        QVERIFY2(about.contains(QStringLiteral("OpenBLAS 0.")), qPrintable(about));
        QVERIFY2(about.contains(QStringLiteral("QCustomPlot 2.")), qPrintable(about));
    }
};

QTEST_MAIN(TestHelp)
#include "test_help.moc"
