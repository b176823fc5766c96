#pragma once

#include <QStringList>
#include <QWidget>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;

namespace pretrainlab::widgets {
class LiveChart;
}

namespace pretrainlab::app {

class OptimizationState;

// One of the lesson's paired-run experiments: a choice among `names` (none when there is one),
// Run, the loss curves of every variant and seed overlaid, a second chart (gradient norm, loss
// scale or learning rate) and the verdict in numbers once all runs are in.
class ExperimentView : public QWidget {
    Q_OBJECT
public:
    enum class Second { GradientNorm, LossScale, LearningRate };

    ExperimentView(OptimizationState& state, std::vector<std::string> names, Second second, QWidget* parent = nullptr);

    std::string current() const;
    void setCurrent(const std::string& name);
    QPushButton* runButton() const { return run_; }
    QString verdict() const;
    widgets::LiveChart* lossChart() const { return loss_; }
    // The controls, for a tab to place in its side column: the choice (hidden when there is one
    // experiment), the question, Run and the verdict.
    QComboBox* choiceBox() const { return choice_; }
    QLabel* questionLabel() const { return question_; }
    QLabel* verdictLabel() const { return verdict_; }

signals:
    void currentChanged(const QString& name);

private:
    void redraw();

    OptimizationState& state_;
    std::vector<std::string> names_;
    Second secondKind_;
    QComboBox* choice_ = nullptr;
    QLabel* question_ = nullptr;
    QPushButton* run_ = nullptr;
    QLabel* verdict_ = nullptr;
    widgets::LiveChart* loss_ = nullptr;
    widgets::LiveChart* second_ = nullptr;
    std::vector<int> lossSeries_, secondSeries_;  // one per run, in the result's order
    std::vector<std::size_t> shownPoints_;         // how many of each run's points are drawn
    std::string shownExperiment_;
};

}  // namespace pretrainlab::app
