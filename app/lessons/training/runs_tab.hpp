#pragma once

#include <QWidget>

#include "app/lessons/training/lesson_state.hpp"

class QComboBox;
class QListWidget;
class QPushButton;

namespace pretrainlab::app {

// "Runs": every run kept to compare, each with its colour; tick to show its curves, hover for its
// settings. Also the loss chart's x axis (steps or tokens with loss), and clearing runs.
class RunsTab : public QWidget {
    Q_OBJECT
public:
    explicit RunsTab(TrainingLabState& state, QWidget* parent = nullptr);

    // "Run 2: decoder tiny · toy world · adamw η 0.002, cosine (warmup 30)"
    static QString describe(const Run& run);
    // Every setting as "Label: value" lines, for the hover.
    static QString settingsText(const train::RunSettings& settings);
    // The settings (beyond those describe() names) in which `run` differs from any of `runs`.
    static QString differences(const Run& run, const std::vector<Run>& runs);

private:
    void addRun(int index);
    void showRun(int index);
    void showAll();

    TrainingLabState& state_;
    QListWidget* list_ = nullptr;
    QComboBox* lossAxis_ = nullptr;
    QPushButton* remove_ = nullptr;
};

}  // namespace pretrainlab::app
