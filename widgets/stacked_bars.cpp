#include "widgets/stacked_bars.hpp"

#include <QSharedPointer>
#include <qcustomplot.h>

#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {

StackedBars::StackedBars(QWidget* parent) : TitledPlot(0.8, parent) {
    plot_->setMinimumSize(160, 140);
    plot_->legend->setVisible(true);
    // The legend beside the bars, not over them.
    plot_->plotLayout()->addElement(0, 1, plot_->legend);
    plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
}

void StackedBars::setBars(const QStringList& categories, const QStringList& parts,
                          const std::vector<std::vector<double>>& values, const QString& unit) {
    plot_->clearPlottables();
    const ViewPalette& palette = viewPalette();
    plot_->legend->setBrush(palette.legendBackground);
    plot_->legend->setBorderPen(QPen(palette.legendBorder));
    plot_->legend->setTextColor(palette.text);
    QVector<double> ticks;
    for (int i = 0; i < categories.size(); ++i) ticks << i + 1;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTicks(ticks, QVector<QString>(categories.begin(), categories.end()));
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(0.4, categories.size() + 0.6);
    plot_->yAxis->setLabel(unit);
    QCPBars* below = nullptr;
    double top = 0;
    std::vector<double> heights(std::size_t(categories.size()), 0.0);
    for (int p = 0; p < parts.size(); ++p) {
        auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setName(parts[p]);
        const QColor colour = palette.seriesColour(p);
        bars->setPen(QPen(colour.darker(130)));
        bars->setBrush(colour);
        bars->setWidth(0.6);
        if (below) bars->moveAbove(below);
        QVector<double> data;
        for (int c = 0; c < categories.size(); ++c) {
            const double v = values.at(std::size_t(p)).at(std::size_t(c));
            data << v;
            heights[std::size_t(c)] += v;
        }
        bars->setData(ticks, data);
        below = bars;
    }
    for (const double h : heights) top = std::max(top, h);
    plot_->yAxis->setRange(0, top > 0 ? top * 1.15 : 1);
    plot_->replot();
}

}  // namespace pretrainlab::widgets
