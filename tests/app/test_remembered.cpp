// What a second launch remembers: the window's size (not lecture mode's full screen), the lesson,
// each lesson's tab, whether the lesson list shows and the text size; each kind of file dialog's
// last folder; the recent files, newest first, at most eight, each opened again as what it was (a
// corpus, lecture steps), and one that has gone taken off the list with a word.
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "app/lecture/lecture_mode.hpp"
#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/tokenization/lesson_state.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"

using namespace pretrainlab;

namespace {

QAction* menuAction(QMenu* menu, const QString& text) {
    for (QAction* action : menu->actions())
        if (action->text() == text) return action;
    return nullptr;
}

QMenu* topMenu(app::MainWindow& window, const QString& text) {
    for (QAction* action : window.menuBar()->actions())
        if (action->text() == text) return action->menu();
    return nullptr;
}

QString write(const QDir& folder, const QString& name, const QByteArray& bytes) {
    QFile file(folder.filePath(name));
    if (!file.open(QIODevice::WriteOnly)) return {};
    file.write(bytes);
    return file.fileName();
}

}  // namespace

class TestRemembered : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PretrainLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_remembered"));
        QSettings().clear();
        app::applyTheme(*qApp, app::defaultTextPointSize);
    }
    void cleanupTestCase() { QSettings().clear(); }

    void aSecondLaunchComesBackWhereTheFirstEnded() {
        {
            app::MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.findChild<QTabWidget*>(QStringLiteral("tokenizationTabs"))->setCurrentIndex(2);
            window.findChild<QTabWidget*>(QStringLiteral("finetuningTabs"))->setCurrentIndex(4);
            window.showPage(QStringLiteral("optimization"));
            window.findChild<QTabWidget*>(QStringLiteral("optimizationTabs"))->setCurrentIndex(3);
            QAction* list = menuAction(topMenu(window, QStringLiteral("&View")), QStringLiteral("Show the &lesson list"));
            QVERIFY(list);
            list->trigger();
            window.setTextSize(18);
            window.resize(1100, 660);
            // Quitting in lecture mode keeps its lesson and tab but not its full screen. (The step
            // shows the Optimization lesson's Memory tab.)
            const auto& steps = window.lecture()->steps().steps;
            int memoryStep = 0;
            while (steps[std::size_t(memoryStep)].view != QLatin1String("memory")) ++memoryStep;
            window.lecture()->enter(memoryStep);
            QTRY_VERIFY(window.windowState() & Qt::WindowFullScreen);
            QTRY_VERIFY(window.size() != QSize(1100, 660));  // full screen has taken effect
            window.saveSettings();
        }
        app::applyTheme(*qApp, app::defaultTextPointSize);
        QCOMPARE(QSettings().value(QStringLiteral("view/textSize")).toDouble(), 18.0);

        app::MainWindow window;
        window.restoreSettings();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.findChild<QListWidget*>(QStringLiteral("navigation"))->currentRow(), 3);
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("optimizationTabs"))->currentIndex(), 3);
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("tokenizationTabs"))->currentIndex(), 2);
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("finetuningTabs"))->currentIndex(), 4);
        QVERIFY(!window.findChild<QListWidget*>(QStringLiteral("navigation"))->isVisible());
        QCOMPARE(window.size(), QSize(1100, 660));
        QVERIFY(!(window.windowState() & Qt::WindowFullScreen));

        // A settings file edited by hand to nonsense changes nothing.
        QSettings().setValue(QStringLiteral("view/lesson"), QStringLiteral("astrology"));
        QSettings().setValue(QStringLiteral("view/tab/optimization"), 99);
        app::MainWindow again;
        again.restoreSettings();
        QCOMPARE(again.findChild<QListWidget*>(QStringLiteral("navigation"))->currentRow(), 0);
        QCOMPARE(again.findChild<QTabWidget*>(QStringLiteral("optimizationTabs"))->currentIndex(), 0);
    }

    void eachKindOfFileRemembersItsFolder() {
        QTemporaryDir root;
        QDir(root.path()).mkpath(QStringLiteral("corpora"));
        QDir(root.path()).mkpath(QStringLiteral("gone"));
        app::rememberFolder(app::FileKind::Corpus, root.filePath(QStringLiteral("corpora/a.txt")));
        app::rememberFolder(app::FileKind::Checkpoint, root.filePath(QStringLiteral("gone/run.safetensors")));
        QCOMPARE(app::lastFolder(app::FileKind::Corpus), root.filePath(QStringLiteral("corpora")));
        QCOMPARE(app::lastFolder(app::FileKind::Tokenizer), QDir::homePath());
        QDir(root.filePath(QStringLiteral("gone"))).removeRecursively();
        QCOMPARE(app::lastFolder(app::FileKind::Checkpoint), QDir::homePath());  // a folder that has gone
    }

    void recentFilesNewestFirstAndOpenedAsTheyWere() {
        app::clearRecentFiles();
        QTemporaryDir root;
        const QDir folder(root.path());
        for (int i = 0; i < 10; ++i) app::rememberRecentFile(folder.filePath(QStringLiteral("c%1.txt").arg(i)), app::FileKind::Corpus);
        QList<app::RecentFile> files = app::recentFiles();
        QCOMPARE(files.size(), app::recentFileCount);
        QCOMPARE(files.front().path, folder.filePath(QStringLiteral("c9.txt")));
        QCOMPARE(files.back().path, folder.filePath(QStringLiteral("c2.txt")));
        app::rememberRecentFile(folder.filePath(QStringLiteral("c5.txt")), app::FileKind::Corpus);  // again: to the top, once
        files = app::recentFiles();
        QCOMPARE(files.front().path, folder.filePath(QStringLiteral("c5.txt")));
        QCOMPARE(files.size(), app::recentFileCount);
        int fives = 0;
        for (const app::RecentFile& file : files) fives += file.path.endsWith(QStringLiteral("c5.txt"));
        QCOMPARE(fives, 1);

        app::clearRecentFiles();
        const QString corpus = write(folder, QStringLiteral("story.txt"), "the cat sat on the mat and the cat slept\n");
        const QString lecture = write(folder, QStringLiteral("mine.json"),
                                      R"({"format": "pretrainlab-lecture", "version": 1, "steps": [
                                         {"lesson": "training", "view": "runs", "title": "Runs", "caption": "All of them."}]})");
        const QString gone = folder.filePath(QStringLiteral("gone.txt"));
        app::rememberRecentFile(gone, app::FileKind::Corpus);
        app::rememberRecentFile(lecture, app::FileKind::Lecture);
        app::rememberRecentFile(corpus, app::FileKind::Corpus);

        app::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QMenu* file = topMenu(window, QStringLiteral("&File"));
        QMenu* recent = menuAction(file, QStringLiteral("Open &recent"))->menu();
        emit recent->aboutToShow();
        QVERIFY(recent->actions().at(0)->text().contains(QStringLiteral("story.txt")));
        QVERIFY(recent->actions().at(0)->text().contains(QStringLiteral("corpus")));
        QVERIFY(recent->actions().at(1)->text().contains(QStringLiteral("mine.json")));

        recent->actions().at(0)->trigger();
        QTRY_COMPARE(window.tokenizationPage()->state().corpusName(), QStringLiteral("story.txt"));
        QCOMPARE(window.findChild<QListWidget*>(QStringLiteral("navigation"))->currentRow(), 0);

        window.openRecentFile(lecture);
        QVERIFY(window.lecture()->isActive());
        QCOMPARE(window.lecture()->steps().steps.size(), std::size_t(1));
        window.lecture()->leave();
        QCOMPARE(app::recentFiles().front().path, lecture);  // opened again: to the top

        auto said = std::make_shared<QString>();
        QTimer::singleShot(0, [said] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                *said = box->text();
                box->accept();
            }
        });
        window.openRecentFile(gone);
        QVERIFY2(said->contains(QStringLiteral("gone.txt")) && said->contains(QStringLiteral("no longer there")), qPrintable(*said));
        for (const app::RecentFile& entry : app::recentFiles()) QVERIFY(entry.path != gone);
    }
};

QTEST_MAIN(TestRemembered)
#include "test_remembered.moc"
