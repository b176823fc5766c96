#include "widgets/attention_heatmap.hpp"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <array>
#include <cmath>

#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {
namespace {

constexpr int maximumCell = 60;

QString quoted(const QString& token) { return QStringLiteral("“%1”").arg(token); }

}  // namespace

AttentionHeatmap::AttentionHeatmap(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void AttentionHeatmap::setMatrix(int rows, int cols, std::vector<float> values, QStringList rowLabels,
                                 QStringList colLabels, std::vector<std::uint8_t> hidden) {
    rows_ = std::max(0, rows);
    cols_ = std::max(0, cols);
    values_ = std::move(values);
    values_.resize(std::size_t(rows_ * cols_), 0.0f);
    hidden_ = std::move(hidden);
    if (!hidden_.empty()) hidden_.resize(values_.size(), 0);
    rowLabels_ = std::move(rowLabels);
    colLabels_ = std::move(colLabels);
    while (rowLabels_.size() < rows_) rowLabels_ << QString::number(rowLabels_.size() + 1);
    while (colLabels_.size() < cols_) colLabels_ << QString::number(colLabels_.size() + 1);
    if (highlightedRow_ >= rows_) highlightedRow_ = -1;
    hover_ = {-1, -1};
    geometry_ = layout();
    update();
}

void AttentionHeatmap::clear() { setMatrix(0, 0, {}, {}, {}); }

void AttentionHeatmap::setMode(Mode mode) {
    mode_ = mode;
    geometry_ = layout();
    update();
}

void AttentionHeatmap::setTitle(const QString& title) {
    title_ = title;
    geometry_ = layout();
    update();
}

void AttentionHeatmap::setAxisNames(const QString& rows, const QString& cols) {
    rowAxis_ = rows;
    colAxis_ = cols;
    geometry_ = layout();
    update();
}

void AttentionHeatmap::setCompact(bool compact) {
    compact_ = compact;
    setCursor(compact ? Qt::PointingHandCursor : Qt::ArrowCursor);
    geometry_ = layout();
    updateGeometry();
    update();
}

void AttentionHeatmap::setSelected(bool selected) {
    selected_ = selected;
    update();
}

void AttentionHeatmap::setHighlightedRow(int row) {
    highlightedRow_ = row >= 0 && row < rows_ ? row : -1;
    update();
}

QColor AttentionHeatmap::weightColour(float value) {
    return viewPalette().heat(std::isfinite(value) ? value : 0.0f);
}

AttentionHeatmap::Geometry AttentionHeatmap::layout() const {
    Geometry g;
    const QFontMetrics metrics = fontMetrics();
    const int line = metrics.height();
    QRect area = rect().adjusted(4, 4, -4, -4);
    if (!title_.isEmpty()) {
        g.title = QRect(area.left(), area.top(), area.width(), compact_ ? line : line + 6);
        area.setTop(g.title.bottom() + 4);
    }
    if (rows_ == 0 || cols_ == 0) return g;
    if (compact_) {
        g.cell = g.cellWidth = g.cellHeight = std::max(1, std::min(area.width() / cols_, area.height() / rows_));
        const QSize size(g.cell * cols_, g.cell * rows_);
        g.matrix = QRect(QPoint(area.left() + (area.width() - size.width()) / 2, area.top()), size);
        return g;
    }
    if (rows_ == 1 && mode_ == Mode::Weights) {
        g.strip = true;
        const int legendWidth = metrics.horizontalAdvance(QStringLiteral("0.00")) + 34;
        // Never wider in total than the room: cells narrow (down to a sliver) rather than run under
        // the legend or off the edge.
        g.cellWidth = std::clamp((area.width() - legendWidth) / cols_, 4, 150);
        g.cellHeight = line * 2;
        g.cell = std::min(g.cellWidth, g.cellHeight);
        g.matrix = QRect(area.left(), area.top() + 2, g.cellWidth * cols_, g.cellHeight);
        g.legend = QRect(g.matrix.right() + 14, g.matrix.top(), 14, g.cellHeight + line);
        g.labelFontSize = QFontInfo(font()).pixelSize();
        return g;
    }
    // Labels shrink with the cells, down to a readable minimum.
    QFont font = this->font();
    int longestRow = 0, longestCol = 0;
    for (const QString& label : rowLabels_) longestRow = std::max(longestRow, metrics.horizontalAdvance(label));
    for (const QString& label : colLabels_) longestCol = std::max(longestCol, metrics.horizontalAdvance(label));
    // Narrow: the axis name goes, the labels stay.
    const bool roomForAxis = !rowAxis_.isEmpty() && area.width() > 420;
    const int rowAxis = roomForAxis ? line + 4 : 0;
    // Room for the labels, up to a quarter of the height (a fifth of the width): at large text the
    // tokens read whole instead of as "sle…".
    const int left = rowAxis + std::min(longestRow, std::max(170, area.width() / 5)) + 10;
    const int top = std::min(longestCol, std::max(100, area.height() / 4)) + 10;
    const int legendWidth = mode_ == Mode::Weights ? metrics.horizontalAdvance(QStringLiteral("0.00")) + 34 : 0;
    const int bottom = line + 8 + (mode_ == Mode::Mask ? line + 8 : 0);
    const int width = area.width() - left - legendWidth - 8;
    const int height = area.height() - top - bottom;
    g.cell = g.cellWidth = g.cellHeight = std::clamp(std::min(width / cols_, height / rows_), 4, maximumCell);
    const QSize size(g.cell * cols_, g.cell * rows_);
    const int x = area.left() + left + std::max(0, (width - size.width()) / 2);
    g.matrix = QRect(QPoint(x, area.top() + top), size);
    if (legendWidth > 0) {
        g.legend = QRect(g.matrix.right() + 14, g.matrix.top(), 14, std::max(g.cell * rows_, 3 * line));
    }
    g.labelFontSize = std::clamp(int(g.cell * 0.72), 9, font.pixelSize() > 0 ? font.pixelSize() : QFontInfo(font).pixelSize());
    return g;
}

void AttentionHeatmap::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    geometry_ = layout();
}

