#include "widgets/token_chips_view.hpp"
#include "widgets/view_palette.hpp"

#include <QEvent>
#include <QLocale>
#include <QPainter>
#include <QPaintEvent>
#include <QPainterPath>
#include <QResizeEvent>
#include <algorithm>
#include <cmath>

#include "widgets/token_colors.hpp"

namespace pretrainlab::widgets {
namespace {

constexpr double chipPaddingX = 9.0;
constexpr double chipPaddingY = 4.0;
constexpr double chipSpacing = 7.0;
constexpr double rowSpacing = 10.0;
constexpr double labelGap = 18.0;
constexpr double margin = 10.0;
// The part of the animation in which the two halves slide together; the rest is the pulse.
constexpr double slidePhase = 0.55;


QFont idFont(const QFont& base) {
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * 0.72);
    return font;
}

QFont chipFont(const QFont& base) {
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * 1.12);
    font.setWeight(QFont::DemiBold);
    return font;
}

QString countText(quint64 count) {
    return QStringLiteral("×%1").arg(QLocale().toString(count));
}

}  // namespace

TokenChipsView::TokenChipsView(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    animation_.setStartValue(0.0);
    animation_.setEndValue(1.0);
    animation_.setDuration(650);
    animation_.setEasingCurve(QEasingCurve::InOutCubic);
    connect(&animation_, &QVariantAnimation::valueChanged, this, [this](const QVariant& value) {
        progress_ = value.toDouble();
        update();
    });
}

void TokenChipsView::setWords(std::vector<ChipWord> words, std::size_t totalWords,
                              bool animateMerges) {
    words_ = std::move(words);
    totalWords_ = std::max(totalWords, words_.size());
    measureLabels();
    invalidateLayout();
    animation_.stop();
    progress_ = 1.0;
    const bool anyMerged = std::any_of(words_.begin(), words_.end(), [](const ChipWord& word) {
        return std::any_of(word.chips.begin(), word.chips.end(),
                           [](const TokenChip& chip) { return chip.justMerged; });
    });
    if (animateMerges && anyMerged && animation_.duration() > 0) {
        progress_ = 0.0;
        animation_.start();
    }
    fitHeight();
    update();
}

// A scroll area sizes its widget by the minimum size, not by height-for-width: keep the minimum
// height at what the current width needs, so long corpora scroll instead of being cut off.
void TokenChipsView::fitHeight() {
    const int needed = layoutFor(width()).height;
    if (minimumHeight() != needed) setMinimumHeight(needed);
    updateGeometry();
}

void TokenChipsView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (event->size().width() != event->oldSize().width()) fitHeight();
}

void TokenChipsView::setShowIds(bool show) {
    showIds_ = show;
    invalidateLayout();
    fitHeight();
    update();
}

QString TokenChipsView::segmentationText() const {
    QStringList lines;
    for (const ChipWord& word : words_) {
        QStringList pieces;
        for (const TokenChip& chip : word.chips) {
            if (chip.tokenId >= 0 && !chip.unknown) pieces << chip.text;
        }
        lines << pieces.join(QLatin1Char(' '));
    }
    return lines.join(QLatin1Char('\n'));
}

void TokenChipsView::invalidateLayout() { layoutWidth_ = -1; }

void TokenChipsView::measureLabels() {
    const QFontMetricsF metrics(font());
    // The same words come back step after step: measure each text once.
    const auto width = [&](const QString& text) {
        auto it = labelTextWidths_.constFind(text);
        if (it != labelTextWidths_.constEnd()) return *it;
        if (labelTextWidths_.size() > 50000) labelTextWidths_.clear();
        return *labelTextWidths_.insert(text, metrics.horizontalAdvance(text));
    };
    const double space = width(QStringLiteral("  "));
    labelWidths_.clear();
    labelWidths_.reserve(words_.size());
    for (const ChipWord& word : words_) {
        labelWidths_.push_back(width(word.word) + (word.showsCount ? space + width(countText(word.count)) : 0.0));
    }
}

double TokenChipsView::chipTextWidth(const QString& text) const {
    auto it = textWidths_.constFind(text);
    if (it != textWidths_.constEnd()) return *it;
    const double width = QFontMetricsF(chipFont(font())).horizontalAdvance(text);
    if (textWidths_.size() > 50000) textWidths_.clear();
    textWidths_.insert(text, width);
    return width;
}

