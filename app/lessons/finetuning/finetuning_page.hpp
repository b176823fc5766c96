#pragma once

#include <QWidget>

#include "app/lessons/finetuning/lesson_state.hpp"

class QLabel;
class QTabWidget;

namespace pretrainlab::app {

class AblationTab;
class ArchitecturesTab;
class BaseModelBar;
class DataSizeTab;
class FeaturesTab;
class FinetuneTab;
class PretrainingTab;

// The Pretrain → finetune lesson's shell: the pretrained model bar above six views over one
// FinetuningState (finetune live, the ablation table, data size, features, more pretraining,
// encoder vs decoder), and the problems they report.
class FinetuningPage : public QWidget {
    Q_OBJECT
public:
    enum class View { Finetune, Ablation, DataSize, Features, Pretraining, Architectures };

    explicit FinetuningPage(QWidget* parent = nullptr);

    FinetuningState& state() { return *state_; }
    void showView(View view);
    bool busy() const;

private:
    void showProblem(const QString& text);

    FinetuningState* state_ = nullptr;
    BaseModelBar* bar_ = nullptr;
    QLabel* status_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    FinetuneTab* finetune_ = nullptr;
    AblationTab* ablation_ = nullptr;
    DataSizeTab* dataSize_ = nullptr;
    FeaturesTab* features_ = nullptr;
    PretrainingTab* pretraining_ = nullptr;
    ArchitecturesTab* architectures_ = nullptr;
};

}  // namespace pretrainlab::app
