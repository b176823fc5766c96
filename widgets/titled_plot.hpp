#pragma once

#include <QString>
#include <QWidget>

class QCustomPlot;
class QLabel;

namespace pretrainlab::widgets {

// A QCustomPlot under a wrapped title, whose tick labels, axis labels and legend follow the
// widget's font (the app's text size) at `fontScale` of it, in the palette's text colour. The
// base of the small charts (scatter plots, stacked bars, histograms).
class TitledPlot : public QWidget {
    Q_OBJECT
public:
    explicit TitledPlot(double fontScale = 0.8, QWidget* parent = nullptr);

    void setTitle(const QString& title);
    QCustomPlot* plot() const { return plot_; }

protected:
    void changeEvent(QEvent* event) override;
    void applyFonts();

    QCustomPlot* plot_ = nullptr;
    QLabel* title_ = nullptr;

private:
    double fontScale_;
    int themeSeen_ = 0;  // the changes of theme this chart has taken
};

}  // namespace pretrainlab::widgets
