#include "widgets/steady_label.hpp"

#include <QFontMetrics>

#include <algorithm>

namespace pretrainlab::widgets {

SteadyLabel::SteadyLabel(int lines, QWidget* parent) : QLabel(parent), lines_(std::max(1, lines)) {
    setWordWrap(true);
    QSizePolicy policy(QSizePolicy::Ignored, QSizePolicy::Minimum);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

int SteadyLabel::reservedHeight() const {
    const QMargins margins = contentsMargins();
    return lines_ * fontMetrics().lineSpacing() + margins.top() + margins.bottom() + 2 * margin();
}

QSize SteadyLabel::sizeHint() const {
    QSize size = QLabel::sizeHint();
    size.setHeight(std::max(size.height(), reservedHeight()));
    return size;
}

QSize SteadyLabel::minimumSizeHint() const {
    // Wraps to any width: the window decides how wide it is, not this text.
    return {fontMetrics().averageCharWidth() * 8, reservedHeight()};
}

int SteadyLabel::heightForWidth(int width) const { return std::max(QLabel::heightForWidth(width), reservedHeight()); }

}  // namespace pretrainlab::widgets
