#pragma once

#include <QWidget>

#include "app/lessons/finetuning/lesson_state.hpp"

class QComboBox;
class QLabel;

namespace pretrainlab::widgets {
class LiveChart;
}

namespace pretrainlab::app {

class FinetuneForm;

// "More pretraining": one tiny model pretrained here from step 0, finetuned from checkpoints taken
// along the way; the finetuned accuracy and (decoders) the zero-shot score against pretraining
// steps, beside the pretraining's own held-out loss. The lecture: zero-shot performance grows
// during pretraining.
class PretrainingTab : public QWidget {
    Q_OBJECT
public:
    explicit PretrainingTab(FinetuningState& state, QWidget* parent = nullptr);

    void measure();
    finetune::PretrainingPlan plan() const;
    widgets::LiveChart* accuracyChart() const { return accuracy_; }
    QLabel* summary() const { return summary_; }

private:
    void redraw();

    FinetuningState& state_;
    QComboBox* architecture_ = nullptr;
    FinetuneForm* form_ = nullptr;
    widgets::LiveChart* accuracy_ = nullptr;
    widgets::LiveChart* loss_ = nullptr;
    int finetuned_ = -1, zeroShot_ = -1, heldOut_ = -1;
    QLabel* summary_ = nullptr;
};

}  // namespace pretrainlab::app
