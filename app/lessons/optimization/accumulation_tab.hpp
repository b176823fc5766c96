#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace pretrainlab::app {

class ExperimentView;
class OptimizationState;

// Gradient accumulation: a batch of 32 in one pass against 4 micro-batches of 8 on the same
// sequences (the two gradients' largest difference, activation memory and time), the known
// pitfall of averaging per micro-batch, and the two runs' loss curves on top of each other.
class AccumulationTab : public QWidget {
    Q_OBJECT
public:
    explicit AccumulationTab(OptimizationState& state, QWidget* parent = nullptr);

    QPushButton* runButton() const { return run_; }
    QTableWidget* table() const { return table_; }

private:
    void redraw();

    OptimizationState& state_;
    QPushButton* run_ = nullptr;
    QLabel* words_ = nullptr;
    QTableWidget* table_ = nullptr;
    ExperimentView* experiment_ = nullptr;
};

}  // namespace pretrainlab::app
