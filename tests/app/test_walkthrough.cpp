// A lecturer's walk through every lesson on a 1280×720 projector, driven by the keyboard (Ctrl+1..5
// for the lessons, Ctrl+Tab for their tabs), at the default and the largest text size. At every
// stop the window is no wider than the screen and nothing a student reads is cut: no button whose
// text is wider than the button, no one-line label wider than its room, no wrapped label shorter
// than its lines, no number in the merge tables narrower than its column.
#include <QAbstractButton>
#include <QAbstractScrollArea>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocument>
#include <QtTest>

#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/attention/generation_tab.hpp"
#include "app/lessons/attention/zero_shot_tab.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/lessons/tokenization/lesson_state.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"
#include "widgets/score_bars.hpp"

using namespace pretrainlab;

namespace {

bool shownOnScreen(const QWidget* widget) {
    return widget->isVisible() && widget->width() > 0 && widget->height() > 0;
}

// A widget inside a scroll area that never scrolls sideways must end inside its viewport, or its
// right part is cut off for good.
QString cutBySideways(const QWidget* widget) {
    for (const QWidget* w = widget->parentWidget(); w; w = w->parentWidget()) {
        const auto* area = qobject_cast<const QAbstractScrollArea*>(w);
        if (!area || area->horizontalScrollBarPolicy() != Qt::ScrollBarAlwaysOff) continue;
        const int right = widget->mapTo(area->viewport(), QPoint(widget->width(), 0)).x();
        if (right > area->viewport()->width() + 2)
            return QStringLiteral("ends at %1 px in a %2 px wide area that does not scroll sideways")
                .arg(right)
                .arg(area->viewport()->width());
        break;
    }
    return {};
}

QString pathOf(const QWidget* widget) {
    QStringList names;
    for (const QWidget* w = widget; w; w = w->parentWidget()) {
        if (!w->objectName().isEmpty()) names.prepend(w->objectName());
        if (names.size() == 3) break;
    }
    return names.join(QLatin1Char('/'));
}

// Every visible text in the window that is cut, as "where: what".
QStringList clippedTexts(QWidget& window) {
    QStringList problems;
    for (const QAbstractButton* button : window.findChildren<QAbstractButton*>()) {
        if (!shownOnScreen(button) || button->text().isEmpty()) continue;
        QString text = button->text();
        text.remove(QLatin1Char('&'));
        const int needed = button->fontMetrics().horizontalAdvance(text) + (button->icon().isNull() ? 0 : 16);
        if (needed > button->width())
            problems << QStringLiteral("button %1 “%2”: %3 px of text in %4 px").arg(pathOf(button), text).arg(needed).arg(button->width());
    }
    for (const QLabel* label : window.findChildren<QLabel*>()) {
        if (!shownOnScreen(label) || label->text().isEmpty() || !label->pixmap().isNull()) continue;
        if (label->parentWidget() && label->parentWidget()->inherits("QToolTip")) continue;
        const QMargins margins = label->contentsMargins();
        const int width = label->width() - margins.left() - margins.right() - 2 * label->margin() - 2 * label->indent();
        if (label->wordWrap()) {
            const int needed = label->heightForWidth(label->width());
            if (needed > label->height() + 2)
                problems << QStringLiteral("label %1 “%2”: %3 px of lines in %4 px")
                                .arg(pathOf(label), label->text().left(60))
                                .arg(needed)
                                .arg(label->height());
            continue;
        }
        int needed = 0;
        if (Qt::mightBeRichText(label->text()) || label->textFormat() == Qt::RichText) {
            QTextDocument document;
            document.setDefaultFont(label->font());
            document.setDocumentMargin(0);
            document.setHtml(label->text());
            needed = int(document.idealWidth());
        } else {
            QString text = label->text();
            if (label->buddy()) text.replace(QRegularExpression(QStringLiteral("&(.)")), QStringLiteral("\\1"));
            for (const QString& line : text.split(QLatin1Char('\n')))
                needed = std::max(needed, label->fontMetrics().horizontalAdvance(line));
        }
        if (needed > width + 2)
            problems << QStringLiteral("label %1 “%2”: %3 px of text in %4 px").arg(pathOf(label), label->text().left(60)).arg(needed).arg(width);
    }
    for (const QTableView* table : window.findChildren<QTableView*>()) {
        if (!shownOnScreen(table) || !table->model()) continue;
        const QAbstractItemModel* model = table->model();
        for (int column = 0; column < model->columnCount(); ++column) {
            if (table->horizontalHeader()->sectionResizeMode(column) == QHeaderView::Stretch) continue;  // elides in its middle
            const int width = table->columnWidth(column);
            for (int row = 0; row < std::min(model->rowCount(), 60); ++row) {
                const QString text = model->index(row, column).data().toString();
                if (text.isEmpty()) continue;
                QFont font = table->font();
                if (const QVariant f = model->index(row, column).data(Qt::FontRole); f.isValid()) font = f.value<QFont>();
                const int needed = QFontMetrics(font).horizontalAdvance(text) + 6;
                if (needed > width) {
                    problems << QStringLiteral("table %1 column %2 “%3”: %4 px in %5 px").arg(pathOf(table)).arg(column).arg(text).arg(needed).arg(width);
                    break;
                }
            }
        }
    }
    for (const widgets::ScoreBars* bars : window.findChildren<widgets::ScoreBars*>()) {
        if (!shownOnScreen(bars) || bars->labels().isEmpty()) continue;
        if (bars->heightForWidth(bars->width()) > bars->height() + 2)
            problems << QStringLiteral("bars %1: %2 px of rows in %3 px").arg(pathOf(bars)).arg(bars->heightForWidth(bars->width())).arg(bars->height());
    }
    for (const QWidget* widget : window.findChildren<QWidget*>()) {
        if (!shownOnScreen(widget) || !(qobject_cast<const QAbstractButton*>(widget) || qobject_cast<const QLabel*>(widget) ||
                                        widget->inherits("QComboBox") || widget->inherits("QAbstractSpinBox")))
            continue;
        if (const QString cut = cutBySideways(widget); !cut.isEmpty()) problems << QStringLiteral("%1 %2").arg(pathOf(widget), cut);
    }
    return problems;
}

}  // namespace

