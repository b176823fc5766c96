#include "widgets/view_palette.hpp"

#include <QJsonArray>
#include <algorithm>
#include <stdexcept>

#include "resources/resources.hpp"

namespace pretrainlab::widgets {
namespace {

QColor colourOf(const QJsonObject& theme, const char* role) {
    const QColor colour = QColor::fromString(theme.value(QLatin1String(role)).toString());
    if (!colour.isValid()) throw std::invalid_argument(std::string("the theme has no colour for ") + role);
    return colour;
}

std::vector<QColor> coloursOf(const QJsonObject& theme, const char* role) {
    std::vector<QColor> colours;
    for (const QJsonValue& value : theme.value(QLatin1String(role)).toArray()) {
        const QColor colour = QColor::fromString(value.toString());
        if (!colour.isValid()) throw std::invalid_argument(std::string("the theme's ") + role + " holds a non-colour");
        colours.push_back(colour);
    }
    if (colours.empty()) throw std::invalid_argument(std::string("the theme has no colours for ") + role);
    return colours;
}

ViewPalette& current() {
    static ViewPalette palette = ViewPalette::fromJson(resources::readJson(QStringLiteral(":/theme/light.json")));
    return palette;
}

}  // namespace

ViewPalette ViewPalette::fromJson(const QJsonObject& theme) {
    ViewPalette p;
    p.text = colourOf(theme, "text");
    p.mutedText = colourOf(theme, "mutedText");
    p.base = colourOf(theme, "base");
    p.accent = colourOf(theme, "accent");
    p.errorText = colourOf(theme, "errorText");
    p.gridLine = colourOf(theme, "gridLine");
    p.separator = colourOf(theme, "separator");
    p.outline = colourOf(theme, "outline");
    p.wash = colourOf(theme, "wash");
    p.pathEdge = colourOf(theme, "pathEdge");
    p.legendBackground = colourOf(theme, "legendBackground");
    p.legendBorder = colourOf(theme, "legendBorder");
    p.marker = colourOf(theme, "marker");
    p.callout = colourOf(theme, "callout");
    p.planned = colourOf(theme, "planned");
    p.chipText = colourOf(theme, "chipText");
    p.chipPlain = colourOf(theme, "chipPlain");
    p.chipPrompt = colourOf(theme, "chipPrompt");
    p.chipNew = colourOf(theme, "chipNew");
    p.chipNewest = colourOf(theme, "chipNewest");
    p.chipLoss = colourOf(theme, "chipLoss");
    p.chipPale = colourOf(theme, "chipPale");
    p.chipPaleBorder = colourOf(theme, "chipPaleBorder");
    p.highlight = colourOf(theme, "highlight");
    p.maskAllowed = colourOf(theme, "maskAllowed");
    p.maskHidden = colourOf(theme, "maskHidden");
    p.maskHatch = colourOf(theme, "maskHatch");
    p.cellLine = colourOf(theme, "cellLine");
    p.byteFill = colourOf(theme, "byteFill");
    p.byteBorder = colourOf(theme, "byteBorder");
    p.symbolFill = colourOf(theme, "symbolFill");
    p.symbolBorder = colourOf(theme, "symbolBorder");
    p.nextPair = colourOf(theme, "nextPair");
    p.tiedPair = colourOf(theme, "tiedPair");
    p.latestRule = colourOf(theme, "latestRule");
    p.correctFill = colourOf(theme, "correctFill");
    p.correctBorder = colourOf(theme, "correctBorder");
    p.guessFill = colourOf(theme, "guessFill");
    p.guessBorder = colourOf(theme, "guessBorder");
    p.barFill = colourOf(theme, "barFill");
    p.barMarked = colourOf(theme, "barMarked");
    p.threshold = colourOf(theme, "threshold");
    p.heatmap = coloursOf(theme, "heatmap");
    for (const QJsonValue& stop : theme.value(QLatin1String("heatmapStops")).toArray()) p.heatmapStops.push_back(stop.toDouble());
    if (p.heatmapStops.size() != p.heatmap.size()) {
        throw std::invalid_argument("the theme's heatmapStops must give one stop per heatmap colour");
    }
    p.heatmapDarkText = colourOf(theme, "heatmapDarkText");
    p.heatmapLightText = colourOf(theme, "heatmapLightText");
    p.series = coloursOf(theme, "series");
    p.categories = coloursOf(theme, "categories");
    return p;
}

QColor ViewPalette::seriesColour(int index) const {
    return series[static_cast<std::size_t>(std::max(0, index)) % series.size()];
}

QColor ViewPalette::heat(float value) const {
    const double v = std::clamp(double(value), 0.0, 1.0);
    for (std::size_t i = 1; i < heatmap.size(); ++i) {
        if (v <= heatmapStops[i]) {
            const double t = (v - heatmapStops[i - 1]) / (heatmapStops[i] - heatmapStops[i - 1]);
            const QColor& a = heatmap[i - 1];
            const QColor& b = heatmap[i];
            return QColor::fromRgbF(float(a.redF() + t * (b.redF() - a.redF())), float(a.greenF() + t * (b.greenF() - a.greenF())),
                                    float(a.blueF() + t * (b.blueF() - a.blueF())));
        }
    }
    return heatmap.back();
}

QColor ViewPalette::counterpart(const QColor& colour, const ViewPalette& from) const {
    const QRgb rgb = colour.rgb();  // without alpha
    const auto keepAlpha = [&colour](QColor replacement) {
        replacement.setAlpha(colour.alpha());
        return replacement;
    };
    for (std::size_t i = 0; i < from.series.size() && i < series.size(); ++i)
        if (from.series[i].rgb() == rgb) return keepAlpha(series[i]);
    for (std::size_t i = 0; i < from.categories.size() && i < categories.size(); ++i)
        if (from.categories[i].rgb() == rgb) return keepAlpha(categories[i]);
    for (QColor ViewPalette::*role : remappedRoles)
        if ((from.*role).rgb() == rgb) return keepAlpha(this->*role);
    return colour;
}

const std::vector<QColor ViewPalette::*> ViewPalette::remappedRoles = {
    &ViewPalette::text,      &ViewPalette::accent,    &ViewPalette::marker,       &ViewPalette::planned,
    &ViewPalette::mutedText, &ViewPalette::gridLine,  &ViewPalette::threshold,    &ViewPalette::barFill,
    &ViewPalette::barMarked, &ViewPalette::highlight, &ViewPalette::errorText,    &ViewPalette::base,
    &ViewPalette::outline,   &ViewPalette::callout};


namespace {

ViewPalette& previous() {
    static ViewPalette palette = current();
    return palette;
}

int& generation() {
    static int changes = 0;
    return changes;
}

}  // namespace

const ViewPalette& viewPalette() { return current(); }

void setViewPalette(ViewPalette palette) {
    // Setting the same theme again (a new text size) is no change of colours.
    if (palette.base == current().base && palette.text == current().text && palette.series == current().series &&
        palette.accent == current().accent) {
        current() = std::move(palette);
        return;
    }
    previous() = current();
    current() = std::move(palette);
    ++generation();
}

const ViewPalette& previousViewPalette() { return previous(); }

bool themeChangedSince(int& seen) {
    if (seen == generation()) return false;
    seen = generation();
    return true;
}

}  // namespace pretrainlab::widgets
