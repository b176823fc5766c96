#include "app/theme.hpp"

#include <QApplication>
#include <QFont>
#include <QJsonObject>
#include <QPalette>
#include <QRegularExpression>
#include <QStyleFactory>

#include "resources/resources.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

QString& current() {
    static QString theme = QStringLiteral("light");
    return theme;
}

QColor colourOf(const QJsonObject& theme, const QString& role) {
    const QColor colour = QColor::fromString(theme.value(role).toString());
    if (!colour.isValid()) qFatal("the theme has no colour for %s", qPrintable(role));
    return colour;
}

QPalette paletteOf(const QJsonObject& theme) {
    const auto c = [&](const char* role) { return colourOf(theme, QLatin1String(role)); };
    QPalette palette;
    palette.setColor(QPalette::Window, c("window"));
    palette.setColor(QPalette::WindowText, c("text"));
    palette.setColor(QPalette::Base, c("base"));
    palette.setColor(QPalette::AlternateBase, c("alternateBase"));
    palette.setColor(QPalette::Text, c("text"));
    palette.setColor(QPalette::Button, c("button"));
    palette.setColor(QPalette::ButtonText, c("text"));
    palette.setColor(QPalette::Highlight, c("accent"));
    palette.setColor(QPalette::HighlightedText, c("accentText"));
    palette.setColor(QPalette::ToolTipBase, c("tooltip"));
    palette.setColor(QPalette::ToolTipText, c("text"));
    palette.setColor(QPalette::PlaceholderText, c("placeholder"));
    palette.setColor(QPalette::Link, c("accent"));
    for (const auto role : {QPalette::ButtonText, QPalette::WindowText, QPalette::Text}) {
        palette.setColor(QPalette::Disabled, role, c("disabledText"));
    }
    return palette;
}

// The stylesheet with the theme's colours for @role and the sizes for @size(k).
QString styleSheetOf(const QJsonObject& theme, double base) {
    QString sheet = QString::fromUtf8(resources::read(QStringLiteral(":/theme/theme.qss")));
    static const QRegularExpression comments(QStringLiteral(R"(/\*.*?\*/)"), QRegularExpression::DotMatchesEverythingOption);
    sheet.remove(comments);
    static const QRegularExpression sizes(QStringLiteral(R"(@size\(([0-9.]+)\))"));
    QString sized;
    qsizetype from = 0;
    for (auto match = sizes.globalMatch(sheet); match.hasNext();) {
        const QRegularExpressionMatch m = match.next();
        sized += sheet.mid(from, m.capturedStart() - from);
        sized += QString::number(base * m.captured(1).toDouble(), 'f', 1) + QStringLiteral("pt");
        from = m.capturedEnd();
    }
    sized += sheet.mid(from);
    static const QRegularExpression roles(QStringLiteral(R"(@([A-Za-z]+))"));
    QString coloured;
    from = 0;
    for (auto match = roles.globalMatch(sized); match.hasNext();) {
        const QRegularExpressionMatch m = match.next();
        coloured += sized.mid(from, m.capturedStart() - from);
        const QColor colour = colourOf(theme, m.captured(1));
        coloured += colour.alpha() < 255 ? QStringLiteral("rgba(%1, %2, %3, %4)")
                                               .arg(colour.red())
                                               .arg(colour.green())
                                               .arg(colour.blue())
                                               .arg(colour.alpha())
                                         : colour.name();
        from = m.capturedEnd();
    }
    coloured += sized.mid(from);
    return coloured;
}

}  // namespace

QStringList themeNames() { return {QStringLiteral("light"), QStringLiteral("dark"), QStringLiteral("contrast")}; }

QString themeTitle(const QString& name) {
    if (name == QLatin1String("dark")) return QApplication::translate("Theme", "Dark");
    if (name == QLatin1String("contrast")) return QApplication::translate("Theme", "High contrast");
    return QApplication::translate("Theme", "Light");
}

QString currentTheme() { return current(); }

void applyTheme(QApplication& app, double basePointSize) {
    const QJsonObject theme = resources::readJson(QStringLiteral(":/theme/%1.json").arg(current()));
    widgets::setViewPalette(widgets::ViewPalette::fromJson(theme));
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    app.setPalette(paletteOf(theme));
    QFont font = app.font();
    font.setPointSizeF(basePointSize);
    app.setFont(font);
    app.setStyleSheet(styleSheetOf(theme, basePointSize));
}

void applyTheme(QApplication& app, double basePointSize, const QString& theme) {
    current() = themeNames().contains(theme) ? theme : QStringLiteral("light");
    applyTheme(app, basePointSize);
}

}  // namespace pretrainlab::app
