#pragma once

#include <QString>
#include <QStringList>

class QApplication;

namespace pretrainlab::app {

// Text size for a projector: the base size in points, adjustable from the View menu.
constexpr double defaultTextPointSize = 14.0;
constexpr double minimumTextPointSize = 9.0;
constexpr double maximumTextPointSize = 28.0;

// The themes (resources/theme/NAME.json): "light" (the default), "dark", and "contrast", black on
// white with strong borders for a washed-out projector. Each gives every colour the app draws
// with, by role: the widgets' palette, the stylesheet's @roles and the views' palette (charts,
// chips, heatmaps).
QStringList themeNames();
QString themeTitle(const QString& name);  // "Light", "Dark", "High contrast"
QString currentTheme();

// Applies the current theme with this base text size (sizes for titles and banners follow it).
void applyTheme(QApplication& app, double basePointSize);
// Makes `theme` the current one (an unknown name: light) and applies it.
void applyTheme(QApplication& app, double basePointSize, const QString& theme);

}  // namespace pretrainlab::app
