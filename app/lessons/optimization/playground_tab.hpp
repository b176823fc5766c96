#pragma once

#include <QElapsedTimer>
#include <QWidget>
#include <vector>

#include "core/optim/playground.hpp"

class QBoxLayout;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace pretrainlab::widgets {
class SurfaceView;
}

namespace pretrainlab::app {

class ParameterSlider;

// Adam, step by step, on a surface: the engine's optimizers on two parameters from one start,
// their paths drawn as they move; for the path in focus, g, m (1), v (2), m̂ and v̂ (3) and the
// update (4) of both coordinates, and what the step shows in words. Space steps, P plays,
// Backspace goes back, Home resets; a click or a drag on the map picks the start.
class PlaygroundTab : public QWidget {
    Q_OBJECT
public:
    explicit PlaygroundTab(QWidget* parent = nullptr);

    void stepAll();
    void backAll();
    void resetAll();
    void setPlaying(bool on);
    bool playing() const;
    void setSurface(const QString& name);
    void setStart(double x, double y);
    void setOptimizerShown(optim::OptimizerKind kind, bool shown);
    void setBiasCorrection(bool firstMoment, bool secondMoment);
    // Lays the numbers beside the map, or below it when `available` pixels are too few for both.
    void fitWidth(int available);

    const std::vector<optim::OptimizerPath>& paths() const { return paths_; }
    QStringList pathNames() const;
    int focusedPath() const;
    QTableWidget* table() const { return table_; }
    QString explanation() const;
    widgets::SurfaceView* view() const { return view_; }

signals:
    void problem(const QString& text);

private:
    // New paths from the controls, replayed to as many steps as before.
    void rebuild();
    void refresh();
    optim::PathSettings settingsFor(optim::OptimizerKind kind) const;
    void suggestRates();
    bool advance();  // one step of every path, without redrawing

    std::vector<optim::OptimizerPath> paths_;
    std::vector<QString> names_;
    std::vector<int> colourOf_;
    std::vector<bool> dashed_;
    optim::Point2 start_{0, 0};
    std::size_t stepsTaken_ = 0;

    QComboBox* surface_ = nullptr;
    QLabel* surfaceNote_ = nullptr;
    std::vector<std::pair<optim::OptimizerKind, QCheckBox*>> shown_;
    ParameterSlider* sgdRate_ = nullptr;
    ParameterSlider* momentumRate_ = nullptr;
    ParameterSlider* adaptiveRate_ = nullptr;
    ParameterSlider* beta1_ = nullptr;
    ParameterSlider* beta2_ = nullptr;
    ParameterSlider* epsilon_ = nullptr;
    ParameterSlider* decay_ = nullptr;
    QCheckBox* correctM_ = nullptr;
    QCheckBox* correctV_ = nullptr;
    QSpinBox* perFrame_ = nullptr;
    QPushButton* step_ = nullptr;
    QPushButton* play_ = nullptr;
    QPushButton* back_ = nullptr;
    QPushButton* reset_ = nullptr;
    QComboBox* focus_ = nullptr;
    QLabel* heading_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* explanation_ = nullptr;
    QTimer* timer_ = nullptr;
    QElapsedTimer wordsClock_;
    bool reportedDivergence_ = false;
    widgets::SurfaceView* view_ = nullptr;
    QBoxLayout* views_ = nullptr;
};

}  // namespace pretrainlab::app
