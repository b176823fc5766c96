#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace pretrainlab::widgets {
class ScatterPlot;
}

namespace pretrainlab::app {

class OptimizationState;

// Adam inside the network: the tiny decoder trained by Adam and by SGD from the same weights on
// the same batches; per layer, the spread of one step's |Δθ|; per word, how far its embedding row
// moved against how often the word occurs.
class NetworkTab : public QWidget {
    Q_OBJECT
public:
    explicit NetworkTab(OptimizationState& state, QWidget* parent = nullptr);

    QPushButton* runButton() const { return run_; }
    QTableWidget* table() const { return table_; }
    QString summary() const;

private:
    void redraw();

    OptimizationState& state_;
    QSpinBox* steps_ = nullptr;
    QPushButton* run_ = nullptr;
    QLabel* summary_ = nullptr;
    QTableWidget* table_ = nullptr;
    widgets::ScatterPlot* rows_ = nullptr;
};

}  // namespace pretrainlab::app
