// The themes: each gives every role a colour; its text is readable on its backgrounds (WCAG
// contrast 4.5:1, 7:1 for the high-contrast theme) and its lines stand out from the chart (3:1);
// the run and probe colours stay apart for the common colour-vision deficiencies (simulated with
// Machado, Oliveira and Fernandes' matrices at full severity, told apart by a CIE Lab distance of
// at least 15); and a change of theme reaches the widgets, the stylesheet and the charts at once,
// with each line taking the colour of the same role, once however many palette events arrive.
#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>
#include <array>
#include <cmath>
#include <qcustomplot.h>

#include "app/main_window.hpp"
#include "app/theme.hpp"
#include "resources/resources.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/view_palette.hpp"

using namespace pretrainlab;

namespace {

double linear(double channel) {
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

std::array<double, 3> linearRgb(const QColor& colour) {
    return {linear(colour.redF()), linear(colour.greenF()), linear(colour.blueF())};
}

double luminance(const QColor& colour) {
    const auto [r, g, b] = linearRgb(colour);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

double contrast(const QColor& a, const QColor& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// A translucent colour as it shows over `background`.
QColor over(const QColor& colour, const QColor& background) {
    const double a = colour.alphaF();
    return QColor::fromRgbF(float(a * colour.redF() + (1 - a) * background.redF()),
                            float(a * colour.greenF() + (1 - a) * background.greenF()),
                            float(a * colour.blueF() + (1 - a) * background.blueF()));
}

using Matrix = std::array<std::array<double, 3>, 3>;
const Matrix normal{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
const Matrix protanopia{{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}};
const Matrix deuteranopia{{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}};
const Matrix tritanopia{{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}};

// CIE L*a*b* (D65) of the colour as seen with `vision`.
std::array<double, 3> lab(const QColor& colour, const Matrix& vision) {
    const std::array<double, 3> rgb = linearRgb(colour);
    std::array<double, 3> seen{};
    for (int i = 0; i < 3; ++i)
        seen[i] = std::clamp(vision[i][0] * rgb[0] + vision[i][1] * rgb[1] + vision[i][2] * rgb[2], 0.0, 1.0);
    const double x = (0.4124 * seen[0] + 0.3576 * seen[1] + 0.1805 * seen[2]) / 0.95047;
    const double y = 0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2];
    const double z = (0.0193 * seen[0] + 0.1192 * seen[1] + 0.9505 * seen[2]) / 1.08883;
    const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

widgets::ViewPalette paletteOf(const QString& theme) {
    return widgets::ViewPalette::fromJson(resources::readJson(QStringLiteral(":/theme/%1.json").arg(theme)));
}

QColor role(const QString& theme, const char* name) {
    return QColor::fromString(resources::readJson(QStringLiteral(":/theme/%1.json").arg(theme)).value(QLatin1String(name)).toString());
}

// What the chart paints where nothing is drawn.
QColor backgroundOf(QCustomPlot& plot) { return plot.toPixmap(120, 90).toImage().pixelColor(1, 1); }

}  // namespace

class TestThemes : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PretrainLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_themes"));
        QSettings().clear();
    }
    void cleanup() { app::applyTheme(*qApp, app::defaultTextPointSize, QStringLiteral("light")); }

    void everyThemeGivesEveryRole() {
        const QStringList roles = resources::readJson(QStringLiteral(":/theme/light.json")).keys();
        for (const QString& theme : app::themeNames()) {
            QCOMPARE(resources::readJson(QStringLiteral(":/theme/%1.json").arg(theme)).keys(), roles);
            paletteOf(theme);  // throws on a role without a colour
        }
        QCOMPARE(app::themeNames(), (QStringList{"light", "dark", "contrast"}));
    }

    void textIsReadableOnItsBackgrounds() {
        const std::pair<const char*, const char*> pairs[] = {
            {"text", "base"}, {"text", "window"}, {"text", "alternateBase"}, {"text", "button"}, {"text", "header"},
            {"text", "tooltip"}, {"mutedText", "base"}, {"mutedText", "window"}, {"title", "window"},
            {"placeholder", "base"}, {"groupTitle", "base"}, {"accentText", "accent"}, {"navigationText", "navigation"},
            {"navigationSelectedText", "navigationSelected"}, {"noteText", "noteBackground"},
            {"problemText", "problemBackground"}, {"errorText", "window"}, {"chipText", "chipPlain"},
            {"chipText", "chipPrompt"}, {"chipText", "chipNew"}, {"chipText", "chipNewest"}, {"chipText", "chipLoss"},
            {"text", "nextPair"}, {"text", "tiedPair"}, {"text", "latestRule"}, {"text", "correctFill"},
            {"text", "guessFill"}, {"text", "byteFill"}, {"text", "symbolFill"}};
        for (const QString& theme : app::themeNames()) {
            const QColor base = role(theme, "base");
            const double least = theme == QLatin1String("contrast") ? 7.0 : 4.5;
            for (const auto& [text, background] : pairs) {
                const double ratio = contrast(role(theme, text), over(role(theme, background), base));
                QVERIFY2(ratio >= (std::string_view(text) == "text" || std::string_view(background) == "base" ? least : 4.5),
                         qPrintable(QStringLiteral("%1: %2 on %3 is %4:1").arg(theme, text, background).arg(ratio, 0, 'f', 2)));
            }
            const widgets::ViewPalette palette = paletteOf(theme);
            // The weights' numbers on the heatmap's ends, and every line on the chart's background.
            QVERIFY(contrast(palette.heatmapDarkText, palette.heatmap.front()) >= 4.5);
            QVERIFY(contrast(palette.heatmapLightText, palette.heatmap.back()) >= 4.5);
            for (const auto* colours : {&palette.series, &palette.categories})
                for (const QColor& line : *colours)
                    QVERIFY2(contrast(line, palette.base) >= 3.0,
                             qPrintable(QStringLiteral("%1: %2 on the chart is %3:1").arg(theme, line.name()).arg(contrast(line, palette.base), 0, 'f', 2)));
        }
    }

    void runAndProbeColoursStayApartForColourBlindness() {
        const std::pair<const char*, const Matrix*> visions[] = {
            {"normal", &normal}, {"protanopia", &protanopia}, {"deuteranopia", &deuteranopia}, {"tritanopia", &tritanopia}};
        for (const QString& theme : app::themeNames()) {
            const widgets::ViewPalette palette = paletteOf(theme);
            for (const auto& [name, colours] : {std::pair{"series", &palette.series}, std::pair{"categories", &palette.categories}}) {
                QVERIFY(colours->size() >= (std::string_view(name) == "series" ? 8u : 5u));
                for (const auto& [vision, matrix] : visions) {
                    for (std::size_t i = 0; i < colours->size(); ++i) {
                        for (std::size_t j = i + 1; j < colours->size(); ++j) {
                            const auto a = lab((*colours)[i], *matrix), b = lab((*colours)[j], *matrix);
                            const double distance = std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
                            QVERIFY2(distance >= 15.0, qPrintable(QStringLiteral("%1 %2 with %3: %4 and %5 are %6 apart")
                                                                      .arg(theme, name, vision, (*colours)[i].name(), (*colours)[j].name())
                                                                      .arg(distance, 0, 'f', 1)));
                        }
                    }
                }
            }
        }
    }

    // A colour names its role: within a theme no two remapped roles (and no two series colours)
    // share a colour, and the categories are the first series, so a change of theme can give
    // every line, label and fill its counterpart without guessing.
    void aColourNamesItsRoleInEveryTheme() {
        for (const QString& theme : app::themeNames()) {
            const widgets::ViewPalette palette = paletteOf(theme);
            QCOMPARE(std::vector<QColor>(palette.series.begin(), palette.series.begin() + std::ptrdiff_t(palette.categories.size())),
                     palette.categories);
            QHash<QRgb, QString> seen;
            const auto claim = [&](const QColor& colour, const QString& role) {
                QVERIFY2(!seen.contains(colour.rgb()), qPrintable(QStringLiteral("%1: %2 and %3 are both %4")
                                                                      .arg(theme, seen.value(colour.rgb()), role, colour.name())));
                seen.insert(colour.rgb(), role);
            };
            for (std::size_t i = 0; i < palette.series.size(); ++i) claim(palette.series[i], QStringLiteral("series %1").arg(i));
            int index = 0;
            for (QColor widgets::ViewPalette::*role : widgets::ViewPalette::remappedRoles)
                claim(palette.*role, QStringLiteral("role %1").arg(index++));
        }
        // Every pair of themes maps each role to its own colour and back.
        for (const QString& from : app::themeNames()) {
            for (const QString& to : app::themeNames()) {
                const widgets::ViewPalette a = paletteOf(from), b = paletteOf(to);
                for (QColor widgets::ViewPalette::*role : widgets::ViewPalette::remappedRoles) {
                    QCOMPARE(b.counterpart(a.*role, a), b.*role);
                    QCOMPARE(a.counterpart(b.counterpart(a.*role, a), b), a.*role);
                }
                QColor faint = a.seriesColour(3);
                faint.setAlpha(60);
                QCOMPARE(b.counterpart(faint, a).rgb(), b.seriesColour(3).rgb());
                QCOMPARE(b.counterpart(faint, a).alpha(), 60);
            }
        }
    }

    void aChangeOfThemeReachesTheChartsOnce() {
        const widgets::ViewPalette light = paletteOf(QStringLiteral("light"));
        const widgets::ViewPalette dark = paletteOf(QStringLiteral("dark"));
        widgets::LiveChart chart(QStringLiteral("loss"), QStringLiteral("loss"), {});
        const int run = chart.addSeries(QStringLiteral("Run 2"), light.seriesColour(1));
        chart.appendPoints(run, {0.0, 1.0}, {2.0, 1.0});
        chart.show();
        auto* plot = chart.findChild<QCustomPlot*>();
        QVERIFY(plot);
        QCOMPARE(backgroundOf(*plot), light.base);

        app::applyTheme(*qApp, app::defaultTextPointSize, QStringLiteral("dark"));
        QCOMPARE(app::currentTheme(), QStringLiteral("dark"));
        QCOMPARE(qApp->palette().color(QPalette::Window), role(QStringLiteral("dark"), "window"));
        QVERIFY(!qApp->styleSheet().contains(QLatin1Char('@')));
        QCOMPARE(backgroundOf(*plot), dark.base);
        QCOMPARE(plot->xAxis->tickLabelColor(), dark.text);
        QCOMPARE(plot->graph(plot->graphCount() - 1)->pen().color(), dark.seriesColour(1));
        // Another palette event (a new text size) remaps nothing again.
        app::applyTheme(*qApp, 20.0);
        QEvent again(QEvent::PaletteChange);
        QApplication::sendEvent(&chart, &again);
        QCOMPARE(plot->graph(plot->graphCount() - 1)->pen().color(), dark.seriesColour(1));
        // And back: the same role, the light colour.
        app::applyTheme(*qApp, app::defaultTextPointSize, QStringLiteral("light"));
        QCOMPARE(plot->graph(plot->graphCount() - 1)->pen().color(), light.seriesColour(1));
        QCOMPARE(backgroundOf(*plot), light.base);
    }

    void theWindowChangesThemeAndRemembersIt() {
        {
            app::MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.setTheme(QStringLiteral("contrast"));
            QCOMPARE(qApp->palette().color(QPalette::Base), role(QStringLiteral("contrast"), "base"));
            for (QCustomPlot* plot : window.findChildren<QCustomPlot*>())
                QCOMPARE(backgroundOf(*plot), role(QStringLiteral("contrast"), "base"));
            window.setTheme(QStringLiteral("no such theme"));  // an unknown name is the light theme
            QCOMPARE(app::currentTheme(), QStringLiteral("light"));
            window.setTheme(QStringLiteral("dark"));
            window.saveSettings();
        }
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), QStringLiteral("dark"));
    }
};

QTEST_MAIN(TestThemes)
#include "test_themes.moc"
