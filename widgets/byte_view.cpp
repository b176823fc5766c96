#include "widgets/byte_view.hpp"
#include "widgets/view_palette.hpp"

#include <QPainter>
#include <QPainterPath>
#include <QResizeEvent>
#include <algorithm>
#include <cmath>

namespace pretrainlab::widgets {
namespace {

constexpr double margin = 8.0;
constexpr double gap = 10.0;       // between characters
constexpr double boxGap = 3.0;     // between a character's bytes
constexpr double boxPadding = 5.0;

QFont scaled(const QFont& base, double factor, bool bold = false) {
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

// Rows of a cell: the character, its code point, its bytes, their symbols.
struct Metrics {
    double glyph, code, box;
    explicit Metrics(const QFont& base)
        : glyph(QFontMetricsF(scaled(base, 1.5)).height()),
          code(QFontMetricsF(scaled(base, 0.7)).height()),
          box(QFontMetricsF(scaled(base, 0.9)).height() + 2 * boxPadding / 2) {}
    double cellHeight() const { return glyph + code + 2 * box + 2 * boxGap; }
};

}  // namespace

ByteView::ByteView(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void ByteView::setCells(std::vector<ByteCell> cells) {
    cells_ = std::move(cells);
    fitHeight();
    update();
}

double ByteView::cellWidth(const ByteCell& cell) const {
    const QFontMetricsF glyph(scaled(font(), 1.5));
    const QFontMetricsF small(scaled(font(), 0.9));
    const QFontMetricsF code(scaled(font(), 0.7));
    double boxes = 0;
    for (int i = 0; i < cell.bytes.size(); ++i) {
        const double box = std::max(small.horizontalAdvance(cell.bytes[i]),
                                    small.horizontalAdvance(cell.symbols.value(i))) + 2 * boxPadding;
        boxes += box + (i > 0 ? boxGap : 0);
    }
    return std::max({boxes, glyph.horizontalAdvance(cell.character), code.horizontalAdvance(cell.codePoint)});
}

std::vector<ByteView::Place> ByteView::layoutFor(int width, int* height) const {
    const Metrics metrics(font());
    std::vector<Place> places;
    double x = margin;
    double y = margin;
    const double rowHeight = metrics.cellHeight();
    for (std::size_t i = 0; i < cells_.size(); ++i) {
        const double w = cellWidth(cells_[i]);
        if (x > margin && x + w > width - margin) {
            x = margin;
            y += rowHeight + gap;
        }
        places.push_back({QRectF(x, y, w, rowHeight), i});
        x += w + gap;
    }
    *height = static_cast<int>(std::ceil(y + rowHeight + margin));
    return places;
}

int ByteView::heightForWidth(int width) const {
    int height = 0;
    layoutFor(width, &height);
    return height;
}

QSize ByteView::sizeHint() const { return {600, heightForWidth(600)}; }

void ByteView::fitHeight() {
    const int needed = heightForWidth(width());
    if (minimumHeight() != needed) setMinimumHeight(needed);
    updateGeometry();
}

void ByteView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (event->size().width() != event->oldSize().width()) fitHeight();
}

void ByteView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const Metrics metrics(font());
    int height = 0;
    const std::vector<Place> places = layoutFor(width(), &height);
    const QColor text = palette().color(QPalette::WindowText);
    const QColor muted = palette().color(QPalette::PlaceholderText);
    const ViewPalette& colours = viewPalette();
    const QColor& byteFill = colours.byteFill;
    const QColor& byteBorder = colours.byteBorder;
    const QColor& symbolFill = colours.symbolFill;
    const QColor& symbolBorder = colours.symbolBorder;
    const QFont glyphFont = scaled(font(), 1.5);
    const QFont codeFont = scaled(font(), 0.7);
    const QFont boxFont = scaled(font(), 0.9, true);
    const QFontMetricsF boxMetrics(boxFont);

    for (const Place& place : places) {
        const ByteCell& cell = cells_[place.cell];
        const QRectF r = place.rect;
        painter.setFont(glyphFont);
        painter.setPen(text);
        painter.drawText(QRectF(r.left(), r.top(), r.width(), metrics.glyph), Qt::AlignCenter, cell.character);
        painter.setFont(codeFont);
        painter.setPen(muted);
        painter.drawText(QRectF(r.left(), r.top() + metrics.glyph, r.width(), metrics.code), Qt::AlignCenter,
                         cell.codePoint);

        double boxesWidth = 0;
        std::vector<double> widths;
        for (int i = 0; i < cell.bytes.size(); ++i) {
            widths.push_back(std::max(boxMetrics.horizontalAdvance(cell.bytes[i]),
                                      boxMetrics.horizontalAdvance(cell.symbols.value(i))) + 2 * boxPadding);
            boxesWidth += widths.back() + (i > 0 ? boxGap : 0);
        }
        double x = r.left() + (r.width() - boxesWidth) / 2;
        const double byteTop = r.top() + metrics.glyph + metrics.code + boxGap;
        const double symbolTop = byteTop + metrics.box + boxGap;
        painter.setFont(boxFont);
        for (int i = 0; i < cell.bytes.size(); ++i) {
            const auto box = [&](double top, const QColor& fill, const QColor& border, const QString& label) {
                QPainterPath path;
                const QRectF rect(x, top, widths[static_cast<std::size_t>(i)], metrics.box);
                path.addRoundedRect(rect, 4, 4);
                painter.fillPath(path, fill);
                painter.setPen(QPen(border, 1.2));
                painter.drawPath(path);
                painter.setPen(text);
                painter.drawText(rect, Qt::AlignCenter, label);
            };
            box(byteTop, byteFill, byteBorder, cell.bytes[i]);
            box(symbolTop, symbolFill, symbolBorder, cell.symbols.value(i));
            x += widths[static_cast<std::size_t>(i)] + boxGap;
        }
    }
}

}  // namespace pretrainlab::widgets
