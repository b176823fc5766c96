#pragma once

#include <QWidget>

#include "app/lessons/training/lesson_state.hpp"

class QComboBox;

namespace pretrainlab::widgets {
class ProbePanel;
}

namespace pretrainlab::app {

// "Guesses": what the model being trained puts in the lecture's five blanks, or in the held-out
// items of one category, with its five best guesses and their probabilities.
class GuessesTab : public QWidget {
    Q_OBJECT
public:
    explicit GuessesTab(TrainingLabState& state, QWidget* parent = nullptr);

private:
    void showProbes();

    TrainingLabState& state_;
    QComboBox* choice_ = nullptr;
    widgets::ProbePanel* panel_ = nullptr;
};

}  // namespace pretrainlab::app
