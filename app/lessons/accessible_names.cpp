#include "app/lessons/accessible_names.hpp"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTabBar>
#include <QTabWidget>
#include <QTextEdit>
#include <QTextDocument>
#include <QWidget>
#include <functional>

namespace pretrainlab::app {
namespace {

// A label's words without mnemonics, markup or a trailing colon.
QString words(QString text) {
    if (Qt::mightBeRichText(text)) {
        QTextDocument document;
        document.setHtml(text);
        text = document.toPlainText();
    }
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    text = text.simplified();
    while (text.endsWith(QLatin1Char(':'))) text.chop(1);
    return text;
}

QString firstPhrase(const QString& tooltip) {
    QString plain = words(tooltip);
    const qsizetype end = plain.indexOf(QRegularExpression(QStringLiteral("[.:;(]")));
    if (end > 0) plain = plain.left(end);
    return plain.left(60).trimmed();
}

// The item just before `widget` in the layout that holds it, if it is a label with words.
QLabel* labelBefore(QWidget& widget) {
    QWidget* parent = widget.parentWidget();
    if (!parent || !parent->layout()) return nullptr;
    // The layout (possibly nested) that holds the widget.
    std::function<QLayout*(QLayout*)> holder = [&](QLayout* layout) -> QLayout* {
        for (int i = 0; i < layout->count(); ++i) {
            QLayoutItem* item = layout->itemAt(i);
            if (item->widget() == &widget) return layout;
            if (item->layout())
                if (QLayout* inner = holder(item->layout())) return inner;
        }
        return nullptr;
    };
    QLayout* layout = holder(parent->layout());
    if (!layout) return nullptr;
    const int index = layout->indexOf(&widget);
    for (int i = index - 1; i >= 0; --i) {
        QWidget* before = layout->itemAt(i)->widget();
        if (!before) continue;
        auto* label = qobject_cast<QLabel*>(before);
        return label && !words(label->text()).isEmpty() && !label->buddy() ? label : nullptr;
    }
    return nullptr;
}

}  // namespace

bool isNamedControl(const QWidget& widget) {
    if (widget.focusPolicy() == Qt::NoFocus) return false;
    if (qobject_cast<const QTabBar*>(&widget) || qobject_cast<const QTabWidget*>(&widget)) return false;
    if (qobject_cast<const QLabel*>(&widget)) return false;  // read by its own text
    if (widget.objectName().startsWith(QLatin1String("qt_"))) return false;  // Qt's own parts
    if (qobject_cast<const QAbstractScrollArea*>(&widget) && widget.inherits("QScrollArea")) return false;
    if (widget.inherits("QComboBoxListView") || widget.inherits("QComboBoxPrivateContainer")) return false;
    for (const QWidget* w = widget.parentWidget(); w; w = w->parentWidget()) {
        if (qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QComboBox*>(w)) return false;  // inside a control
    }
    return true;
}

bool hasAccessibleName(const QWidget& widget) {
    if (!widget.accessibleName().isEmpty()) return true;
    if (const auto* button = qobject_cast<const QAbstractButton*>(&widget); button && !words(button->text()).isEmpty()) return true;
    return false;
}

void letTabMoveOn(QWidget& root) {
    for (QPlainTextEdit* text : root.findChildren<QPlainTextEdit*>()) text->setTabChangesFocus(true);
    for (QTextEdit* text : root.findChildren<QTextEdit*>()) text->setTabChangesFocus(true);
    for (QAbstractItemView* view : root.findChildren<QAbstractItemView*>()) view->setTabKeyNavigation(false);
}

int nameControls(QWidget& root) {
    // Labels with buddies name their buddies.
    for (QLabel* label : root.findChildren<QLabel*>()) {
        if (QWidget* buddy = label->buddy(); buddy && buddy->accessibleName().isEmpty() && !words(label->text()).isEmpty())
            buddy->setAccessibleName(words(label->text()));
    }
    int unnamed = 0;
    for (QWidget* widget : root.findChildren<QWidget*>()) {
        if (!isNamedControl(*widget) || hasAccessibleName(*widget)) continue;
        if (QLabel* label = labelBefore(*widget)) {
            widget->setAccessibleName(words(label->text()));
            label->setBuddy(widget);
        } else if (const QString phrase = firstPhrase(widget->toolTip()); !phrase.isEmpty()) {
            widget->setAccessibleName(phrase);
        } else if (widget->parentWidget() && !widget->parentWidget()->accessibleName().isEmpty()) {
            widget->setAccessibleName(widget->parentWidget()->accessibleName());  // a chart inside its titled frame
        } else if (const auto* box = qobject_cast<const QGroupBox*>(widget->parentWidget()); box && !box->title().isEmpty()) {
            widget->setAccessibleName(words(box->title()));
        } else {
            ++unnamed;
        }
    }
    return unnamed;
}

}  // namespace pretrainlab::app
