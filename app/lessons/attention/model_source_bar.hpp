#pragma once

#include <QWidget>

#include "app/lessons/attention/lesson_state.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace pretrainlab::app {

class JobProgress;

// Above the attention lesson's views: the sentence they read, where their models come from (the
// tiny pair or the Training lab's), training the tiny models with progress and Cancel, and one
// line on the models in use.
class ModelSourceBar : public QWidget {
    Q_OBJECT
public:
    explicit ModelSourceBar(AttentionState& state, QWidget* parent = nullptr);

signals:
    // The bar's focused button is about to be disabled: the page should take the keyboard.
    void keyboardHandedBack();

private:
    AttentionState& state_;
    QLineEdit* sentence_ = nullptr;
    QComboBox* source_ = nullptr;
    QPushButton* train_ = nullptr;
    JobProgress* progress_ = nullptr;
    QLabel* models_ = nullptr;
};

}  // namespace pretrainlab::app
