#include "widgets/titled_plot.hpp"

#include <QEvent>
#include <QLabel>
#include <QTextDocumentFragment>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "widgets/plot_palette.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {

TitledPlot::TitledPlot(double fontScale, QWidget* parent) : QWidget(parent), fontScale_(fontScale) {
    title_ = new QLabel;
    title_->setWordWrap(true);
    title_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    plot_ = new QCustomPlot;
    plot_->setMinimumSize(140, 120);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(title_);
    layout->addWidget(plot_, 1);
    followTheme(*plot_, themeSeen_);
    applyFonts();
}

void TitledPlot::setTitle(const QString& title) {
    title_->setText(title);
    plot_->setAccessibleName(QTextDocumentFragment::fromHtml(title).toPlainText());  // what a screen reader calls the chart
}

void TitledPlot::applyFonts() {
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * fontScale_);
    const QColor text = viewPalette().text;
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setTickLabelFont(small);
        axis->setLabelFont(small);
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
    }
    plot_->legend->setFont(small);
}

void TitledPlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        applyFonts();
        plot_->replot();
    } else if (event->type() == QEvent::PaletteChange) {
        followTheme(*plot_, themeSeen_);
        applyFonts();
        plot_->replot();
    }
    QWidget::changeEvent(event);
}

}  // namespace pretrainlab::widgets
