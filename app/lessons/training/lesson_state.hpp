#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>
#include <optional>

#include "app/lessons/training/run_history.hpp"
#include "app/training_controller.hpp"
#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab::app {

// What the Training lab holds: the training thread (TrainingController) and every run kept to
// compare, with their points as they arrive. It drains the controller about 30 times a second
// and tells the views what is new; they never touch the controller's queue themselves.
class TrainingLabState : public QObject {
    Q_OBJECT
public:
    explicit TrainingLabState(QObject* parent = nullptr);

    TrainingController& controller() { return controller_; }
    const RunHistory& runs() const { return runs_; }
    const Run* currentRun() const { return runs_.current(); }

    // A new run; `tokenizer` (the Tokenization lesson's) reads a text file in place of a file's.
    void start(const train::RunSettings& settings, std::optional<Tokenizer> tokenizer = std::nullopt,
               RunOrigin origin = {});
    void togglePause();
    void stepOnce();
    void stop();
    // The finished current run trains on to `steps` steps in all (its schedule planned again).
    void continueTo(std::size_t steps);
    // Ends the run, drops the model and the current run's points.
    void reset();
    void clearRuns();
    void removeRun(int index);  // not the current one
    void setRunVisible(int index, bool visible);
    // After a change of theme: each run takes its colour's counterpart in the new palette.
    void recolourRuns();
    void saveCheckpoint(const QString& weightsPath);
    // Continues a saved run (paused where it was saved) as a new run.
    void openCheckpoint(const QString& weightsPath);
    // A tiny encoder (masked LM) and then a tiny decoder (next token) on the toy world with the
    // same sizes and seed, the loss plotted against the tokens that produced it.
    void compareObjectives(std::size_t steps, unsigned threads);

    // ---- sessions ----
    // Saves the current model (weights, optimizer state, data position) as a checkpoint at
    // `weightsPath` for a session file, a running run paused first so that its curves and model
    // agree; `done` hears "" when it is written, or why not. No model: `done("")` at once.
    void saveForSession(const QString& weightsPath, std::function<void(const QString& problem)> done);
    // These runs in place of those here (any run here ends); `session`, when given, is the last
    // run's model, continued from where it was saved (paused; a finished one finished, and one that
    // was stopped or diverged stopped, `ended`). `problem`: what the lab said about it.
    void restore(std::vector<Run> runs, bool lossByTokensWithLoss, std::unique_ptr<train::TrainingSession> session,
                 bool ended = false, const QString& problem = {});

    // The loss chart's x axis: steps, or the tokens that produced loss so far.
    void setLossAgainstTokensWithLoss(bool on);
    bool lossAgainstTokensWithLoss() const { return lossByTokens_; }

    // What happened since the last drain goes to the runs and the views now.
    void pullUpdates();
    // "Training · step 40 of 1,000 · …", the line under the buttons.
    QString statusText() const;
    // The second line of the status: the memory a step holds, part by part.
    QString memoryText(const train::RunSettings& settings) const;
    // Why the current run stopped early or could not start (empty: it did not).
    QString problem() const { return problem_; }

signals:
    void runAdded(int index);
    void runChanged(int index);  // its settings (once prepared) or its visibility
    void runRemoved(int index);
    void runsCleared();
    void runReset(int index);  // its points were dropped
    // New points of the current run (index), as drained.
    void pointsAdded(int index, const pretrainlab::app::TrainingController::Drained& points);
    void prepared(const pretrainlab::train::RunSettings& settings);
    void lossAxisChanged(bool byTokensWithLoss);
    void diverged();
    void statusChanged();
    void problemChanged(const QString& problem);
    // Saving a checkpoint the user asked for failed (not a session's: that one tells its caller).
    void checkpointSaveFailed(const QString& message);
    // A setting the user asked for (a resumed checkpoint's own) to show in the form.
    void settingsShown(const pretrainlab::train::RunSettings& settings);

private:
    void beginRun(const train::RunSettings& settings, RunOrigin origin);
    void onStateChanged(TrainingController::State state);
    void setProblem(const QString& problem);
    // A session save waiting for its checkpoint hears that the run it was saving is gone.
    void abandonSessionSave();

    TrainingController controller_;
    RunHistory runs_;
    QTimer drainTimer_;
    // The status line (step, tokens/s) as steps arrive: at most every statusMs, the last one
    // always shown; a change of state shows at once.
    void statusSoon();
    static constexpr qint64 statusMs = 200;
    QTimer statusTimer_;
    QElapsedTimer sinceStatus_;
    std::optional<train::RunSettings> queued_;  // starts when the current run finishes
    bool lossByTokens_ = false;
    std::size_t lastStep_ = 0;
    double lastSpeed_ = 0;
    QString activity_;  // "Preparing the data… 40%", "Saved run.safetensors"
    QString problem_;
    QString sessionSavePath_;  // a checkpoint saved for a session file, until it is written
    std::function<void(const QString&)> sessionSaved_;
};

}  // namespace pretrainlab::app
