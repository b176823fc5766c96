#include "widgets/scatter_plot.hpp"

#include <qcustomplot.h>

#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {

ScatterPlot::ScatterPlot(QWidget* parent) : TitledPlot(0.75, parent) {
    plot_->setMinimumSize(120, 120);
    plot_->legend->setVisible(true);
    plot_->xAxis->ticker()->setTickCount(3);
    plot_->yAxis->ticker()->setTickCount(3);
}

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

}  // namespace pretrainlab::widgets
