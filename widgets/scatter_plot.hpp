#pragma once

#include <QStringList>
#include <QWidget>
#include <vector>

class QCustomPlot;
class QLabel;

namespace pretrainlab::widgets {

// Points in a plane coloured by class, with a title and a legend of the classes: feature vectors
// projected to two dimensions. Fonts follow the widget's (the app's text size).
class ScatterPlot : public QWidget {
    Q_OBJECT
public:
    explicit ScatterPlot(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setAxisLabels(const QString& x, const QString& y);
    // One point per (x, y, class); `classes` names each class in the legend.
    void setPoints(const std::vector<double>& x, const std::vector<double>& y, const std::vector<int>& classOf,
                   const QStringList& classes);
    int pointCount() const { return points_; }
    QCustomPlot* plot() const { return plot_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyFonts();

    QCustomPlot* plot_ = nullptr;
    QLabel* title_ = nullptr;
    int points_ = 0;
};

}  // namespace pretrainlab::widgets
