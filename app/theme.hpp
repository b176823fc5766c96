#pragma once

class QApplication;

namespace pretrainlab::app {

// Text size for a projector: the base size in points, adjustable from the View menu.
constexpr double defaultTextPointSize = 14.0;
constexpr double minimumTextPointSize = 9.0;
constexpr double maximumTextPointSize = 28.0;

// A light, high-contrast look with large type; sizes for titles and banners follow the base size.
void applyTheme(QApplication& app, double basePointSize);

}  // namespace pretrainlab::app
