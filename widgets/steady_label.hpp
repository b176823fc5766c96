#pragma once

#include <QLabel>

namespace pretrainlab::widgets {

// A word-wrapped label that always keeps room for `lines` lines at the current text size: a status
// that grows from one line to two moves nothing below it, and a long one never widens the window.
class SteadyLabel : public QLabel {
public:
    explicit SteadyLabel(int lines, QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    int heightForWidth(int width) const override;

private:
    int reservedHeight() const;
    int lines_;
};

}  // namespace pretrainlab::widgets
