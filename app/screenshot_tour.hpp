#pragma once

#include <QList>
#include <QSize>
#include <QString>

namespace pretrainlab::app {

class MainWindow;

// Shows each page (and the stepper in a few telling states) at each window size and saves the
// window as PNGs named <width>x<height>-<nn>-<state>.png. `compareTokenizer`, if given, is opened
// on the Real tokenizers tab. Returns 0, or 1 if a file could not be written.
int runScreenshotTour(MainWindow& window, const QString& directory, const QList<QSize>& sizes,
                      const QString& compareTokenizer = {});

}  // namespace pretrainlab::app
