#pragma once

class QCustomPlot;

namespace pretrainlab::widgets {

struct ViewPalette;

// Gives a chart the theme's look: its background, axes, tick labels, grid and legend. With `from`
// (the palette before a change of theme), every line, fill, marker and label already drawn in one
// of `from`'s colours takes its counterpart in the palette now in use.
void applyPlotPalette(QCustomPlot& plot, const ViewPalette* from = nullptr);

}  // namespace pretrainlab::widgets