const TokenChipsView::Layout& TokenChipsView::layoutFor(int width) const {
    if (width == layoutWidth_) return layout_;
    layoutWidth_ = width;
    layout_ = Layout();
    Layout& layout = layout_;
    const QFontMetricsF labelMetrics(font());
    const QFontMetricsF chipMetrics(chipFont(font()));
    const QFontMetricsF idMetrics(idFont(font()));
    const double chipHeight = chipMetrics.height() + 2 * chipPaddingY;
    const double idHeight = showIds_ ? idMetrics.height() : 0.0;
    const int drawn = static_cast<int>(words_.size());

    double labelWidth = 0;
    for (const double width : labelWidths_) labelWidth = std::max(labelWidth, width);
    labelWidth = std::min(labelWidth, std::max(80.0, width * 0.35));
    const double chipsLeft = margin + labelWidth + labelGap;
    const double right = std::max(chipsLeft + 40.0, width - margin);

    double y = margin;
    for (int w = 0; w < drawn; ++w) {
        const ChipWord& word = words_[static_cast<std::size_t>(w)];
        layout.labels.emplace_back(margin, y, labelWidth, chipHeight);
        double x = chipsLeft;
        for (int c = 0; c < static_cast<int>(word.chips.size()); ++c) {
            const TokenChip& chip = word.chips[static_cast<std::size_t>(c)];
            if (chip.tokenId < 0) {  // a gap between words
                x += 2 * chipSpacing;
                continue;
            }
            double chipWidth = chipTextWidth(chip.text) + 2 * chipPaddingX;
            if (showIds_) {
                chipWidth = std::max(chipWidth, idMetrics.horizontalAdvance(chip.unknown ? tr("no id")
                                                                                         : QString::number(chip.tokenId)) + 4);
            }
            if (x > chipsLeft && x + chipWidth > right) {  // wrap long words
                x = chipsLeft;
                y += chipHeight + idHeight + chipSpacing;
            }
            layout.chips.push_back({QRectF(x, y, chipWidth, chipHeight), w, c});
            x += chipWidth + chipSpacing;
        }
        y += chipHeight + idHeight + rowSpacing;
    }
    if (totalWords_ > words_.size()) y += labelMetrics.height() + rowSpacing;
    layout.height = static_cast<int>(std::ceil(y + margin));
    return layout;
}

QSize TokenChipsView::sizeHint() const { return {520, heightForWidth(520)}; }

QSize TokenChipsView::minimumSizeHint() const {
    return {240, static_cast<int>(QFontMetricsF(chipFont(font())).height() * 2)};
}

int TokenChipsView::heightForWidth(int width) const { return layoutFor(width).height; }

void TokenChipsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        textWidths_.clear();
        labelTextWidths_.clear();
        measureLabels();
        invalidateLayout();
        fitHeight();
    }
    QWidget::changeEvent(event);
}

