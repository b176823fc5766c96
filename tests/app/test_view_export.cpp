// File > Export this view: every tab of every lesson saves what it shows as a PNG (the whole
// content, also what is scrolled out of sight, at the screen's pixel density) and as a one-page
// PDF; a file that cannot be written says which, and leaves nothing behind.
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QScrollArea>
#include <QSet>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "app/lecture/lecture_steps.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/lessons/view_export.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"

using namespace pretrainlab;

namespace {

int distinctColours(const QImage& image) {
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    return int(colours.size());
}

}  // namespace

class TestViewExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { app::applyTheme(*qApp, app::defaultTextPointSize, QStringLiteral("light")); }

    void everyViewExportsAsPngAndPdf() {
        QTemporaryDir folder;
        app::MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (const QString& lesson : app::MainWindow::pageNames()) {
            window.showPage(lesson);
            auto* tabs = window.lessonTabWidget(lesson);
            QVERIFY(tabs);
            for (int tab = 0; tab < tabs->count(); ++tab) {
                tabs->setCurrentIndex(tab);
                QTest::qWait(20);
                QWidget* view = window.currentViewWidget();
                const QString name = QStringLiteral("%1-%2").arg(lesson, window.currentView());
                QVERIFY2(view && view->isVisible(), qPrintable(name));
                const QString png = folder.filePath(name + QStringLiteral(".png"));
                QString problem = app::exportView(*view, png);
                QVERIFY2(problem.isEmpty(), qPrintable(problem));
                const QImage image(png);
                QVERIFY2(!image.isNull(), qPrintable(name));
                QCOMPARE(image.size(), view->size() * view->devicePixelRatio());
                QVERIFY2(distinctColours(image) > 5, qPrintable(name + QStringLiteral(" exported a blank picture")));

                const QString pdf = folder.filePath(name + QStringLiteral(".pdf"));
                problem = app::exportView(*view, pdf);
                QVERIFY2(problem.isEmpty(), qPrintable(problem));
                QFile file(pdf);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray bytes = file.readAll();
                QVERIFY2(bytes.startsWith("%PDF-") && bytes.trimmed().endsWith("%%EOF") && bytes.size() > 1000, qPrintable(name));
            }
        }
        // The Training lab exports the whole lesson: its charts and its side tab.
        window.showPage(QStringLiteral("training"));
        QCOMPARE(window.currentViewWidget(), static_cast<QWidget*>(window.trainingPage()));
    }

    void whatIsScrolledAwayIsExportedToo() {
        app::applyTheme(*qApp, app::maximumTextPointSize);
        app::MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(QStringLiteral("optimization"));
        auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("optimizationTabs"));
        tabs->setCurrentIndex(int(app::lectureViews(QStringLiteral("optimization")).indexOf(QStringLiteral("memory"))));
        QTest::qWait(50);
        auto* area = qobject_cast<QScrollArea*>(tabs->currentWidget());
        QVERIFY(area);
        QWidget* view = window.currentViewWidget();
        QCOMPARE(view, area->widget());
        QVERIFY2(view->height() > area->viewport()->height(), "the tab should scroll at the largest text size");
        QTemporaryDir folder;
        const QString png = folder.filePath(QStringLiteral("memory.png"));
        QVERIFY(app::exportView(*view, png).isEmpty());
        QCOMPARE(QImage(png).height(), int(view->height() * view->devicePixelRatio()));
        app::applyTheme(*qApp, app::defaultTextPointSize);
    }

    void aFileThatCannotBeWrittenSaysWhich() {
        app::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("no such folder/view.png"));
        const QString problem = app::exportView(*window.currentViewWidget(), path);
        QVERIFY2(problem.contains(path), qPrintable(problem));
        QVERIFY(!QFile::exists(path));
        QCOMPARE(QDir(folder.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size(), 0);
    }
};

QTEST_MAIN(TestViewExport)
#include "test_view_export.moc"
