#pragma once

// The colours the views draw with, by role: one palette for the whole app, read from the theme
// (resources/theme/*.json) and set by the app once. Views read it when they paint, so a new theme
// shows at the next repaint.

#include <QColor>
#include <QJsonObject>
#include <QString>
#include <vector>

namespace pretrainlab::widgets {

struct ViewPalette {
    QColor text, mutedText, base, accent, errorText;
    QColor gridLine;        // thin lines between cells and around empty ones
    QColor separator;       // between rows of a panel
    QColor outline;         // the selected cell or thumbnail
    QColor wash;            // laid over what is not in focus (translucent)
    QColor pathEdge;        // the edge under a drawn path, so it reads on any shade (translucent)
    QColor legendBackground, legendBorder;
    QColor marker;          // "you are here" on a chart
    QColor callout;         // a note's background on a chart
    QColor planned;         // a plan drawn under what happened
    QColor chipText, chipPlain, chipPrompt, chipNew, chipNewest, chipLoss;  // tokens in running text
    QColor chipPale, chipPaleBorder;  // a token that is not in the vocabulary
    QColor highlight;                 // the row or pair in focus
    QColor maskAllowed, maskHidden, maskHatch, cellLine;  // attention masks
    QColor byteFill, byteBorder, symbolFill, symbolBorder;  // UTF-8 bytes and GPT-2's symbols
    QColor nextPair, tiedPair, latestRule;                  // the merge tables
    QColor correctFill, correctBorder, guessFill, guessBorder;  // a probe's answers
    QColor barFill, barMarked, threshold;                       // score bars
    std::vector<QColor> heatmap;       // attention weights, low to high
    std::vector<double> heatmapStops;  // where each colour sits in 0..1
    QColor heatmapDarkText, heatmapLightText;
    std::vector<QColor> series;      // runs: one colour each, in every chart
    std::vector<QColor> categories;  // the probe categories

    // From a theme's JSON (role -> "#rrggbb" or "#aarrggbb"). A role the theme lacks is an error
    // naming it (std::invalid_argument).
    static ViewPalette fromJson(const QJsonObject& theme);
    QColor seriesColour(int index) const;
    // A weight in 0..1 on the heatmap's scale.
    QColor heat(float value) const;
    // After a change of theme: the colour in this palette with the role `colour` had in `from`
    // (a run's series colour, a category, the accent, ...), keeping its transparency; a colour
    // with no role in `from` stays as it is.
    QColor counterpart(const QColor& colour, const ViewPalette& from) const;
    // The roles counterpart looks a colour up in, besides the series and the categories: within a
    // theme they and those lists hold no colour twice, so a colour names its role.
    static const std::vector<QColor ViewPalette::*> remappedRoles;
};

// The palette in use: the light theme until the app sets another.
const ViewPalette& viewPalette();
void setViewPalette(ViewPalette palette);
// The palette before the last change of theme: views that keep colours remap them from it (see
// counterpart).
const ViewPalette& previousViewPalette();
// True once for each change of theme since `seen` (a view's own counter, starting at 0): a view
// remaps its colours once per change however many palette events reach it.
bool themeChangedSince(int& seen);

}  // namespace pretrainlab::widgets