QRect AttentionHeatmap::cellRect(int row, int col) const {
    const Geometry& g = geometry_;
    return {g.matrix.left() + col * g.cellWidth, g.matrix.top() + row * g.cellHeight, g.cellWidth, g.cellHeight};
}

QPoint AttentionHeatmap::cellAt(const QPoint& point) const {
    const Geometry& g = geometry_;
    if (g.cellWidth <= 0 || g.cellHeight <= 0 || !g.matrix.contains(point)) return {-1, -1};
    const int col = (point.x() - g.matrix.left()) / g.cellWidth;
    const int row = (point.y() - g.matrix.top()) / g.cellHeight;
    if (row < 0 || row >= rows_ || col < 0 || col >= cols_) return {-1, -1};
    return {col, row};
}

QString AttentionHeatmap::describeAt(const QPoint& point) const {
    const QPoint cell = cellAt(point);
    if (cell.x() < 0) return {};
    const int row = cell.y(), col = cell.x();
    const QString query = tr("%1 (position %2)").arg(quoted(rowLabels_[row])).arg(row + 1);
    const QString key = tr("%1 (position %2)").arg(quoted(colLabels_[col])).arg(col + 1);
    if (isHidden(row, col)) return tr("%1 may not look at %2").arg(query, key);
    if (mode_ == Mode::Mask) return tr("%1 may look at %2").arg(query, key);
    return tr("%1 looks at %2 with weight %3").arg(query, key).arg(double(value(row, col)), 0, 'f', 3);
}

