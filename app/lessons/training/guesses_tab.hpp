#pragma once

#include <QElapsedTimer>
#include <QTimer>
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
    // New guesses come every 25 steps, many times a second on a tiny model: the panel is rebuilt
    // at most every refreshMs (at once when it has rested that long), so that laying out its text
    // does not take a core from training.
    void showProbesSoon();
    static constexpr qint64 refreshMs = 250;
    QTimer refresh_;
    QElapsedTimer sinceShown_;

    TrainingLabState& state_;
    QComboBox* choice_ = nullptr;
    widgets::ProbePanel* panel_ = nullptr;
};

}  // namespace pretrainlab::app
