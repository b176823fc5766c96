#include "widgets/score_bars.hpp"
#include "widgets/view_palette.hpp"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <vector>

namespace pretrainlab::widgets {
ScoreBars::ScoreBars(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void ScoreBars::setBars(const QStringList& labels, const std::vector<double>& values, int marked) {
    labels_ = labels;
    values_ = values;
    values_.resize(std::size_t(labels_.size()), 0.0);
    marked_ = marked;
    message_.clear();
    updateGeometry();
    update();
}

void ScoreBars::setKind(Kind kind) {
    kind_ = kind;
    update();
}

void ScoreBars::setTitle(const QString& title) {
    title_ = title;
    updateGeometry();
    update();
}

void ScoreBars::setThreshold(double threshold, bool shown) {
    threshold_ = threshold;
    thresholdShown_ = shown;
    update();
}

void ScoreBars::setMessage(const QString& message) {
    message_ = message;
    labels_.clear();
    values_.clear();
    marked_ = -1;
    update();
}

double ScoreBars::fraction(double value) const {
    if (!std::isfinite(value)) return 0.0;
    if (kind_ == Kind::Probability) return std::clamp(value, 0.0, 1.0);
    // Log-probabilities: the lowest bar keeps a sliver, 0 would fill the width.
    double lowest = thresholdShown_ ? threshold_ : 0.0;
    for (double v : values_) {
        if (std::isfinite(v)) lowest = std::min(lowest, v);
    }
    lowest = lowest * 1.15 - 0.5;
    return std::clamp((value - lowest) / (0.0 - lowest), 0.0, 1.0);
}

bool ScoreBars::labelsAbove(int width) const {
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    for (const QString& label : labels_) {
        if (boldMetrics.horizontalAdvance(label) + 12 > width / 2) return true;
    }
    return false;
}

int ScoreBars::labelHeight(const QString& label, int width) const {
    QFont bold = font();
    bold.setBold(true);
    return QFontMetrics(bold).boundingRect(QRect(0, 0, std::max(20, width - 8), 100000), Qt::TextWordWrap, label).height();
}

int ScoreBars::heightForWidth(int width) const {
    const int line = fontMetrics().height();
    int height = (title_.isEmpty() ? 0 : line + 8) + 6;
    if (!message_.isEmpty() || labels_.isEmpty()) return height + 3 * (line + 8);
    const bool above = labelsAbove(width);
    for (const QString& label : labels_) height += (line + 8) + (above ? labelHeight(label, width) + 2 : 0);
    return height;
}

QSize ScoreBars::sizeHint() const {
    const int line = fontMetrics().height();
    const int rows = std::max<int>(3, int(labels_.size()));
    return {360, std::max((title_.isEmpty() ? 0 : line + 8) + rows * (line + 8) + 6, heightForWidth(360))};
}

QSize ScoreBars::minimumSizeHint() const {
    const int line = fontMetrics().height();
    const int rows = std::clamp<int>(int(labels_.size()), 2, 4);
    return {200, (title_.isEmpty() ? 0 : line + 8) + rows * (line + 8)};
}

void ScoreBars::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics = fontMetrics();
    const int line = metrics.height();
    int y = 2;
    if (!title_.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(4, y, width() - 8, line + 4), Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetrics(bold).elidedText(title_, Qt::ElideRight, width() - 8));
        painter.setFont(font());
        y += line + 8;
    }
    if (!message_.isEmpty()) {
        painter.setPen(viewPalette().mutedText);
        painter.drawText(QRect(4, y, width() - 8, height() - y), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, message_);
        return;
    }
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    const bool above = labelsAbove(width());
    int labelWidth = 0;
    if (!above) {
        for (const QString& label : labels_) labelWidth = std::max(labelWidth, boldMetrics.horizontalAdvance(label));
        labelWidth = std::min(labelWidth + 12, width() / 2);
    }
    const QString widest = kind_ == Kind::Probability ? QStringLiteral("100.0%") : QStringLiteral("−100.00");
    const int numberWidth = metrics.horizontalAdvance(widest) + 10;
    const int barLeft = 4 + labelWidth;
    const int barWidth = std::max(20, width() - barLeft - numberWidth - 6);
    const int barsTop = y;
    std::vector<std::pair<int, int>> barRows;  // where the threshold crosses bars (not the labels above them)
    for (int i = 0; i < labels_.size(); ++i) {
        QFont f = font();
        f.setBold(i == marked_);
        painter.setFont(f);
        painter.setPen(palette().color(QPalette::WindowText));
        if (above) {
            // The whole label, wrapped over the bar's width, then the bar.
            const int height = labelHeight(labels_[i], width());
            painter.drawText(QRect(4, y, width() - 8, height), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, labels_[i]);
            y += height + 2;
        }
        const QRect row(4, y, width() - 8, line + 8);
        y += line + 8;
        barRows.emplace_back(row.top(), y);
        if (!above) {
            painter.drawText(QRect(row.left(), row.top(), labelWidth - 8, row.height()), Qt::AlignRight | Qt::AlignVCenter,
                             QFontMetrics(f).elidedText(labels_[i], Qt::ElideRight, labelWidth - 8));
        }
        const double v = values_[std::size_t(i)];
        const int length = int(std::round(fraction(v) * barWidth));
        const QRect bar(barLeft, row.top() + 4, std::max(length, 2), row.height() - 8);
        painter.setPen(Qt::NoPen);
        painter.setBrush(i == marked_ ? viewPalette().barMarked : viewPalette().barFill);
        painter.drawRoundedRect(bar, 3, 3);
        painter.setPen(i == marked_ ? palette().color(QPalette::WindowText) : viewPalette().mutedText);
        QString number;
        if (!std::isfinite(v)) {
            number = QStringLiteral("—");
        } else if (kind_ == Kind::Probability) {
            number = v < 0.001 && v > 0 ? QStringLiteral("<0.1%") : QString::number(v * 100.0, 'f', 1) + QLatin1Char('%');
        } else {
            number = QString::number(v, 'f', 2).replace(QLatin1Char('-'), QChar(0x2212));
        }
        painter.drawText(QRect(bar.right() + 6, row.top(), numberWidth + 40, row.height()), Qt::AlignLeft | Qt::AlignVCenter, number);
    }
    if (kind_ == Kind::LogProbability && thresholdShown_ && !labels_.isEmpty()) {
        const int x = barLeft + int(std::round(fraction(threshold_) * barWidth));
        painter.setPen(QPen(viewPalette().threshold, 2, Qt::DashLine));
        if (above) {
            for (const auto& [top, bottom] : barRows) painter.drawLine(x, top, x, bottom);
        } else {
            painter.drawLine(x, barsTop - 2, x, y);
        }
    }
}

}  // namespace pretrainlab::widgets
