#pragma once

#include <QString>
#include <vector>

#include "widgets/titled_plot.hpp"

namespace pretrainlab::widgets {

// How many values fall in each power of two (bin i holds [2^(low+i), 2^(low+i+1))), as bars over
// a log₂ axis, with labelled vertical lines (a number format's limits) and shaded regions beyond
// them. Fonts follow the widget's.
class LogHistogram : public TitledPlot {
    Q_OBJECT
public:
    struct Marker {
        double exponent = 0;  // log₂ of the value
        QString label;
    };

    explicit LogHistogram(QWidget* parent = nullptr);

    void setBins(int low, const std::vector<double>& counts);
    // Lines at the markers; values below `lostBelow` and above `lostAbove` (log₂) shaded as lost.
    void setMarkers(const std::vector<Marker>& markers, double lostBelow, double lostAbove);
};

}  // namespace pretrainlab::widgets
