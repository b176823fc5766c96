#pragma once

class QCustomPlot;

namespace pretrainlab::widgets {

struct ViewPalette;

// Gives a chart the theme's look: its background, axes, tick labels, grid and legend. With `from`
// (the palette before a change of theme), every line, fill, marker and label already drawn in one
// of `from`'s colours takes its counterpart in the palette now in use.
void applyPlotPalette(QCustomPlot& plot, const ViewPalette* from = nullptr);

// For a chart's construction and its palette events: applies the palette in use, remapping the
// chart's colours when the theme changed since `seen` (the chart's own count of the changes it
// has taken, from 0), once per change however many events arrive. True when it remapped.
bool followTheme(QCustomPlot& plot, int& seen);

}  // namespace pretrainlab::widgets
