#include "widgets/probe_panel.hpp"
#include "widgets/view_palette.hpp"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace pretrainlab::widgets {
ProbePanel::ProbePanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("probePanel"));
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void ProbePanel::setOutcomes(const std::vector<train::ProbeOutcome>& outcomes, std::size_t step) {
    outcomes_ = outcomes;
    step_ = step;
    message_.clear();
    updateGeometry();
    update();
}

void ProbePanel::setItems(const std::vector<data::ProbeItem>& items) {
    outcomes_.clear();
    for (const data::ProbeItem& item : items) outcomes_.push_back({item, {}, 0, false});
    step_ = 0;
    updateGeometry();
    update();
}

void ProbePanel::setMessage(const QString& message) {
    message_ = message;
    update();
}

int ProbePanel::rowHeight() const { return fontMetrics().height() * 3 + 14; }

// The sentence with its blank, and " → answer", wrapped to the width.
QString ProbePanel::sentenceText(const train::ProbeOutcome& outcome) const {
    return QString::fromStdString(outcome.item.withBlank("____")) + tr("   → %1").arg(QString::fromStdString(outcome.item.answer));
}

int ProbePanel::rowHeightFor(const train::ProbeOutcome& outcome, int width) const {
    const QRect wrapped = fontMetrics().boundingRect(QRect(0, 0, std::max(60, width - 12), 10000),
                                                     Qt::TextWordWrap | Qt::AlignLeft, sentenceText(outcome));
    return fontMetrics().height() * 2 + wrapped.height() + 14;
}

QSize ProbePanel::sizeHint() const { return {360, heightForWidth(360)}; }

QSize ProbePanel::minimumSizeHint() const { return {240, rowHeight()}; }

int ProbePanel::heightForWidth(int width) const {
    int height = message_.isEmpty() ? 0 : fontMetrics().height() + 8;
    for (const train::ProbeOutcome& outcome : outcomes_) height += rowHeightFor(outcome, width);
    return std::max(height, rowHeight());
}

void ProbePanel::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics = fontMetrics();
    const int line = metrics.height();
    int y = 2;
    if (!message_.isEmpty()) {
        painter.setPen(viewPalette().mutedText);
        painter.drawText(QRect(6, y, width() - 12, line + 4), Qt::AlignLeft | Qt::AlignVCenter, message_);
        y += line + 8;
    }
    const QLocale locale;
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    for (const train::ProbeOutcome& outcome : outcomes_) {
        const data::ProbeItem& item = outcome.item;
        // Line 1: the category, and whether the model's best guess is right.
        painter.setFont(small);
        painter.setPen(viewPalette().mutedText);
        QString heading = QString::fromStdString(std::string(data::probeCategoryName(item.category)));
        if (!outcome.top.empty()) heading += outcome.correct ? tr("  ✓ right") : tr("  ✗ not yet");
        painter.drawText(QRect(6, y, width() - 12, line), Qt::AlignLeft | Qt::AlignVCenter, heading);
        // Then the sentence with its blank and the answer, wrapped.
        painter.setFont(font());
        painter.setPen(palette().color(QPalette::WindowText));
        const int rowTop = y;
        const QRect textBox(6, y + line, width() - 12, rowHeightFor(outcome, width()) - 2 * line - 14);
        painter.drawText(textBox, Qt::TextWordWrap | Qt::AlignLeft, sentenceText(outcome));
        y = textBox.top() + textBox.height() - 2 * line;  // the bars go under the text
        // Line 3: the top guesses as bars.
        painter.setFont(small);
        const QFontMetrics smallMetrics(small);
        int x = 6;
        const int barTop = y + 2 * line + 3;
        const int barHeight = line + 2;
        const bool finite = std::all_of(outcome.top.begin(), outcome.top.end(),
                                        [](const train::Prediction& p) { return std::isfinite(p.probability); });
        if (outcome.top.empty() || !finite) {
            painter.setPen(viewPalette().mutedText);
            painter.drawText(QRect(x, barTop, width() - 12, barHeight), Qt::AlignLeft | Qt::AlignVCenter,
                             outcome.top.empty() ? tr("(no guesses yet: start training)")
                                                 : tr("(its outputs overflow: no guesses)"));
            y = rowTop + rowHeightFor(outcome, width());
            painter.setPen(QPen(viewPalette().separator));
            painter.drawLine(4, y - 5, width() - 4, y - 5);
            continue;
        }
        bool answerShown = false;
        // The right answer's own probability, after the guesses, when they do not include it: the
        // guesses give way to it rather than cut it.
        const QString answerText = tr("%1: %2%").arg(QString::fromStdString(item.answer),
                                                     locale.toString(outcome.answerProbability * 100, 'f', 1));
        const int reserve = outcome.top.empty() ? 0 : fontMetrics().horizontalAdvance(answerText) + 12;
        for (const train::Prediction& guess : outcome.top) {
            const bool right = guess.token == item.answer;
            const QString text = QStringLiteral("%1 %2%").arg(QString::fromStdString(guess.token),
                                                               locale.toString(guess.probability * 100, 'f', 0));
            const int boxWidth = smallMetrics.horizontalAdvance(text) + 14;
            // Until the right answer has its box, room stays for "answer: p%" after the guesses.
            if (x + boxWidth > width() - 4 - (right || answerShown ? 0 : reserve)) break;
            answerShown = answerShown || right;
            const QRectF box(x, barTop, boxWidth, barHeight);
            QPainterPath path;
            path.addRoundedRect(box, 4, 4);
            painter.fillPath(path, viewPalette().base);
            // The filled share is the probability.
            QRectF share = box;
            share.setWidth(std::max(2.0, box.width() * guess.probability));
            painter.save();
            painter.setClipPath(path);
            painter.fillRect(share, right ? viewPalette().correctFill.darker(108) : viewPalette().guessFill.darker(104));
            painter.restore();
            painter.setPen(QPen(right ? viewPalette().correctBorder : viewPalette().guessBorder, right ? 2 : 1));
            painter.drawPath(path);
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(box, Qt::AlignCenter, text);
            x += boxWidth + 5;
        }
        if (!outcome.top.empty() && !answerShown) {
            painter.setPen(viewPalette().mutedText);
            painter.drawText(QRect(x + 2, barTop, width() - x - 4, barHeight), Qt::AlignLeft | Qt::AlignVCenter, answerText);
        }
        y = rowTop + rowHeightFor(outcome, width());
        painter.setPen(QPen(viewPalette().separator));
        painter.drawLine(4, y - 5, width() - 4, y - 5);
    }
}

}  // namespace pretrainlab::widgets