class TestWalkthrough : public QObject {
    Q_OBJECT

private:
    // The views with something in them: the shipped tiny models in the attention lesson, a
    // generated continuation, zero-shot scores, and a tokenizer part way through its merges.
    void fill(app::MainWindow& window) {
        auto& shipped = window.finetuningPage()->state();
        app::AttentionPage* attention = window.attentionPage();
        attention->state().setTinyModels(shipped.shipped(nn::Architecture::Encoder), shipped.shipped(nn::Architecture::Decoder));
        attention->findChild<app::GenerationTab*>()->generate(4);
        attention->findChild<app::GenerationTab*>()->fillOneMask();
        attention->findChild<app::ZeroShotTab*>()->score();
        QTRY_VERIFY_WITH_TIMEOUT(!attention->busy(), 30000);
        window.tokenizationPage()->state().step();
        window.tokenizationPage()->state().step();
        window.tokenizationPage()->state().waitForIdle();
    }

    void visitEveryTab(app::MainWindow& window, double size) {
        fill(window);
        QStringList all;
        for (int page = 0; page < app::MainWindow::pageNames().size(); ++page) {
            QTest::keyClick(&window, Qt::Key(Qt::Key_1 + page), Qt::ControlModifier);
            QTest::qWait(100);
            QCOMPARE(window.findChild<QStackedWidget*>()->currentIndex(), page);  // the shortcut took it there
            QWidget* shown = window.findChild<QStackedWidget*>()->currentWidget();
            QTabWidget* tabs = nullptr;
            for (QTabWidget* candidate : shown->findChildren<QTabWidget*>()) {
                if (candidate->isVisible() && candidate->count() > 1) {
                    tabs = candidate;
                    break;
                }
            }
            const int count = tabs ? tabs->count() : 1;
            if (tabs) tabs->setCurrentIndex(0);
            for (int tab = 0; tab < count; ++tab) {
                if (tabs && tab > 0) {
                    // Ctrl+Tab from wherever the keyboard is in the lesson, as a lecturer moves on.
                    QWidget* focus = QApplication::focusWidget();
                    QWidget* target = focus && tabs->isAncestorOf(focus) ? focus : tabs;
                    QTest::keyClick(target, Qt::Key_Tab, Qt::ControlModifier);
                    QCOMPARE(tabs->currentIndex(), tab);
                }
                QTest::qWait(150);
                const QString where = QStringLiteral("%1 pt, %2%3")
                                          .arg(size)
                                          .arg(app::MainWindow::pageNames()[page])
                                          .arg(tabs ? QStringLiteral(" / ") + tabs->tabText(tab) : QString());
                QVERIFY2(window.width() <= 1280 && window.minimumSizeHint().width() <= 1280,
                         qPrintable(QStringLiteral("%1: the window is %2 px wide").arg(where).arg(window.width())));
                const QStringList problems = clippedTexts(window);
                if (!problems.isEmpty()) all << where + QStringLiteral(":\n  ") + problems.join(QStringLiteral("\n  "));
            }
        }
        QVERIFY2(all.isEmpty(), qPrintable(all.join(QLatin1Char('\n'))));
    }

    void walkAt(double size) {
        app::applyTheme(*qApp, size);
        app::MainWindow window;
        window.resize(1280, 720);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        visitEveryTab(window, size);
    }

private slots:
    void atTheDefaultTextSize() { walkAt(app::defaultTextPointSize); }
    void atTheLargestTextSize() { walkAt(app::maximumTextPointSize); }
};

QTEST_MAIN(TestWalkthrough)
#include "test_walkthrough.moc"
