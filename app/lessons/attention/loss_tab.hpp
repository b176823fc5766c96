#pragma once

#include <QWidget>

#include "app/lessons/attention/lesson_state.hpp"

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

signals:
    // "Compare in the Training lab": an encoder and a decoder trained one after the other.
    void comparisonWanted();

private:
    void refresh();

    AttentionState& state_;
    QPlainTextEdit* text_ = nullptr;
    QSpinBox* rate_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLabel* maskedView_ = nullptr;
    QLabel* nextView_ = nullptr;
    QLabel* maskedCountLabel_ = nullptr;
    QLabel* nextCountLabel_ = nullptr;
    QLabel* efficiencyNote_ = nullptr;
    int maskedCount_ = 0;
    int nextCount_ = 0;
};

}  // namespace pretrainlab::app
