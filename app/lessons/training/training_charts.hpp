#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>
#include <array>
#include <map>

#include "app/lessons/training/lesson_state.hpp"

namespace pretrainlab::widgets {
class LiveChart;
}

class QComboBox;

namespace pretrainlab::app {

// The Training lab's live charts, every run in its own colour: training and held-out loss (against
// steps or tokens with loss), the current run's probe accuracy per category, the learning rate over
// its plan, the gradient norm and the speed. They take points as they arrive and redraw at most
// ten times a second.
class TrainingCharts : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCharts(TrainingLabState& state, QWidget* parent = nullptr);

    // The five charts as one picture: .png, or .pdf (one landscape page).
    bool save(const QString& path);

private:
    struct RunSeries {
        int loss = -1, heldOut = -1, rate = -1, gradient = -1, speed = -1;
    };

    void addRun(int index);
    void removeDroppedRuns();
    void showVisibility(int index);
    void addPoints(int index, const TrainingController::Drained& points);
    void showPrepared(const train::RunSettings& settings);
    void replotLoss();
    void clearCurrent(int index);
    void clearAll();
    void replotSoon();
    // The probe chart from the runs' probe histories: the latest run's categories, or one category
    // in every run (the choice above the chart).
    void showProbes();
    void showChance(const train::ProbeReport& report);
    double lossX(const Run& run, std::size_t step) const;
    std::vector<widgets::LiveChart*> all() const;

    TrainingLabState& state_;
    widgets::LiveChart* loss_ = nullptr;
    widgets::LiveChart* probes_ = nullptr;
    widgets::LiveChart* rate_ = nullptr;
    widgets::LiveChart* gradient_ = nullptr;
    widgets::LiveChart* speed_ = nullptr;
    std::array<int, 5> probeSeries_{};
    QComboBox* probeView_ = nullptr;
    std::map<int, int> probeRunSeries_;  // comparing one category: run id → series
    int probeChance_ = -1;               // comparing: the category's chance level
    int plannedRate_ = -1;
    std::map<int, RunSeries> series_;  // by run id
    QElapsedTimer sinceReplot_;
    QTimer replotTimer_;
};

}  // namespace pretrainlab::app
