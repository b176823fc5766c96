#include "widgets/surface_view.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <algorithm>
#include <cmath>

#include "widgets/view_palette.hpp"

namespace pretrainlab::widgets {

namespace {

// The height drawn: the log of the loss above the window's lowest value, so valleys show their floor.
double heightAt(const optim::Surface& s, double x, double y, double floor) { return std::log(s.value({x, y}) - floor + 1e-3); }

}  // namespace

SurfaceView::SurfaceView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("surfaceView"));
    setMouseTracking(false);
    setCursor(Qt::CrossCursor);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void SurfaceView::setSurface(const optim::Surface& surface) {
    surface_ = surface;
    renderMap();
    update();
}

void SurfaceView::setPaths(std::vector<Path> paths) {
    paths_ = std::move(paths);
    update();
}

void SurfaceView::setStart(const optim::Point2& start) {
    start_ = start;
    update();
}

QRectF SurfaceView::plotArea() const { return QRectF(rect()).adjusted(2, 2, -2, -2); }

QPointF SurfaceView::toWidget(const optim::Point2& p) const {
    const QRectF area = plotArea();
    const double u = (p[0] - surface_.low[0]) / (surface_.high[0] - surface_.low[0]);
    const double v = (p[1] - surface_.low[1]) / (surface_.high[1] - surface_.low[1]);
    return {area.left() + u * area.width(), area.bottom() - v * area.height()};
}

optim::Point2 SurfaceView::toSurface(const QPointF& at) const {
    const QRectF area = plotArea();
    const double u = (at.x() - area.left()) / std::max(1.0, area.width());
    const double v = (area.bottom() - at.y()) / std::max(1.0, area.height());
    return {surface_.low[0] + u * (surface_.high[0] - surface_.low[0]), surface_.low[1] + v * (surface_.high[1] - surface_.low[1])};
}

void SurfaceView::resizeEvent(QResizeEvent* event) {
    renderMap();
    QWidget::resizeEvent(event);
}

void SurfaceView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        renderMap();
        update();
    }
    QWidget::changeEvent(event);
}