void TokenChipsView::drawChip(QPainter& painter, const TokenChip& chip, const QRectF& rect) const {
    const TokenColors colors = tokenColors(chip.tokenId, chip.isMerged);
    const double radius = rect.height() * 0.28;
    const auto drawBox = [&](const QRectF& box, const QColor& fill, const QColor& border,
                             const QString& text) {
        QPainterPath path;
        path.addRoundedRect(box, radius, radius);
        painter.fillPath(path, fill);
        painter.setPen(QPen(border, 1.6));
        painter.drawPath(path);
        painter.setPen(colors.text);
        painter.drawText(box, Qt::AlignCenter, text);
    };

    if (chip.justMerged && progress_ < slidePhase) {
        // The two tokens that fuse, sliding toward each other.
        const double t = progress_ / slidePhase;
        const QFontMetricsF metrics(painter.font());
        const double leftWidth = metrics.horizontalAdvance(chip.leftPart) + 2 * chipPaddingX;
        const double rightWidth = metrics.horizontalAdvance(chip.rightPart) + 2 * chipPaddingX;
        const double scale = rect.width() / (leftWidth + rightWidth);
        const double apart = (1.0 - t) * 12.0;
        const QRectF leftBox(rect.left() - apart, rect.top(), leftWidth * scale, rect.height());
        const QRectF rightBox(leftBox.right() + 2 * apart, rect.top(), rightWidth * scale,
                              rect.height());
        drawBox(leftBox, viewPalette().chipPale, viewPalette().chipPaleBorder, chip.leftPart);
        drawBox(rightBox, viewPalette().chipPale, viewPalette().chipPaleBorder, chip.rightPart);
        return;
    }

    if (chip.unknown) {
        // Not a token: the character has no id and encoding drops it. Dashed and struck through.
        QPainterPath path;
        path.addRoundedRect(rect, radius, radius);
        painter.fillPath(path, viewPalette().chipPale);
        painter.setPen(QPen(viewPalette().errorText, 1.6, Qt::DashLine));
        painter.drawPath(path);
        painter.setPen(viewPalette().errorText);
        painter.drawText(rect, Qt::AlignCenter, chip.text);
        painter.drawLine(QPointF(rect.left() + 3, rect.center().y()), QPointF(rect.right() - 3, rect.center().y()));
        return;
    }
    drawBox(rect, colors.fill, colors.border, chip.text);
    if (chip.justMerged) {
        // A ring that pulses once, then stays to mark what the last merge made.
        const double pulse = progress_ < 1.0 ? (1.0 - progress_) / (1.0 - slidePhase) : 0.0;
        const double grow = 2.0 + 5.0 * pulse;
        QPainterPath ring;
        ring.addRoundedRect(rect.adjusted(-grow, -grow, grow, grow), radius + grow, radius + grow);
        painter.setPen(QPen(viewPalette().marker, 3.0));
        painter.drawPath(ring);
    }
}

void TokenChipsView::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const Layout& layout = layoutFor(width());
    // Inside a scroll area only a few rows are exposed: draw just those.
    const QRectF exposed = QRectF(event->rect()).adjusted(-12, -12, 12, 12);

    const QColor muted = palette().color(QPalette::PlaceholderText);
    for (std::size_t w = 0; w < layout.labels.size(); ++w) {
        const ChipWord& word = words_[w];
        const QRectF& box = layout.labels[w];
        if (!box.intersects(exposed)) continue;
        const QString count = word.showsCount ? countText(word.count) : QString();
        const QFontMetricsF metrics(font());
        const double countWidth = metrics.horizontalAdvance(count);
        const double countSpace = word.showsCount ? countWidth + metrics.horizontalAdvance(QStringLiteral("  ")) : 0.0;
        // A little slack: widths measured and drawn can differ by a fraction of a pixel.
        const QString elided = metrics.elidedText(word.word, Qt::ElideRight, std::max(10.0, box.width() - countSpace + 1.0));
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, elided);
        painter.setPen(muted);
        painter.drawText(box.adjusted(metrics.horizontalAdvance(elided + QStringLiteral("  ")), 0, 0, 0),
                         Qt::AlignLeft | Qt::AlignVCenter, count);
    }

    painter.setFont(chipFont(font()));
    for (const ChipPlace& place : layout.chips) {
        if (!place.rect.intersects(exposed)) continue;
        drawChip(painter, words_[static_cast<std::size_t>(place.word)].chips[static_cast<std::size_t>(place.chip)],
                 place.rect);
    }
    if (showIds_) {
        painter.setFont(idFont(font()));
        painter.setPen(muted);
        const double idHeight = QFontMetricsF(painter.font()).height();
        for (const ChipPlace& place : layout.chips) {
            if (!place.rect.intersects(exposed)) continue;
            const TokenChip& chip = words_[static_cast<std::size_t>(place.word)].chips[static_cast<std::size_t>(place.chip)];
            painter.drawText(QRectF(place.rect.left() - 8, place.rect.bottom(), place.rect.width() + 16, idHeight),
                             Qt::AlignHCenter | Qt::AlignTop, chip.unknown ? tr("no id") : QString::number(chip.tokenId));
        }
    }

    if (totalWords_ > words_.size()) {
        painter.setFont(font());
        painter.setPen(muted);
        const QString more = tr("… and %1 more words").arg(QLocale().toString(
            static_cast<qulonglong>(totalWords_ - words_.size())));
        painter.drawText(QRectF(margin, layout.height - margin - QFontMetricsF(font()).height() - rowSpacing,
                                width() - 2 * margin, QFontMetricsF(font()).height()),
                         Qt::AlignLeft | Qt::AlignVCenter, more);
    }
}

}  // namespace pretrainlab::widgets
