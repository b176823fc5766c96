// Every control of every lesson that takes the keyboard has a name a screen reader reads (its
// own, its label's, or a button's text), and pressing Tab reaches each control of the view on
// show: no text field or table keeps the Tab key.
#include <QAbstractButton>
#include <QButtonGroup>
#include <QApplication>
#include <QTabWidget>
#include <QtTest>
#include <algorithm>
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
        window.activateWindow();
        for (const QString& lesson : app::MainWindow::pageNames()) {
            window.showPage(lesson);
            QTabWidget* tabs = window.lessonTabWidget(lesson);
            for (int tab = 0; tab < tabs->count(); ++tab) {
                tabs->setCurrentIndex(tab);
                QTest::qWait(10);
                QList<const QWidget*> controls;
                for (const QWidget* widget : tabs->currentWidget()->findChildren<QWidget*>()) {
                    if (app::isNamedControl(*widget) && widget->isVisibleTo(&window) && widget->isEnabled() &&
                        (widget->focusPolicy() & Qt::TabFocus))
                        controls << widget;
                }
                if (controls.isEmpty()) continue;
                // Tab, as a user presses it, from the view's first control round the window.
                const_cast<QWidget*>(controls.front())->setFocus(Qt::TabFocusReason);
                QSet<const QWidget*> reached;
                int focusable = 0;  // every stop Tab can make in the window
                for (const QWidget* widget : window.findChildren<QWidget*>())
                    focusable += widget->isVisibleTo(&window) && (widget->focusPolicy() & Qt::TabFocus) ? 1 : 0;
                for (int press = 0; press < 2 * focusable + 10 && reached.size() < controls.size(); ++press) {
                    QWidget* focus = QApplication::focusWidget();
                    QVERIFY(focus);
                    if (controls.contains(focus)) reached.insert(focus);
                    QTest::keyClick(focus, Qt::Key_Tab);
                }
                for (const QWidget* widget : controls) {
                    // A choice among exclusive buttons is one Tab stop; the arrow keys move between
                    // its buttons (as with radio buttons).
                    if (const auto* button = qobject_cast<const QAbstractButton*>(widget);
                        button && button->group() && button->group()->exclusive()) {
                        const QList<QAbstractButton*> choice = button->group()->buttons();
                        QVERIFY2(std::any_of(choice.begin(), choice.end(), [&](const QAbstractButton* b) { return reached.contains(b); }),
                                 qPrintable(QStringLiteral("%1/%2: Tab never reaches the choice of %3").arg(lesson, window.currentView(), describe(*widget))));
                        continue;
                    }
                    QVERIFY2(reached.contains(widget),
                             qPrintable(QStringLiteral("%1/%2: Tab never reaches %3").arg(lesson, window.currentView(), describe(*widget))));
                }
            }
        }
    }
};

QTEST_MAIN(TestAccessibility)
#include "test_accessibility.moc"