void SurfaceView::renderMap() {
    const QRectF area = plotArea();
    if (area.width() < 4 || area.height() < 4 || surface_.name.empty()) return;
    // Half resolution, smoothed when drawn: the map is recomputed only on resize, a new surface or
    // a new theme.
    const int w = std::max(2, int(area.width() / 2)), h = std::max(2, int(area.height() / 2));
    std::vector<double> z(std::size_t(w) * std::size_t(h));
    const double dx = (surface_.high[0] - surface_.low[0]) / (w - 1), dy = (surface_.high[1] - surface_.low[1]) / (h - 1);
    double floor = surface_.value(surface_.minimum);
    for (int j = 0; j < h; ++j)
        for (int i = 0; i < w; ++i) floor = std::min(floor, surface_.value({surface_.low[0] + i * dx, surface_.low[1] + j * dy}));
    double lo = 1e300, hi = -1e300;
    for (int j = 0; j < h; ++j) {
        for (int i = 0; i < w; ++i) {
            const double value = heightAt(surface_, surface_.low[0] + i * dx, surface_.high[1] - j * dy, floor);
            z[std::size_t(j) * std::size_t(w) + std::size_t(i)] = value;
            lo = std::min(lo, value);
            hi = std::max(hi, value);
        }
    }
    const ViewPalette& palette = viewPalette();
    map_ = QImage(w, h, QImage::Format_RGB32);
    const double span = std::max(1e-9, hi - lo);
    const double levels = 14;
    for (int j = 0; j < h; ++j) {
        for (int i = 0; i < w; ++i) {
            const auto at = [&](int a, int b) {
                a = std::clamp(a, 0, w - 1);
                b = std::clamp(b, 0, h - 1);
                return (z[std::size_t(b) * std::size_t(w) + std::size_t(a)] - lo) / span;
            };
            const double t = at(i, j);
            // Lit from the upper left: the slope toward the light brightens, away from it darkens.
            const double sx = (at(i + 1, j) - at(i - 1, j)) * w * 0.04, sy = (at(i, j + 1) - at(i, j - 1)) * h * 0.04;
            const double light = std::clamp(0.85 + 2.5 * (-sx - sy) / std::sqrt(1 + sx * sx + sy * sy), 0.45, 1.15);
            QColor colour = palette.heat(float(1.0 - t));
            const double band = t * levels - std::floor(t * levels);
            const double line = (band < 0.035 || band > 0.965) ? 0.75 : 1.0;
            colour.setRgbF(float(std::clamp(colour.redF() * light * line, 0.0, 1.0)),
                           float(std::clamp(colour.greenF() * light * line, 0.0, 1.0)),
                           float(std::clamp(colour.blueF() * light * line, 0.0, 1.0)));
            map_.setPixel(i, j, colour.rgb());
        }
    }
    // Scaled once here, not on every frame while paths play.
    shown_ = QPixmap::fromImage(map_.scaled(area.size().toSize(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
}

void SurfaceView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    const ViewPalette& palette = viewPalette();
    if (!shown_.isNull()) painter.drawPixmap(plotArea().topLeft(), shown_);
    // The minimum: a small star.
    const QPointF minimum = toWidget(surface_.minimum);
    painter.setPen(QPen(palette.text, 2));
    const double r = std::max(5.0, fontMetrics().height() * 0.35);
    painter.drawLine(minimum + QPointF(-r, 0), minimum + QPointF(r, 0));
    painter.drawLine(minimum + QPointF(0, -r), minimum + QPointF(0, r));
    const double dot = std::max(2.5, fontMetrics().height() * 0.14);
    for (const Path& path : paths_) {
        if (path.points.empty()) continue;
        QPainterPath line;
        bool first = true;
        for (const optim::Point2& p : path.points) {
            if (!std::isfinite(p[0]) || !std::isfinite(p[1])) break;
            const QPointF at = toWidget(p);
            if (first) line.moveTo(at);
            else line.lineTo(at);
            first = false;
        }
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(viewPalette().pathEdge, 5.5, path.style, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPath(line);  // a dark edge so the line reads on any shade
        painter.setPen(QPen(path.colour, 3, path.style, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPath(line);
        painter.setPen(Qt::NoPen);
        painter.setBrush(path.colour);
        const std::size_t shown = std::min<std::size_t>(path.points.size(), 80);  // the recent steps
        for (std::size_t k = path.points.size() - shown; k < path.points.size(); ++k) {
            const optim::Point2& p = path.points[k];
            if (std::isfinite(p[0]) && std::isfinite(p[1])) painter.drawEllipse(toWidget(p), dot, dot);
        }
        const optim::Point2& last = path.points.back();
        if (std::isfinite(last[0]) && std::isfinite(last[1])) {
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(palette.text, 2));
            painter.drawEllipse(toWidget(last), dot * 2.6, dot * 2.6);
            painter.setPen(QPen(path.colour, 2));
            painter.drawEllipse(toWidget(last), dot * 2.0, dot * 2.0);
        }
    }
    // The start: a filled square.
    painter.setPen(QPen(palette.text, 2));
    painter.setBrush(palette.base);
    const QPointF start = toWidget(start_);
    painter.drawRect(QRectF(start - QPointF(r * 0.8, r * 0.8), QSizeF(r * 1.6, r * 1.6)));
}

void SurfaceView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    const optim::Point2 p = toSurface(event->position());
    emit startPicked(p[0], p[1]);
}

void SurfaceView::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton)) return QWidget::mouseMoveEvent(event);
    const optim::Point2 p = toSurface(event->position());
    emit startPicked(p[0], p[1]);
}

}  // namespace pretrainlab::widgets
