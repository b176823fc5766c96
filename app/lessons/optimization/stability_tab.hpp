#pragma once

#include <QWidget>

#include "core/optim/schedule.hpp"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace pretrainlab::widgets {
class LiveChart;
}

namespace pretrainlab::app {

class ExperimentView;
class OptimizationState;

// Stability: the schedule designer (warmup then constant, linear, cosine, exponential or inverse
// square root, its formula with the numbers, the plan drawn with the rates the experiment's runs
// actually used) and the paired runs: warmup or none, post-LN or pre-LN, the initial scale,
// clipping.
class StabilityTab : public QWidget {
    Q_OBJECT
public:
    explicit StabilityTab(OptimizationState& state, QWidget* parent = nullptr);

    optim::Schedule schedule() const;
    QString formula() const;
    ExperimentView* experiment() const { return experiment_; }

private:
    void redrawPlan();

    OptimizationState& state_;
    QComboBox* kind_ = nullptr;
    QDoubleSpinBox* peak_ = nullptr;
    QSpinBox* warmup_ = nullptr;
    QSpinBox* total_ = nullptr;
    QDoubleSpinBox* floor_ = nullptr;
    QLabel* formula_ = nullptr;
    widgets::LiveChart* chart_ = nullptr;
    ExperimentView* experiment_ = nullptr;
    std::vector<int> series_;
};

}  // namespace pretrainlab::app
