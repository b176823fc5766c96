#pragma once

#include <QWidget>

#include "app/lessons/tokenization/lesson_state.hpp"

namespace pretrainlab::widgets {
class TradeoffChart;
}

namespace pretrainlab::app {

// "Vocabulary vs length": the corpus length (and tokens per word) against the vocabulary size,
// the current step marked.
class TradeoffTab : public QWidget {
    Q_OBJECT
public:
    explicit TradeoffTab(TokenizationState& state, QWidget* parent = nullptr);

    widgets::TradeoffChart& chart() { return *chart_; }

private:
    void showCurve();

    TokenizationState& state_;
    widgets::TradeoffChart* chart_ = nullptr;
};

}  // namespace pretrainlab::app
