#pragma once

#include <QTimer>
#include <QWidget>

#include "app/lessons/tokenization/lesson_state.hpp"

namespace pretrainlab::widgets {
class MergeControls;
class MergePanel;
}  // namespace pretrainlab::widgets

namespace pretrainlab::app {

// "Merge by merge": BPE and WordPiece side by side, stepped together (Space) or each alone, played
// at a chosen speed, jumped to a merge number or a vocabulary size.
class MergeTab : public QWidget {
    Q_OBJECT
public:
    explicit MergeTab(TokenizationState& state, QWidget* parent = nullptr);

    void setPlaying(bool playing);
    bool isPlaying() const { return playTimer_.isActive(); }
    // Space/→ step, Backspace/← back, P play, Home reset, anywhere within `scope`.
    void addShortcutsTo(QWidget* scope);

private:
    void show(TokenizationState::Change change);
    void updateControls();

    TokenizationState& state_;
    QTimer playTimer_;
    widgets::MergeControls* controls_ = nullptr;
    widgets::MergePanel* bpePanel_ = nullptr;
    widgets::MergePanel* wordPiecePanel_ = nullptr;
};

}  // namespace pretrainlab::app
