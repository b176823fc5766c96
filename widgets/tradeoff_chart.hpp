#pragma once

#include <QString>
#include <QWidget>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCheckBox;
class QLabel;

namespace pretrainlab::widgets {

struct TradeoffSample {
    double vocabularySize = 0;
    double totalTokens = 0;
    double tokensPerWord = 0;
};

// The lecture's efficiency trade-off: vocabulary size against the tokens the corpus takes (left
// axis) and tokens per word (right axis), with the current step marked.
class TradeoffChart : public QWidget {
    Q_OBJECT
public:
    explicit TradeoffChart(QWidget* parent = nullptr);

    void setCurve(const std::vector<TradeoffSample>& samples, const QString& name);
    void clear(const QString& message);
    void setMarker(double vocabularySize);
    bool savePng(const QString& path);
    bool savePdf(const QString& path);

    QCustomPlot* plot() const { return plot_; }
    int pointCount() const;
    double markerPosition() const { return marker_; }

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void applyFonts();
    void updateMarker();

    QCustomPlot* plot_ = nullptr;
    QCPGraph* curve_ = nullptr;
    QCPGraph* point_ = nullptr;
    QCPItemStraightLine* line_ = nullptr;
    QCPItemText* label_ = nullptr;
    QCheckBox* logScale_ = nullptr;
    QLabel* message_ = nullptr;
    std::vector<TradeoffSample> samples_;
    double marker_ = 0;
    int themeSeen_ = 0;  // the changes of theme this chart has taken
};

}  // namespace pretrainlab::widgets
