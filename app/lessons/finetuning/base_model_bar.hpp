#pragma once

#include <QWidget>

#include "app/lessons/finetuning/lesson_state.hpp"

class QComboBox;
class QLabel;

namespace pretrainlab::app {

class JobProgress;

// Above the Pretrain → finetune tabs: which pretrained model they finetune (the shipped tiny
// decoder or encoder, the Training lab's model, a checkpoint file), what it is, and the progress
// and Cancel of the work running.
class BaseModelBar : public QWidget {
    Q_OBJECT
public:
    explicit BaseModelBar(FinetuningState& state, QWidget* parent = nullptr);

    // Asks for a checkpoint file and opens it.
    void openCheckpoint();

private:
    void showSource();

    FinetuningState& state_;
    QComboBox* source_ = nullptr;
    QLabel* description_ = nullptr;
    JobProgress* progress_ = nullptr;
};

}  // namespace pretrainlab::app
