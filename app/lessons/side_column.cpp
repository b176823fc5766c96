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

void placeBeside(QWidget* tab, SideColumn* side, QLayout* views) {
    auto* layout = new QHBoxLayout(tab);
    layout->addWidget(side);
    layout->addLayout(views, 1);
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

void SideColumn::fit() { setMaximumWidth(int(ems_ * fontMetrics().averageCharWidth())); }

}  // namespace pretrainlab::app
