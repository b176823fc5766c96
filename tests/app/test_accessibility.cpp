// Every control of every lesson that takes the keyboard has a name a screen reader reads (its
// own, its label's, or a button's text), and Tab reaches each of them from the lesson.
#include <QAbstractButton>
#include <QApplication>
#include <QTabWidget>
#include <QtTest>
#include <cstdio>

#include "app/lessons/accessible_names.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"

using namespace pretrainlab;

namespace {

QString describe(const QWidget& widget) {
    QString path;
    for (const QWidget* w = &widget; w; w = w->parentWidget()) {
        if (!w->objectName().isEmpty()) {
            path = w->objectName();
            break;
        }
    }
    return QStringLiteral("%1 (%2)").arg(QString::fromLatin1(widget.metaObject()->className()), path);
}

}  // namespace

class TestAccessibility : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { app::applyTheme(*qApp, app::defaultTextPointSize, QStringLiteral("light")); }

    void everyControlHasAName() {
        app::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        int controls = 0;
        QStringList unnamed;
        for (const QWidget* widget : window.findChildren<QWidget*>()) {
            if (!app::isNamedControl(*widget)) continue;
            ++controls;
            if (qEnvironmentVariableIsSet("PRETRAINLAB_DUMP_NAMES"))
                std::fprintf(stderr, "NAME %s: %s\n", qPrintable(describe(*widget)), qPrintable(widget->accessibleName()));
            if (!app::hasAccessibleName(*widget)) unnamed << describe(*widget);
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("without a name: ") + unnamed.join(QStringLiteral(", "))));
        QVERIFY(controls > 100);
    }

    void tabReachesEveryControlOfTheViewOnShow() {
        app::MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (const QString& lesson : app::MainWindow::pageNames()) {
            window.showPage(lesson);
            QTabWidget* tabs = window.lessonTabWidget(lesson);
            for (int tab = 0; tab < tabs->count(); ++tab) {
                tabs->setCurrentIndex(tab);
                QTest::qWait(10);
                // The focus chain from the window, as Tab walks it.
                QSet<const QWidget*> reached;
                QWidget* start = &window;
                for (QWidget* w = start->nextInFocusChain(); w != start && reached.size() < 5000; w = w->nextInFocusChain())
                    reached.insert(w);
                for (const QWidget* widget : tabs->currentWidget()->findChildren<QWidget*>()) {
                    if (!app::isNamedControl(*widget) || !widget->isVisibleTo(&window) || !(widget->focusPolicy() & Qt::TabFocus))
                        continue;
                    QVERIFY2(reached.contains(widget),
                             qPrintable(QStringLiteral("%1/%2: Tab never reaches %3").arg(lesson, window.currentView(), describe(*widget))));
                }
            }
        }
    }
};

QTEST_MAIN(TestAccessibility)
#include "test_accessibility.moc"
