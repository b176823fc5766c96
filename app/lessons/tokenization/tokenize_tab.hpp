#pragma once

#include <QWidget>

#include "app/lessons/tokenization/lesson_state.hpp"

namespace pretrainlab::widgets {
class TokenizeView;
}

namespace pretrainlab::app {

// "Tokenize new text": the merges learned so far applied to any text in rank order, animated one
// merge at a time, with ids and the count of tokens against characters and bytes; with byte-level
// BPE on, every character's UTF-8 bytes and GPT-2 symbols.
class TokenizeTab : public QWidget {
    Q_OBJECT
public:
    explicit TokenizeTab(TokenizationState& state, QWidget* parent = nullptr);

    void setText(const QString& text);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh(bool animate);

    TokenizationState& state_;
    widgets::TokenizeView* view_ = nullptr;
    bool stale_ = true;  // the state moved while the tab was hidden
};

}  // namespace pretrainlab::app
