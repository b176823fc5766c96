#pragma once

#include <QStringList>
#include <vector>

#include "widgets/titled_plot.hpp"

namespace pretrainlab::widgets {

// Points in a plane coloured by class, with a title and a legend of the classes: feature vectors
// projected to two dimensions. Fonts follow the widget's (the app's text size).
class ScatterPlot : public TitledPlot {
    Q_OBJECT
public:
    explicit ScatterPlot(QWidget* parent = nullptr);

    void setAxisLabels(const QString& x, const QString& y);
    // One point per (x, y, class); `classes` names each class in the legend.
    void setPoints(const std::vector<double>& x, const std::vector<double>& y, const std::vector<int>& classOf,
                   const QStringList& classes);
    int pointCount() const { return points_; }

private:
    int points_ = 0;
};

}  // namespace pretrainlab::widgets
