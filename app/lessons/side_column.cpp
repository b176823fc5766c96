#include "app/lessons/side_column.hpp"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include "app/lessons/token_html.hpp"

namespace pretrainlab::app {

SideColumn::SideColumn(const QString& intro, std::initializer_list<QWidget*> widgets, double ems) : ems_(ems) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (!intro.isEmpty()) layout->addWidget(wrappedLabel(intro, true));
    for (QWidget* widget : widgets) layout->addWidget(widget);
    layout->addStretch(1);
    fit();
}

namespace {

// Turns a tab's row (side column, views) into a column and back as the tab's width changes.
class Reflow : public QObject {
public:
    Reflow(QWidget* tab, QBoxLayout* layout, SideColumn* side) : QObject(tab), layout_(layout), side_(side) {
        tab->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Resize || event->type() == QEvent::FontChange) {
            const auto* tab = static_cast<QWidget*>(watched);
            // Beside while the column takes at most about two fifths of the tab.
            const bool stack = tab->width() < int(side_->ems() * tab->fontMetrics().averageCharWidth() * 2.5);
            if (stack != side_->isStacked()) {
                side_->setStacked(stack);
                layout_->setDirection(stack ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
            }
        }
        return false;
    }

private:
    QBoxLayout* layout_;
    SideColumn* side_;
};

}  // namespace

void placeBeside(QWidget* tab, SideColumn* side, QLayout* views) {
    auto* layout = new QBoxLayout(QBoxLayout::LeftToRight, tab);
    layout->addWidget(side);
    layout->addLayout(views, 1);
    new Reflow(tab, layout, side);
}

void SideColumn::setStacked(bool stacked) {
    stacked_ = stacked;
    fit();
}

QWidget* asWidget(QLayout* layout) {
    auto* widget = new QWidget;
    layout->setContentsMargins(0, 0, 0, 0);
    widget->setLayout(layout);
    return widget;
}

QWidget* scrolledTab(QWidget* view) {
    auto* area = new QScrollArea;
    area->setWidget(view);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

void SideColumn::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) fit();
    QWidget::changeEvent(event);
}

void SideColumn::fit() { setMaximumWidth(stacked_ ? QWIDGETSIZE_MAX : int(ems_ * fontMetrics().averageCharWidth())); }

}  // namespace pretrainlab::app
