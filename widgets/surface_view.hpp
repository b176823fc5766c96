#pragma once

#include <QColor>
#include <QImage>
#include <QPixmap>
#include <QString>
#include <QWidget>
#include <vector>

#include "core/optim/surfaces.hpp"

namespace pretrainlab::widgets {

// A loss surface of two parameters seen from above: shaded as if lit from the upper left (the
// height is the log of the loss), with contour lines, its minimum, and optimizers' paths with a
// dot at each step and a ring at the current one. Pressing or dragging the mouse picks a new
// start (startPicked).
class SurfaceView : public QWidget {
    Q_OBJECT
public:
    struct Path {
        QString name;
        QColor colour;
        std::vector<optim::Point2> points;
        Qt::PenStyle style = Qt::SolidLine;
    };

    explicit SurfaceView(QWidget* parent = nullptr);

    void setSurface(const optim::Surface& surface);
    void setPaths(std::vector<Path> paths);
    void setStart(const optim::Point2& start);
    const optim::Surface& surface() const { return surface_; }
    // Where a parameter point is drawn, and which point a widget position shows.
    QPointF toWidget(const optim::Point2& p) const;
    optim::Point2 toSurface(const QPointF& at) const;

    QSize sizeHint() const override { return {520, 360}; }
    QSize minimumSizeHint() const override { return {260, 180}; }

signals:
    void startPicked(double x, double y);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;  // a new theme: the map again in its colours
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void renderMap();
    QRectF plotArea() const;

    optim::Surface surface_;
    std::vector<Path> paths_;
    optim::Point2 start_{0, 0};
    QImage map_;
    QPixmap shown_;  // the map at the widget's size
};

}  // namespace pretrainlab::widgets
