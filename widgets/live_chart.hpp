#pragma once

#include <QColor>
#include <QString>
#include <QWidget>
#include <optional>
#include <vector>

class QCheckBox;
class QHBoxLayout;
class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QLabel;
class QSlider;

namespace pretrainlab::widgets {

// A plot that grows while a run trains: series take points in batches (one replot per batch, not
// per point), a smoothed series draws an exponential moving average over its faint raw curve (as
// TensorBoard does), the y axis can go logarithmic, a vertical line can mark the current step,
// and hovering shows the values under the pointer. Dragging or zooming stops the axes from
// following new points; a double-click makes them follow again.
class LiveChart : public QWidget {
    Q_OBJECT
public:
    struct Options {
        bool logToggle = false;       // a "log scale" check box in the header
        bool smoothingSlider = false; // a smoothing slider in the header
        bool legend = false;
        bool legendOnTop = false;     // in a row above the plot rather than over the curves
        int valueDecimals = 3;        // in the hover text
        std::optional<std::pair<double, double>> valueRange;  // a fixed y range (accuracy: 0..1)
        bool compact = false;         // few ticks, no x label: for small charts
        bool logX = false;            // a logarithmic x axis (labelled-set sizes)
    };

    LiveChart(const QString& title, const QString& yLabel, Options options, QWidget* parent = nullptr);

    // Returns the series' handle. Smoothed series show the moving average over the raw points.
    int addSeries(const QString& name, const QColor& colour, bool smoothed = false,
                  Qt::PenStyle style = Qt::SolidLine, double width = 2.5);
    void removeSeries(int series);
    void appendPoints(int series, const std::vector<double>& x, const std::vector<double>& y);
    void setPoints(int series, const std::vector<double>& x, const std::vector<double>& y);
    void clearPoints(int series);
    void setSeriesVisible(int series, bool visible);
    // A dotted level across the chart in the series' colour (a probe's chance level), and the
    // series' legend entry naming it: "syntax (chance 50%)". No value removes it.
    void setGuide(int series, std::optional<double> value, const QString& legendNote = {});

    // 0 (none) .. 0.99: the weight of the past in the moving average.
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }
    void setLogScale(bool on);
    bool logScale() const { return logScale_; }
    void setMarker(std::optional<double> x);
    void setXLabel(const QString& label);
    void setMessage(const QString& text);  // a line beside the title ("no held-out data", ...)
    void setTitle(const QString& title);
    QString title() const;
    // A control at the right of the title row (a choice of what the chart shows).
    void addHeaderWidget(QWidget* widget);
    // The legend row's text (rich text), as shown.
    QString legendText() const;

    // Rescales (while following) and schedules one replot. Call after a batch of changes.
    void refresh();
    void followNewPoints();

    int pointCount(int series) const;
    // The plotted (smoothed, for smoothed series) value of point `index`.
    double shownValue(int series, int index) const;
    double pointKey(int series, int index) const;  // its x
    bool isFollowing() const { return following_; }
    QCustomPlot* plot() const { return plot_; }
    QString hoverText(double x) const;
    bool savePng(const QString& path, int width = 1600, int height = 900);
    bool savePdf(const QString& path, int width = 1600, int height = 900);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Series {
        QString name;
        QColor colour;
        bool smoothed = false;
        bool visible = true;
        QCPGraph* raw = nullptr;     // smoothed series: the faint raw curve
        QCPGraph* shown = nullptr;   // what the series looks like
        QCPItemStraightLine* guide = nullptr;  // a level drawn with it
        QString legendNote;
        std::vector<double> x, y;    // every point, for recomputing the average
        double average = 0;          // the moving average before bias correction
        int averaged = 0;
    };
    Series* find(int series);
    const Series* find(int series) const;
    void appendShown(Series& series, std::size_t from);
    void recomputeSmoothing();
    void applyFonts();
    void fitTickCount();
    void updateLegendRow();
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* plot_ = nullptr;
    QHBoxLayout* header_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* message_ = nullptr;
    QLabel* legendRow_ = nullptr;
    QCheckBox* logCheck_ = nullptr;
    QSlider* smoothingSlider_ = nullptr;
    QCPItemStraightLine* marker_ = nullptr;
    Options options_;
    std::vector<std::pair<int, Series>> series_;
    int nextId_ = 0;
    double smoothing_ = 0.6;
    bool logScale_ = false;
    bool following_ = true;
    int themeSeen_ = 0;  // the changes of theme this chart has taken
};

}  // namespace pretrainlab::widgets
