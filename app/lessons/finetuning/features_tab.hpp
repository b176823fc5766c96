#pragma once

#include <QWidget>
#include <array>

#include "app/lessons/finetuning/lesson_state.hpp"

class QLabel;

namespace pretrainlab::widgets {
class ScatterPlot;
}

namespace pretrainlab::app {

class FinetuneForm;

// "Features": good features need only a simple model. The held-out examples' feature vectors,
// projected onto their first two principal components and coloured by label: the pretrained
// model's before finetuning (what a linear probe reads), after finetuning ([CLS] or the extract
// token, what the classifier reads), and the same model's with random weights; beside each, the
// accuracy of a linear probe trained on them.
class FeaturesTab : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesTab(FinetuningState& state, QWidget* parent = nullptr);

    void measure();
    widgets::ScatterPlot* plot(int index) const { return plots_[std::size_t(index)]; }
    QLabel* summary() const { return summary_; }

private:
    void redraw();

    FinetuningState& state_;
    FinetuneForm* form_ = nullptr;
    std::array<widgets::ScatterPlot*, 3> plots_{};
    QLabel* summary_ = nullptr;
};

}  // namespace pretrainlab::app
