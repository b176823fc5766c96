#pragma once

#include <QWidget>

#include "core/train/inspect_masks.hpp"

#include "app/lessons/attention/lesson_state.hpp"

class QLabel;
class QTabWidget;

namespace pretrainlab::app {

class GenerationTab;
class LossTab;
class MasksTab;
class WeightsTab;
class ZeroShotTab;

// The Architectures & attention lesson's shell: the sentence and model bar above five views
// (masks, attention weights, generation, zero-shot, loss per token) over one AttentionState, and
// the problems they report.
class AttentionPage : public QWidget {
    Q_OBJECT
public:
    enum class View { Masks, Weights, Generation, ZeroShot, Loss };

    explicit AttentionPage(QWidget* parent = nullptr);

    AttentionState& state() { return *state_; }
    void showView(View view);
    void setMaskKind(train::ModelKind kind);  // the Masks tab's kind
    // A model computation of any view still running, or the tiny models training.
    bool busy() const;

signals:
    // Opens the Training lab with an encoder-and-decoder comparison set up.
    void comparisonWanted();

private:
    void showProblem(const QString& text);

    AttentionState* state_ = nullptr;
    QLabel* status_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    MasksTab* masks_ = nullptr;
    WeightsTab* weights_ = nullptr;
    GenerationTab* generation_ = nullptr;
    ZeroShotTab* zeroShot_ = nullptr;
    LossTab* loss_ = nullptr;
};

}  // namespace pretrainlab::app
