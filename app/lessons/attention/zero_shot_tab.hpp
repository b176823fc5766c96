#pragma once

#include <QWidget>
#include <array>

#include "app/lessons/attention/lesson_state.hpp"

class QDoubleSpinBox;
class QLabel;
class QLayout;
class QLineEdit;
class QPlainTextEdit;

namespace pretrainlab::widgets {
class ScoreBars;
}

namespace pretrainlab::app {

class LatestJob;

// "Zero-shot": as on the slide, no finetuning, the decoder only scores texts: sentiment by the
// log-probabilities of a positive and a negative continuation, multiple choice by the answer with
// the highest log-probability, acceptability by a threshold on the mean log-probability per token.
class ZeroShotTab : public QWidget {
    Q_OBJECT
public:
    enum Task { Sentiment, Choice, Acceptability };

    explicit ZeroShotTab(AttentionState& state, QWidget* parent = nullptr);

    void score();
    widgets::ScoreBars* bars(Task task) const { return bars_[std::size_t(task)]; }
    bool busy() const;

signals:
    void problem(const QString& text);

private:
    QLayout* buildTasks();
    void followModel();

    AttentionState& state_;
    LatestJob* job_ = nullptr;
    QLineEdit* sentimentText_ = nullptr;
    QLineEdit* positiveWord_ = nullptr;
    QLineEdit* negativeWord_ = nullptr;
    QLineEdit* question_ = nullptr;
    QLineEdit* choices_ = nullptr;
    QPlainTextEdit* sentences_ = nullptr;
    QDoubleSpinBox* threshold_ = nullptr;
    bool decoderReal_ = false;  // which defaults the texts follow
    std::array<widgets::ScoreBars*, 3> bars_{};
    std::array<QLabel*, 3> verdicts_{};
};

}  // namespace pretrainlab::app
