#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/train/model_bundle.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::app {

// What one step did, and the tokens that produced loss since the run (or its resumption) began:
// the lecture's 15% against all.
struct StepPoint {
    train::StepMetrics metrics;
    double tokensWithLossSoFar = 0;
};

struct HeldOutPoint {
    std::size_t step = 0;
    double loss = 0;
};

// An evaluation of the probes, made between two steps and handed over whole.
struct ProbeSnapshot {
    std::size_t step = 0;
    train::ProbeReport report;
};

// Runs a TrainingSession on a worker thread. The worker checks its flags between steps; the UI
// never waits for it: steps, held-out losses and probe snapshots pile up in a queue that the UI
// drains on its own timer, and rare events (prepared, finished, diverged, failed, saved) come as
// queued signals. Everything the session does (preparing data, training, probing, saving) runs
// on the worker.
class TrainingController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Preparing, Running, Paused, Finished, Stopped, Diverged, Failed };
    Q_ENUM(State)

    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;  // stops the worker (within a step) and joins it

    // A new run (any previous one is ended first). Data preparation happens on the worker. A
    // tokenizer made in memory (the Tokenization lesson's) reads the corpus in place of a file.
    // Refused (false, nothing changed, the current run goes on) when startProblem finds one.
    bool start(const train::RunSettings& settings, std::optional<Tokenizer> tokenizer = std::nullopt, bool paused = false);
    // Why a run of these settings cannot start, in one sentence: its memory estimate is more than
    // this machine has available (train::memoryProblem). Empty when it can start.
    static QString startProblem(const train::RunSettings& settings, const std::optional<Tokenizer>& tokenizer = std::nullopt);
    // A run from a checkpoint, paused where it was saved. `tokensWithLossBefore`: where the count of
    // tokens that produced loss goes on from (a run continued as the same run, from a session file).
    void resumeFrom(const QString& weightsPath, double tokensWithLossBefore = 0);
    // A run prepared elsewhere (a session file's, loaded on a worker), paused where it was saved.
    void adopt(std::unique_ptr<train::TrainingSession> session, double tokensWithLossBefore = 0);
    void pause();
    void resume();
    void stepOnce();
    void stop();   // ends training; the model stays for probing and saving
    // A finished run goes on to `steps` steps in all, its schedule planned again over them
    // (train::TrainingSession::extendTo); `prepared` comes again with its new settings. Ignored
    // unless the run has finished (not stopped, diverged or still going) and `steps` is more.
    void continueTo(std::size_t steps);
    void reset();  // ends the run and drops the model
    void requestSave(const QString& weightsPath);
    void requestProbes();
    // A copy of the model as it is now, between two steps: snapshotReady brings it (nullptr when
    // there is no run, or it trains on random tokens and has no tokenizer).
    void requestSnapshot();

    State state() const { return state_.load(); }
    bool hasSession() const { return hasSession_.load(); }
    std::size_t stepsDone() const { return stepsDone_.load(); }
    // How often the worker evaluates, in steps (0: never).
    void setEvaluationInterval(std::size_t steps) { evaluateEvery_ = steps; }
    std::size_t evaluationInterval() const { return evaluateEvery_.load(); }

    struct Drained {
        std::vector<StepPoint> steps;
        std::vector<HeldOutPoint> heldOut;
        std::vector<std::shared_ptr<const ProbeSnapshot>> probes;
    };
    Drained drain();

    // Facts about the prepared run (set before `prepared` is emitted; read on the UI thread after).
    train::RunSettings preparedSettings() const;
    std::vector<data::ProbeItem> probeItems() const;
    std::size_t parameterCount() const;
    std::size_t trainingTokens() const;
    optim::TrainingMemory memory() const;
    // Activations the last step kept for backward, in bytes (0 before the first step).
    std::size_t activationBytes() const;

signals:
    void stateChanged(pretrainlab::app::TrainingController::State state);
    void preparing(double fraction);
    void prepared();
    void diverged(const QString& message, qulonglong step);
    void failed(const QString& message);
    void saved(const QString& path);
    void saveFailed(const QString& message);
    void snapshotReady(std::shared_ptr<const pretrainlab::train::ModelBundle> model);

private:
    enum class Command { Save, Probe, Snapshot };
    void launch(std::function<std::unique_ptr<train::TrainingSession>(const Progress&)> make, bool paused,
                double tokensWithLossBefore = 0, bool evaluateFirst = true);
    void finish();  // joins the worker
    void work(std::function<std::unique_ptr<train::TrainingSession>(const Progress&)> make);
    void setState(State state);
    void evaluate(train::TrainingSession& session, bool probes);
    void runCommands(train::TrainingSession& session);

    std::thread worker_;
    mutable std::mutex mutex_;  // guards the queues, commands and facts below
    std::condition_variable wake_;
    Drained pending_;
    std::deque<std::pair<Command, QString>> commands_;
    std::atomic<bool> quit_{false};
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopped_{false};
    std::atomic<int> stepRequests_{0};
    std::atomic<std::size_t> continueTo_{0};  // 0: none asked for
    std::atomic<State> state_{State::Idle};
    std::atomic<bool> hasSession_{false};
    std::atomic<std::size_t> stepsDone_{0};
    double tokensWithLoss_ = 0;  // the worker's running sum (set before the worker starts)
    bool evaluateFirst_ = true;  // the worker evaluates the model it starts from (set before it starts)
    std::atomic<std::size_t> evaluateEvery_{25};
    train::RunSettings prepared_;
    std::vector<data::ProbeItem> probeItems_;
    std::size_t parameterCount_ = 0;
    std::size_t trainingTokens_ = 0;
    optim::TrainingMemory memory_;
    std::size_t activationBytes_ = 0;
};

}  // namespace pretrainlab::app
