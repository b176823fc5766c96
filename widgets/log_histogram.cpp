#include "widgets/log_histogram.hpp"

#include <qcustomplot.h>

#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {

LogHistogram::LogHistogram(QWidget* parent) : TitledPlot(0.8, parent) {
    plot_->setMinimumSize(160, 120);
    plot_->xAxis->setLabel(tr("log₂ |value|"));
    plot_->yAxis->setLabel(tr("values"));
}

void LogHistogram::setBins(int low, const std::vector<double>& counts) {
    plot_->clearPlottables();
    auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
    const ViewPalette& palette = viewPalette();
    bars->setPen(QPen(palette.barFill.darker(130)));
    bars->setBrush(palette.barFill);
    bars->setWidth(0.9);
    QVector<double> keys, values;
    double top = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        keys << low + double(i) + 0.5;
        values << counts[i];
        top = std::max(top, counts[i]);
    }
    bars->setData(keys, values);
    plot_->xAxis->setRange(low, low + double(counts.size()));
    plot_->yAxis->setRange(0, top > 0 ? top * 1.25 : 1);
    plot_->replot();
}

void LogHistogram::setMarkers(const std::vector<Marker>& markers, double lostBelow, double lostAbove) {
    plot_->clearItems();
    const ViewPalette& palette = viewPalette();
    const auto shade = [&](double from, double to) {
        auto* rect = new QCPItemRect(plot_);
        rect->topLeft->setTypeX(QCPItemPosition::ptPlotCoords);
        rect->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        rect->bottomRight->setTypeX(QCPItemPosition::ptPlotCoords);
        rect->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        rect->topLeft->setCoords(from, 0);
        rect->bottomRight->setCoords(to, 1);
        QColor fill = palette.errorText;
        fill.setAlpha(40);
        rect->setBrush(fill);
        rect->setPen(Qt::NoPen);
    };
    shade(-1e4, lostBelow);
    shade(lostAbove, 1e4);
    int row = 0;
    for (const Marker& m : markers) {
        auto* line = new QCPItemStraightLine(plot_);
        line->point1->setCoords(m.exponent, 0);
        line->point2->setCoords(m.exponent, 1);
        line->setPen(QPen(palette.threshold, 2, Qt::DashLine));
        auto* text = new QCPItemText(plot_);
        text->position->setTypeX(QCPItemPosition::ptPlotCoords);
        text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        text->position->setCoords(m.exponent, 0.04 + 0.09 * (row++ % 3));
        const bool right = m.exponent > plot_->xAxis->range().center();
        text->setPositionAlignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
        text->setText(right ? m.label + QStringLiteral(" ") : QStringLiteral(" ") + m.label);
        text->setColor(palette.text);
        QFont font = this->font();
        font.setPointSizeF(font.pointSizeF() * 0.75);
        text->setFont(font);
        text->setBrush(palette.callout);
    }
    plot_->replot();
}

}  // namespace pretrainlab::widgets
