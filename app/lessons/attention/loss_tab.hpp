#pragma once

#include <QWidget>
#include <array>

#include "app/lessons/attention/lesson_state.hpp"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QSpinBox;

namespace pretrainlab::app {

// "Loss per token": for some text, the tokens a masked LM learns from (about 15%, with what the
// encoder reads in their place) against next-token prediction (all but the first), with counts.
class LossTab : public QWidget {
    Q_OBJECT
public:
    explicit LossTab(AttentionState& state, QWidget* parent = nullptr);

    void setText(const QString& text);
    int maskedLossTokens() const { return maskedCount_; }
    int nextTokenLossTokens() const { return nextCount_; }
    // How the picked tokens were corrupted in the shown example: [MASK], random, kept.
    std::array<int, 3> corruptionCounts() const { return corruptionCounts_; }
    // BERT's 80/10/10 (true) or "[MASK] only" (false).
    void setBertCorruption(bool bert);
    // The next seed from the current one whose picks show all three cases (BERT's corruption).
    void showEachCase();

signals:
    // "Compare in the Training lab": an encoder and a decoder trained one after the other.
    void comparisonWanted();

private:
    void refresh();

    AttentionState& state_;
    QPlainTextEdit* text_ = nullptr;
    QSpinBox* rate_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QComboBox* corruption_ = nullptr;
    QLabel* legend_ = nullptr;
    QLabel* maskedView_ = nullptr;
    QLabel* nextView_ = nullptr;
    QLabel* maskedCountLabel_ = nullptr;
    QLabel* nextCountLabel_ = nullptr;
    QLabel* efficiencyNote_ = nullptr;
    int maskedCount_ = 0;
    int nextCount_ = 0;
    std::array<int, 3> corruptionCounts_{};
};

}  // namespace pretrainlab::app
