#pragma once

#include <QColor>
#include <QElapsedTimer>
#include <QString>
#include <QTimer>
#include <QWidget>
#include <array>
#include <functional>
#include <optional>
#include <vector>

#include "app/training_controller.hpp"
#include "core/tokenize/tokenizer.hpp"

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QToolButton;

namespace pretrainlab::widgets {
class LiveChart;
class ProbePanel;
}  // namespace pretrainlab::widgets

namespace pretrainlab::app {

// The training lab: set up a run, train it on a worker thread while the plots move, watch the
// lecture's fill-in-the-blank probes start to work, keep runs to compare, save and resume.
class TrainingPage : public QWidget {
    Q_OBJECT
public:
    enum class SideTab { Setup, Guesses, Runs };

    explicit TrainingPage(QWidget* parent = nullptr);
    ~TrainingPage() override;

    // The settings as the form shows them, and the form from settings.
    train::RunSettings settings() const;
    void setSettings(const train::RunSettings& settings);
    // Where "the Tokenization page's tokenizer" comes from.
    void setTokenizerSource(std::function<std::optional<Tokenizer>()> source);

    void showSideTab(SideTab tab);
    void clearRuns();
    void start();
    void togglePause();
    void stepOnce();
    void stop();
    void reset();
    void saveCheckpoint(const QString& weightsPath);
    void openCheckpoint(const QString& weightsPath);
    bool exportMetrics(const QString& path);
    bool exportCharts(const QString& path);  // .png or .pdf

    TrainingController& controller() { return controller_; }
    widgets::LiveChart* lossChart() const { return lossChart_; }
    widgets::LiveChart* probeChart() const { return probeChart_; }
    widgets::LiveChart* learningRateChart() const { return rateChart_; }
    widgets::LiveChart* gradientChart() const { return gradientChart_; }
    widgets::LiveChart* speedChart() const { return speedChart_; }
    widgets::LiveChart* schedulePreview() const { return schedulePreview_; }
    widgets::ProbePanel* probePanel() const { return probePanel_; }
    QListWidget* runList() const { return runList_; }
    QLabel* problemBanner() const { return problem_; }
    QString statusText() const;
    int runCount() const { return static_cast<int>(runs_.size()); }
    // What the current run's steps reported (for exports and benchmarks).
    std::vector<StepPoint> currentRunSteps() const;
    void setRunVisible(int index, bool visible);
    // The loss chart's x axis: steps, or the tokens that produced loss so far (the lecture's "15%
    // against all": an encoder and a decoder compared on what they learned from).
    void setLossAgainstTokensWithLoss(bool on);
    bool lossAgainstTokensWithLoss() const { return lossByTokens_; }
    // A tiny encoder (masked LM) and then a tiny decoder (next token) on the toy world with the
    // same sizes and seed, the loss plotted against the tokens that produced it.
    void compareObjectives(std::size_t steps = 600);
    // Drains the controller now (the timer does it about 30 times a second).
    void pullUpdates();
    QList<QAction*> fileActions() const { return fileActions_; }

private:
    struct Run {
        int id = 0;
        QString name;
        QColor colour;
        train::RunSettings settings;
        bool visible = true;
        int loss = -1, heldOut = -1, rate = -1, gradient = -1, speed = -1;  // series per chart
        std::vector<StepPoint> steps;
        std::vector<HeldOutPoint> heldOutPoints;
        std::vector<std::shared_ptr<const ProbeSnapshot>> probes;
        std::optional<double> lastHeldOut;
    };

    QWidget* buildSetup();
    QWidget* buildCharts();
    QWidget* buildSide();
    QWidget* buildProbeSide();
    QWidget* buildRunsSide();
    void buildActions();
    void onStateChanged(TrainingController::State state);
    void takeUpdates();
    void onPrepared();
    void beginRun(const train::RunSettings& settings, const QString& origin);
    void updateSchedulePreview();
    void updateButtons();
    void updateStatus();
    void showProbes();
    void syncFormToArchitecture();
    void markCustom();
    Run* current();
    QString describe(const train::RunSettings& settings) const;
    double lossX(const Run& run, std::size_t step) const;
    void replotLoss();

    TrainingController controller_;
    QTimer drainTimer_;
    QElapsedTimer sinceReplot_;
    bool chartsChanged_ = false;
    std::function<std::optional<Tokenizer>()> tokenizerSource_;
    std::vector<Run> runs_;
    int nextRunId_ = 1;
    int currentRun_ = -1;  // index into runs_
    std::array<int, 5> probeSeries_{};
    std::size_t lastStep_ = 0;
    double lastSpeed_ = 0;
    QString preparingText_;
    bool applyingPreset_ = false;
    bool lossByTokens_ = false;
    std::optional<train::RunSettings> queued_;  // starts when the current run finishes
    QComboBox* lossAxis_ = nullptr;

    // setup
    QComboBox* architecture_ = nullptr;
    QComboBox* preset_ = nullptr;
    QSpinBox* width_ = nullptr;
    QSpinBox* layers_ = nullptr;
    QSpinBox* heads_ = nullptr;
    QSpinBox* context_ = nullptr;
    QComboBox* corpus_ = nullptr;
    QComboBox* tokenizer_ = nullptr;
    QString corpusFile_;
    QString tokenizerFile_;
    QDoubleSpinBox* maskRate_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QDoubleSpinBox* learningRate_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QSpinBox* warmup_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* accumulation_ = nullptr;
    QDoubleSpinBox* weightDecay_ = nullptr;
    QDoubleSpinBox* clip_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QLabel* setupProblem_ = nullptr;
    widgets::LiveChart* schedulePreview_ = nullptr;
    int previewSeries_ = -1;

    // controls
    QPushButton* start_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* step_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* reset_ = nullptr;
    QToolButton* fileButton_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* problem_ = nullptr;
    QList<QAction*> fileActions_;
    QAction* saveAction_ = nullptr;

    // charts
    widgets::LiveChart* lossChart_ = nullptr;
    widgets::LiveChart* probeChart_ = nullptr;
    widgets::LiveChart* rateChart_ = nullptr;
    widgets::LiveChart* gradientChart_ = nullptr;
    widgets::LiveChart* speedChart_ = nullptr;
    QWidget* chartsArea_ = nullptr;
    int plannedRate_ = -1;

    // side
    QTabWidget* side_ = nullptr;
    QWidget* probeSide_ = nullptr;
    QWidget* runsSide_ = nullptr;
    QComboBox* probeChoice_ = nullptr;
    widgets::ProbePanel* probePanel_ = nullptr;
    QListWidget* runList_ = nullptr;
    QPushButton* removeRun_ = nullptr;
};

}  // namespace pretrainlab::app
