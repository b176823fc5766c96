#include "widgets/plot_palette.hpp"

#include <qcustomplot.h>

#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {
namespace {

QPen remapped(QPen pen, const ViewPalette& now, const ViewPalette& from) {
    pen.setColor(now.counterpart(pen.color(), from));
    return pen;
}

QBrush remapped(QBrush brush, const ViewPalette& now, const ViewPalette& from) {
    if (brush.style() != Qt::NoBrush) brush.setColor(now.counterpart(brush.color(), from));
    return brush;
}

void remapDrawing(QCustomPlot& plot, const ViewPalette& now, const ViewPalette& from) {
    for (int i = 0; i < plot.plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = plot.plottable(i);
        plottable->setPen(remapped(plottable->pen(), now, from));
        plottable->setBrush(remapped(plottable->brush(), now, from));
        if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
            QCPScatterStyle style = graph->scatterStyle();
            style.setPen(remapped(style.pen(), now, from));
            style.setBrush(remapped(style.brush(), now, from));
            graph->setScatterStyle(style);
        }
    }
    for (int i = 0; i < plot.itemCount(); ++i) {
        QCPAbstractItem* item = plot.item(i);
        if (auto* line = qobject_cast<QCPItemStraightLine*>(item)) {
            line->setPen(remapped(line->pen(), now, from));
        } else if (auto* segment = qobject_cast<QCPItemLine*>(item)) {
            segment->setPen(remapped(segment->pen(), now, from));
        } else if (auto* text = qobject_cast<QCPItemText*>(item)) {
            text->setColor(now.counterpart(text->color(), from));
            text->setPen(remapped(text->pen(), now, from));
            text->setBrush(remapped(text->brush(), now, from));
        } else if (auto* rect = qobject_cast<QCPItemRect*>(item)) {
            rect->setPen(remapped(rect->pen(), now, from));
            rect->setBrush(remapped(rect->brush(), now, from));
        } else if (auto* tracer = qobject_cast<QCPItemTracer*>(item)) {
            tracer->setPen(remapped(tracer->pen(), now, from));
            tracer->setBrush(remapped(tracer->brush(), now, from));
        }
    }
}

}  // namespace

void applyPlotPalette(QCustomPlot& plot, const ViewPalette* from) {
    const ViewPalette& palette = viewPalette();
    plot.setBackground(QBrush(palette.base));
    for (QCPAxisRect* rect : plot.axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            axis->setBasePen(QPen(palette.text, 1));
            axis->setTickPen(QPen(palette.text, 1));
            axis->setSubTickPen(QPen(palette.mutedText, 1));
            axis->setTickLabelColor(palette.text);
            axis->setLabelColor(palette.text);
            QColor grid = palette.gridLine;  // faint: the curves matter, not the grid
            grid.setAlpha(110);
            axis->grid()->setPen(QPen(grid, 0, Qt::DotLine));
            axis->grid()->setSubGridPen(QPen(grid, 0, Qt::DotLine));
            axis->grid()->setZeroLinePen(QPen(grid, 0, Qt::SolidLine));
        }
    }
    if (QCPLegend* legend = plot.legend) {
        legend->setBrush(QBrush(palette.legendBackground));
        legend->setBorderPen(QPen(palette.legendBorder));
        legend->setTextColor(palette.text);
        for (int i = 0; i < legend->itemCount(); ++i)
            if (QCPAbstractLegendItem* item = legend->item(i)) item->setTextColor(palette.text);
    }
    if (from) remapDrawing(plot, palette, *from);
}

bool followTheme(QCustomPlot& plot, int& seen) {
    const bool changed = themeChangedSince(seen);
    applyPlotPalette(plot, changed ? &previousViewPalette() : nullptr);
    return changed;
}

}  // namespace pretrainlab::widgets
