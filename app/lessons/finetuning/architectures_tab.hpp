#pragma once

#include <QWidget>

#include "app/lessons/finetuning/lesson_state.hpp"

class QLabel;
class QTableWidget;

namespace pretrainlab::app {

class FinetuneForm;

// "Encoder vs decoder": the shipped tiny encoder and tiny decoder finetuned on the same task with
// the same budget (the lecture: medium-sized encoders tend to finetune better), and what full
// finetuning holds in memory against a linear probe (gradients and Adam's moments for the head
// only), from the engine's own accounting.
class ArchitecturesTab : public QWidget {
    Q_OBJECT
public:
    explicit ArchitecturesTab(FinetuningState& state, QWidget* parent = nullptr);

    void measure();
    QTableWidget* table() const { return table_; }
    QLabel* summary() const { return summary_; }

private:
    void redraw();

    FinetuningState& state_;
    FinetuneForm* form_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* summary_ = nullptr;
};

}  // namespace pretrainlab::app
