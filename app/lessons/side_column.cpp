#include "app/lessons/side_column.hpp"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include "app/lessons/token_html.hpp"
#include "widgets/row_reflow.hpp"

namespace pretrainlab::app {

SideColumn::SideColumn(const QString& intro, std::initializer_list<QWidget*> widgets, double ems) : ems_(ems) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (!intro.isEmpty()) layout->addWidget(wrappedLabel(intro, true));
    for (QWidget* widget : widgets) layout->addWidget(widget);
    layout->addStretch(1);
    fit();
}

void placeBeside(QWidget* tab, SideColumn* side, QLayout* views) {
    auto* layout = new QBoxLayout(QBoxLayout::LeftToRight, tab);
    layout->addWidget(side);
    layout->addLayout(views, 1);
    // The column beside the views while it takes at most about two fifths of the room, else above.
    widgets::watchRoom(tab, [tab, layout, side] {
        const bool stack = widgets::roomFor(tab) < int(side->ems() * tab->fontMetrics().averageCharWidth() * 2.5);
        if (stack != side->isStacked()) {
            side->setStacked(stack);
            layout->setDirection(stack ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
        }
    });
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