void AttentionHeatmap::mouseMoveEvent(QMouseEvent* event) {
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell != hover_) {
        hover_ = cell;
        update();
    }
    const QString text = describeAt(event->position().toPoint());
    if (text.isEmpty()) {
        QToolTip::hideText();
    } else {
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
    }
}

void AttentionHeatmap::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) emit clicked();
    QWidget::mousePressEvent(event);
}

void AttentionHeatmap::leaveEvent(QEvent* event) {
    hover_ = {-1, -1};
    update();
    QWidget::leaveEvent(event);
}

QSize AttentionHeatmap::sizeHint() const {
    // Modest: a tab that scrolls sizes its content to the preferred heights, so a large hint would
    // push the map below the fold; with room to spare the layouts stretch it to fill.
    if (compact_) return {90, 98};
    return {320, 280};
}

QSize AttentionHeatmap::minimumSizeHint() const {
    if (compact_) return {48, 56};
    return {200, 180};
}

void AttentionHeatmap::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const ViewPalette& colours = viewPalette();
    const Geometry& g = geometry_;
    const QFontMetrics metrics = fontMetrics();
    if (!title_.isEmpty()) {
        QFont font = this->font();
        font.setBold(!compact_);
        if (compact_) font.setPointSizeF(font.pointSizeF() * 0.8);
        painter.setFont(font);
        painter.setPen(compact_ ? colours.mutedText : palette().color(QPalette::WindowText));
        painter.drawText(g.title, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                         QFontMetrics(font).elidedText(title_, Qt::ElideRight, g.title.width()));
        painter.setFont(this->font());
    }
    if (rows_ == 0 || cols_ == 0 || g.cell <= 0) return;

    // Cells
    const QBrush hatch(colours.maskHatch, Qt::BDiagPattern);
    for (int r = 0; r < rows_; ++r) {
        for (int c = 0; c < cols_; ++c) {
            const QRect cell = cellRect(r, c);
            if (isHidden(r, c)) {
                painter.fillRect(cell, colours.maskHidden);
                if (g.cell >= 6) painter.fillRect(cell, hatch);
            } else if (mode_ == Mode::Mask) {
                painter.fillRect(cell, value(r, c) > 0.5f ? colours.maskAllowed : colours.maskHidden);
            } else {
                painter.fillRect(cell, weightColour(value(r, c)));
            }
        }
    }
    if (g.cell >= 8) {
        painter.setPen(QPen(colours.cellLine, 1));
        for (int r = 1; r < rows_; ++r) painter.drawLine(g.matrix.left(), g.matrix.top() + r * g.cellHeight, g.matrix.right(), g.matrix.top() + r * g.cellHeight);
        for (int c = 1; c < cols_; ++c) painter.drawLine(g.matrix.left() + c * g.cellWidth, g.matrix.top(), g.matrix.left() + c * g.cellWidth, g.matrix.bottom());
    }
    if (g.strip) {
        // The tokens inside their cells, the weights under them.
        QFont small = font();
        small.setPointSizeF(font().pointSizeF() * 0.8);
        // The words shrink together until the longest fits its cell (down to a readable size);
        // the weights under them show only where they fit without touching (hover shows each).
        QFont words = font();
        int longest = 0;
        for (const QString& label : colLabels_) longest = std::max(longest, fontMetrics().horizontalAdvance(label));
        const int room = std::max(1, g.cellWidth - 4);
        if (longest > room) words.setPointSizeF(std::max(7.0, words.pointSizeF() * double(room) / longest));
        const bool numbers = QFontMetrics(small).horizontalAdvance(QStringLiteral("0.00")) + 4 <= g.cellWidth;
        for (int c = 0; c < cols_; ++c) {
            const QRect cell = cellRect(0, c);
            const float v = value(0, c);
            painter.setPen(v > 0.45f ? colours.heatmapLightText : colours.heatmapDarkText);
            painter.setFont(words);
            painter.drawText(cell.adjusted(2, 0, -2, 0), Qt::AlignCenter,
                             QFontMetrics(words).elidedText(colLabels_[c], Qt::ElideRight, cell.width() - 4));
            if (!numbers) continue;
            painter.setFont(small);
            painter.setPen(colours.mutedText);
            painter.drawText(QRect(cell.left(), cell.bottom() + 2, cell.width(), QFontMetrics(small).height()),
                             Qt::AlignHCenter | Qt::AlignTop, QString::number(double(v), 'f', 2));
        }
        painter.setFont(font());
        painter.setPen(QPen(colours.gridLine, 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(g.matrix.adjusted(0, 0, -1, -1));
        if (hover_.x() >= 0) {
            painter.setPen(QPen(colours.outline, 2));
            painter.drawRect(cellRect(0, hover_.x()).adjusted(1, 1, -1, -1));
        }
    }
    // Weights large enough to read inside the cell.
    if (!g.strip && !compact_ && mode_ == Mode::Weights && g.cell >= metrics.horizontalAdvance(QStringLiteral(".00")) + 8) {
        QFont small = font();
        small.setPixelSize(std::max(8, int(g.cell * 0.34)));
        painter.setFont(small);
        for (int r = 0; r < rows_; ++r) {
            for (int c = 0; c < cols_; ++c) {
                if (isHidden(r, c)) continue;
                const float v = value(r, c);
                if (v < 0.005f) continue;
                painter.setPen(v > 0.45f ? colours.heatmapLightText : colours.heatmapDarkText);
                painter.drawText(cellRect(r, c), Qt::AlignCenter, QString::number(double(v), 'f', 2).mid(v >= 0.995f ? 0 : 1));
            }
        }
        painter.setFont(font());
    }
    if (!g.strip) {
        painter.setPen(QPen(colours.gridLine, 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(g.matrix.adjusted(0, 0, -1, -1));
    }

    // The highlighted row: the others fade, the row gets an orange frame.
    if (highlightedRow_ >= 0) {
        for (int r = 0; r < rows_; ++r) {
            if (r != highlightedRow_) painter.fillRect(QRect(cellRect(r, 0).topLeft(), cellRect(r, cols_ - 1).bottomRight()), colours.wash);
        }
        painter.setPen(QPen(colours.highlight, compact_ ? 2 : 3));
        painter.drawRect(QRect(cellRect(highlightedRow_, 0).topLeft(), cellRect(highlightedRow_, cols_ - 1).bottomRight()));
    }
    if (hover_.x() >= 0 && !g.strip) {
        painter.setPen(QPen(colours.outline, 2));
        painter.drawRect(cellRect(hover_.y(), hover_.x()).adjusted(1, 1, -1, -1));
    }
    if (selected_) {
        painter.setPen(QPen(colours.highlight, 3));
        painter.drawRect(g.matrix.adjusted(-3, -3, 2, 2));
    }
    if (compact_) return;

    const int below = g.matrix.bottom() + 6;
    if (!g.strip) {
        // Row labels (queries) on the left, column labels (keys) on top, rotated.
        QFont labelFont = font();
        labelFont.setPixelSize(g.labelFontSize);
        painter.setFont(labelFont);
        const QFontMetrics labels(labelFont);
        for (int r = 0; r < rows_; ++r) {
            QFont f = labelFont;
            f.setBold(r == highlightedRow_ || r == hover_.y());
            painter.setFont(f);
            painter.setPen(r == highlightedRow_ ? colours.highlight : palette().color(QPalette::WindowText));
            const QRect box(0, g.matrix.top() + r * g.cell, g.matrix.left() - 6, g.cell);
            // Clear of the rotated axis name at the left edge, when there is one.
            const int axis = !rowAxis_.isEmpty() && rect().width() - 8 > 420 ? fontMetrics().height() + 8 : 0;
            painter.drawText(box, Qt::AlignRight | Qt::AlignVCenter,
                             labels.elidedText(rowLabels_[r], Qt::ElideRight, std::max(20, box.width() - axis)));
        }
        for (int c = 0; c < cols_; ++c) {
            QFont f = labelFont;
            f.setBold(c == hover_.x());
            painter.setFont(f);
            painter.setPen(palette().color(QPalette::WindowText));
            painter.save();
            painter.translate(g.matrix.left() + c * g.cell + g.cell / 2 + labels.ascent() / 2 - 1, g.matrix.top() - 6);
            painter.rotate(-90);
            painter.drawText(QPoint(0, 0), labels.elidedText(colLabels_[c], Qt::ElideRight,
                                                             std::max(20, g.matrix.top() - 6 - (g.title.isValid() ? g.title.bottom() : 0))));
            painter.restore();
        }
        painter.setFont(font());
        painter.setPen(colours.mutedText);
        if (!rowAxis_.isEmpty() && rect().width() - 8 > 420) {
            painter.save();
            painter.translate(metrics.ascent() + 2, g.matrix.center().y());
            painter.rotate(-90);
            painter.drawText(QRect(-g.matrix.height() / 2 - 100, -metrics.ascent(), g.matrix.height() + 200, metrics.height()),
                             Qt::AlignCenter, rowAxis_);
            painter.restore();
        }
        if (!colAxis_.isEmpty()) {
            // Centred under the matrix, kept inside the widget.
            const int textWidth = std::min(metrics.horizontalAdvance(colAxis_), width() - 8);
            const int x = std::clamp(g.matrix.center().x() - textWidth / 2, 4, std::max(4, width() - 4 - textWidth));
            painter.drawText(QRect(x, below, textWidth, metrics.height()), Qt::AlignHCenter | Qt::AlignTop,
                             metrics.elidedText(colAxis_, Qt::ElideRight, textWidth));
        }
    }

    // The colour scale, or the mask's two swatches.
    if (mode_ == Mode::Weights && g.legend.isValid()) {
        QLinearGradient gradient(g.legend.bottomLeft(), g.legend.topLeft());
        for (std::size_t i = 0; i < colours.heatmap.size(); ++i) gradient.setColorAt(colours.heatmapStops[i], colours.heatmap[i]);
        painter.fillRect(g.legend, gradient);
        painter.setPen(colours.gridLine);
        painter.drawRect(g.legend.adjusted(0, 0, -1, -1));
        painter.setPen(colours.mutedText);
        for (double v : {0.0, 0.5, 1.0}) {
            const int y = g.legend.bottom() - int(v * g.legend.height());
            painter.drawText(QPoint(g.legend.right() + 5, y + metrics.ascent() / 2 - 1), QString::number(v, 'f', 1));
        }
    } else if (mode_ == Mode::Mask) {
        const int box = metrics.ascent();
        const int legendWidth = 2 * (box + 6 + 20) + metrics.horizontalAdvance(tr("may look")) + metrics.horizontalAdvance(tr("hidden"));
        int x = std::max(4, std::min(g.matrix.left(), width() - 4 - legendWidth));
        const int y = below + (colAxis_.isEmpty() ? 0 : metrics.height() + 4);
        for (int i = 0; i < 2; ++i) {
            const QRect swatch(x, y + 2, box, box);
            painter.fillRect(swatch, i == 0 ? colours.maskAllowed : colours.maskHidden);
            if (i == 1) painter.fillRect(swatch, hatch);
            painter.setPen(colours.gridLine);
            painter.drawRect(swatch.adjusted(0, 0, -1, -1));
            painter.setPen(colours.mutedText);
            const QString text = i == 0 ? tr("may look") : tr("hidden");
            painter.drawText(QPoint(x + box + 6, y + 2 + box - 1), text);
            x += box + 6 + metrics.horizontalAdvance(text) + 20;
        }
    }
}

}  // namespace pretrainlab::widgets
