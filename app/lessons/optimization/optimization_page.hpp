#pragma once

#include <QWidget>

class QLabel;
class QTabWidget;

namespace pretrainlab::app {

class AccumulationTab;
class JobProgress;
class MemoryTab;
class NetworkTab;
class OptimizationState;
class PlaygroundTab;
class PrecisionTab;
class StabilityTab;

// The Optimization lesson's shell: six views over one OptimizationState (Adam on a surface, Adam
// inside the network, stability, memory, accumulation, mixed precision), the background job's
// progress and the problems the views report.
class OptimizationPage : public QWidget {
    Q_OBJECT
public:
    enum class View { Playground, Network, Stability, Memory, Accumulation, Precision };

    explicit OptimizationPage(QWidget* parent = nullptr);

    OptimizationState& state() { return *state_; }
    void showView(View view);
    bool busy() const;

protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;

private:
    void showProblem(const QString& text);

    OptimizationState* state_ = nullptr;
    QLabel* status_ = nullptr;
    JobProgress* progress_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    PlaygroundTab* playground_ = nullptr;
    NetworkTab* network_ = nullptr;
    StabilityTab* stability_ = nullptr;
    MemoryTab* memory_ = nullptr;
    AccumulationTab* accumulation_ = nullptr;
    PrecisionTab* precision_ = nullptr;
};

}  // namespace pretrainlab::app
