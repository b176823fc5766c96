#pragma once

#include <QStringList>
#include <vector>

#include "widgets/titled_plot.hpp"

namespace pretrainlab::widgets {

// Bars made of stacked parts, one bar per category, with a legend of the parts: what a training
// step holds, part by part, for several optimizers and precisions. Values are in `unit` (a label
// such as "GB"); fonts follow the widget's (the app's text size).
class StackedBars : public TitledPlot {
    Q_OBJECT
public:
    explicit StackedBars(QWidget* parent = nullptr);

    // values[part][category]
    void setBars(const QStringList& categories, const QStringList& parts, const std::vector<std::vector<double>>& values,
                 const QString& unit);
};

}  // namespace pretrainlab::widgets
