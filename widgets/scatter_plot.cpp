#include "widgets/scatter_plot.hpp"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {

ScatterPlot::ScatterPlot(QWidget* parent) : QWidget(parent) {
    title_ = new QLabel;
    title_->setWordWrap(true);
    title_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    plot_ = new QCustomPlot;
    plot_->setMinimumSize(120, 120);
    plot_->legend->setVisible(true);
    plot_->xAxis->ticker()->setTickCount(3);
    plot_->yAxis->ticker()->setTickCount(3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(title_);
    layout->addWidget(plot_, 1);
    applyFonts();
}

void ScatterPlot::setTitle(const QString& title) { title_->setText(title); }

void ScatterPlot::setAxisLabels(const QString& x, const QString& y) {
    plot_->xAxis->setLabel(x);
    plot_->yAxis->setLabel(y);
}

void ScatterPlot::setPoints(const std::vector<double>& x, const std::vector<double>& y, const std::vector<int>& classOf,
                            const QStringList& classes) {
    plot_->clearGraphs();
    const ViewPalette& palette = viewPalette();
    const QColor legendText = palette.text;
    plot_->legend->setBrush(palette.legendBackground);
    plot_->legend->setBorderPen(QPen(palette.legendBorder));
    plot_->legend->setTextColor(legendText);
    for (int c = 0; c < classes.size(); ++c) {
        QCPGraph* graph = plot_->addGraph();
        graph->setName(classes[c]);
        graph->setLineStyle(QCPGraph::lsNone);
        QColor colour = palette.seriesColour(c);
        graph->setPen(QPen(colour));
        colour.setAlpha(170);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 6));
    }
    points_ = 0;
    for (std::size_t i = 0; i < x.size() && i < y.size() && i < classOf.size(); ++i) {
        if (classOf[i] < 0 || classOf[i] >= classes.size()) continue;
        plot_->graph(classOf[i])->addData(x[i], y[i]);
        ++points_;
    }
    plot_->rescaleAxes();
    plot_->xAxis->scaleRange(1.1);
    plot_->yAxis->scaleRange(1.1);
    plot_->replot();
}

void ScatterPlot::applyFonts() {
    QFont tick = font();
    tick.setPointSizeF(font().pointSizeF() * 0.75);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setTickLabelFont(tick);
        axis->setLabelFont(tick);
    }
    plot_->legend->setFont(tick);
}

void ScatterPlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        applyFonts();
        plot_->replot();
    }
    QWidget::changeEvent(event);
}

}  // namespace pretrainlab::widgets
