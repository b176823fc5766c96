#pragma once

#include <QWidget>

#include "app/lessons/tokenization/lesson_state.hpp"

namespace pretrainlab::widgets {
class CompareView;
}

namespace pretrainlab::app {

// "Real tokenizers": GPT-2's, BERT's or any tokenizer file beside the two trained here, splitting
// the same text.
class CompareTab : public QWidget {
    Q_OBJECT
public:
    explicit CompareTab(TokenizationState& state, QWidget* parent = nullptr);

    void setText(const QString& text);
    // Asks for a tokenizer file (and the merges.txt of a vocab.json) and loads it.
    void chooseTokenizerFile();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh();

    TokenizationState& state_;
    widgets::CompareView* view_ = nullptr;
    bool stale_ = true;
};

}  // namespace pretrainlab::app
