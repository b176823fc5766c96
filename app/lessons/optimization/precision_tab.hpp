#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QSlider;

namespace pretrainlab::widgets {
class LogHistogram;
}

namespace pretrainlab::app {

class ExperimentView;
class OptimizationState;

// Mixed precision: fp32, fp16 and bf16 side by side (range against precision); a real gradient of
// the tiny model against fp16's range, multiplied by a loss scale the class chooses, with what
// underflows to zero and what overflows to infinity counted; and the runs: fp32, fp16 with dynamic
// loss scaling (its scale curve), fp16 without, bf16.
class PrecisionTab : public QWidget {
    Q_OBJECT
public:
    explicit PrecisionTab(OptimizationState& state, QWidget* parent = nullptr);

    void setScaleExponent(int exponent);  // the loss scale 2^exponent
    QString castText() const;
    QPushButton* sampleButton() const { return sample_; }
    ExperimentView* experiment() const { return experiment_; }

private:
    void redrawHistogram();

    OptimizationState& state_;
    QLabel* formats_ = nullptr;
    QLabel* formatNote_ = nullptr;
    QPushButton* sample_ = nullptr;
    QSlider* scale_ = nullptr;
    QLabel* scaleLabel_ = nullptr;
    QLabel* cast_ = nullptr;
    widgets::LogHistogram* histogram_ = nullptr;
    ExperimentView* experiment_ = nullptr;
};

}  // namespace pretrainlab::app
