#include "app/training_controller.hpp"

#include <QMetaObject>
#include <sys/resource.h>
#include <unistd.h>

#include "core/common/error.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/run_memory.hpp"

namespace pretrainlab::app {

TrainingController::TrainingController(QObject* parent) : QObject(parent) {}

TrainingController::~TrainingController() { finish(); }

void TrainingController::setState(State state) {
    state_ = state;
    QMetaObject::invokeMethod(this, [this, state] { emit stateChanged(state); }, Qt::QueuedConnection);
}

void TrainingController::finish() {
    quit_ = true;
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    quit_ = false;
    hasSession_ = false;
}

void TrainingController::launch(std::function<std::unique_ptr<train::TrainingSession>(const Progress&)> make,
                                 bool paused, double tokensWithLossBefore, bool evaluateFirst) {
    finish();
    tokensWithLoss_ = tokensWithLossBefore;
    evaluateFirst_ = evaluateFirst;
    {
        std::lock_guard lock(mutex_);
        pending_ = {};
        commands_.clear();
    }
    paused_ = paused;
    stopped_ = false;
    stepRequests_ = 0;
    stepsDone_ = 0;
    state_ = State::Preparing;
    emit stateChanged(State::Preparing);
    worker_ = std::thread([this, make = std::move(make)] { work(make); });
}

QString TrainingController::startProblem(const train::RunSettings& settings, const std::optional<Tokenizer>& tokenizer) {
    // A tokenizer file's vocabulary is known only once it is read (on the worker, which checks again).
    const nn::Index vocabulary = settings.corpus.empty() ? settings.model.vocabulary
                                 : tokenizer            ? static_cast<nn::Index>(tokenizer->vocabulary().size())
                                                        : 0;
    return QString::fromStdString(train::memoryProblem(settings, vocabulary));
}

bool TrainingController::start(const train::RunSettings& settings, std::optional<Tokenizer> tokenizer, bool paused) {
    if (!startProblem(settings, tokenizer).isEmpty()) return false;
    launch(
        [settings, tokenizer = std::move(tokenizer)](const Progress& progress) {
            return std::make_unique<train::TrainingSession>(settings, tokenizer, progress);
        },
        paused);
    return true;
}

void TrainingController::resumeFrom(const QString& weightsPath, double tokensWithLossBefore) {
    const std::string path = weightsPath.toStdString();
    launch([path](const Progress& progress) { return train::loadCheckpoint(path, progress); }, true, tokensWithLossBefore);
}

void TrainingController::adopt(std::unique_ptr<train::TrainingSession> session, double tokensWithLossBefore) {
    // The function is copied into the worker: the session travels in a shared holder, taken once.
    auto holder = std::make_shared<std::unique_ptr<train::TrainingSession>>(std::move(session));
    // Its curve has its points already: no evaluation of where it starts from.
    launch([holder](const Progress&) { return std::move(*holder); }, true, tokensWithLossBefore, false);
}

void TrainingController::pause() {
    if (state_ == State::Running) paused_ = true;
}

void TrainingController::resume() {
    paused_ = false;
    wake_.notify_all();
}

void TrainingController::continueTo(std::size_t steps) {
    {
        std::lock_guard lock(mutex_);  // the worker's wait reads it
        continueTo_ = steps;
    }
    wake_.notify_all();
}

void TrainingController::stepOnce() {
    paused_ = true;
    ++stepRequests_;
    wake_.notify_all();
}

void TrainingController::stop() {
    stopped_ = true;
    wake_.notify_all();
}

void TrainingController::reset() {
    finish();
    {
        std::lock_guard lock(mutex_);
        pending_ = {};
        commands_.clear();
    }
    stepsDone_ = 0;
    state_ = State::Idle;
    emit stateChanged(State::Idle);
}

void TrainingController::requestSave(const QString& weightsPath) {
    {
        std::lock_guard lock(mutex_);
        commands_.emplace_back(Command::Save, weightsPath);
    }
    wake_.notify_all();
}

void TrainingController::requestProbes() {
    {
        std::lock_guard lock(mutex_);
        commands_.emplace_back(Command::Probe, QString());
    }
    wake_.notify_all();
}

void TrainingController::requestSnapshot() {
    if (!hasSession_) {
        QMetaObject::invokeMethod(this, [this] { emit snapshotReady(nullptr); }, Qt::QueuedConnection);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        commands_.emplace_back(Command::Snapshot, QString());
    }
    wake_.notify_all();
}

TrainingController::Drained TrainingController::drain() {
    std::lock_guard lock(mutex_);
    Drained out = std::move(pending_);
    pending_ = {};
    return out;
}

train::RunSettings TrainingController::preparedSettings() const {
    std::lock_guard lock(mutex_);
    return prepared_;
}

std::vector<data::ProbeItem> TrainingController::probeItems() const {
    std::lock_guard lock(mutex_);
    return probeItems_;
}

std::size_t TrainingController::parameterCount() const {
    std::lock_guard lock(mutex_);
    return parameterCount_;
}

std::size_t TrainingController::trainingTokens() const {
    std::lock_guard lock(mutex_);
    return trainingTokens_;
}

optim::TrainingMemory TrainingController::memory() const {
    std::lock_guard lock(mutex_);
    return memory_;
}

std::size_t TrainingController::activationBytes() const {
    std::lock_guard lock(mutex_);
    return activationBytes_;
}

void TrainingController::evaluate(train::TrainingSession& session, bool probes) {
    const std::optional<double> heldOut = session.heldOutLoss();
    std::shared_ptr<const ProbeSnapshot> snapshot;
    if (probes && !session.probeItems().empty()) {
        snapshot = std::make_shared<const ProbeSnapshot>(ProbeSnapshot{session.stepsDone(), session.probes()});
    }
    std::lock_guard lock(mutex_);
    if (heldOut) pending_.heldOut.push_back({session.stepsDone(), *heldOut});
    if (snapshot) pending_.probes.push_back(std::move(snapshot));
}

void TrainingController::runCommands(train::TrainingSession& session) {
    for (;;) {
        std::pair<Command, QString> command;
        {
            std::lock_guard lock(mutex_);
            if (commands_.empty()) return;
            command = commands_.front();
            commands_.pop_front();
        }
        if (command.first == Command::Probe) {
            evaluate(session, true);
            continue;
        }
        if (command.first == Command::Snapshot) {
            const train::RunSettings& s = session.settings();
            std::string description = std::string(nn::architectureName(s.model.architecture)) + " (" + s.preset +
                                      "), step " + std::to_string(session.stepsDone()) + " of " + std::to_string(s.steps);
            if (s.corpus == train::toyWorldCorpus) description += " on the toy world";
            auto model = train::snapshotOf(session, std::move(description));
            QMetaObject::invokeMethod(this, [this, model] { emit snapshotReady(model); }, Qt::QueuedConnection);
            continue;
        }
        try {
            train::saveCheckpoint(session, command.second.toStdString());
            QMetaObject::invokeMethod(this, [this, path = command.second] { emit saved(path); }, Qt::QueuedConnection);
        } catch (const std::exception& error) {
            QMetaObject::invokeMethod(this, [this, message = QString::fromStdString(error.what())] { emit saveFailed(message); },
                                      Qt::QueuedConnection);
        }
    }
}

void TrainingController::work(std::function<std::unique_ptr<train::TrainingSession>(const Progress&)> make) {
    // Training yields to the window: on two cores the UI thread must still get its frames. The
    // trainer's threads, started from here, inherit the lower priority.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 1);
    std::unique_ptr<train::TrainingSession> session;
    try {
        Progress progress;
        progress.report = [this](double fraction) {
            QMetaObject::invokeMethod(this, [this, fraction] { emit preparing(fraction); }, Qt::QueuedConnection);
        };
        progress.shouldStop = [this] { return quit_.load(); };
        session = make(progress);
    } catch (const Cancelled&) {
        setState(State::Idle);
        return;
    } catch (const std::exception& error) {
        setState(State::Failed);
        QMetaObject::invokeMethod(this, [this, message = QString::fromStdString(error.what())] { emit failed(message); },
                                  Qt::QueuedConnection);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        prepared_ = session->settings();
        probeItems_ = session->probeItems();
        parameterCount_ = session->model().parameters().size();
        trainingTokens_ = session->trainingTokens();
        memory_ = session->trainer().memory();
        activationBytes_ = session->trainer().activationBytes();
    }
    stepsDone_ = session->stepsDone();
    hasSession_ = true;
    QMetaObject::invokeMethod(this, [this] { emit prepared(); }, Qt::QueuedConnection);
    if (evaluateFirst_) evaluate(*session, true);  // where the run starts from

    bool ended = false;  // finished, stopped or diverged: the session stays for probes and saves
    State shown = State::Idle;
    const auto show = [&](State state) {
        if (state != shown) setState(state), shown = state;
    };
    if (!evaluateFirst_ && session->finished()) {
        // A finished run handed over (a session file's): finished already, evaluated already.
        ended = true;
        show(State::Finished);
    }
    while (!quit_) {
        runCommands(*session);
        if (const std::size_t steps = continueTo_.exchange(0);
            steps > session->stepsDone() && ended && shown == State::Finished && !stopped_) {
            session->extendTo(steps);
            {
                std::lock_guard lock(mutex_);
                prepared_ = session->settings();
            }
            ended = false;
            paused_ = false;  // it trains on, also a run that was opened paused or ended by Step once
            QMetaObject::invokeMethod(this, [this] { emit prepared(); }, Qt::QueuedConnection);
        }
        if (stopped_ && !ended) {
            ended = true;
            show(State::Stopped);
        }
        const bool wantStep = !ended && !session->finished() && (!paused_ || stepRequests_ > 0);
        if (!wantStep) {
            if (!ended && session->finished()) {
                ended = true;
                evaluate(*session, true);
                show(State::Finished);
            } else if (!ended) {
                show(State::Paused);
            }
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] {
                return quit_ || !commands_.empty() || (!ended && (!paused_ || stepRequests_ > 0)) || (stopped_ && !ended) ||
                       continueTo_ > 0;
            });
            continue;
        }
        // One step asked for while paused: its held-out loss and probes come with it, so the
        // charts and the guesses visibly move (unless evaluations are off altogether).
        const bool single = paused_ && stepRequests_ > 0;
        show(State::Running);
        if (stepRequests_ > 0) --stepRequests_;
        const train::StepOutcome outcome = session->step();
        if (const auto* divergence = std::get_if<train::Divergence>(&outcome)) {
            ended = true;
            show(State::Diverged);
            QMetaObject::invokeMethod(
                this,
                [this, message = QString::fromStdString(divergence->message()), step = divergence->step] {
                    emit diverged(message, step);
                },
                Qt::QueuedConnection);
            continue;
        }
        const auto& metrics = std::get<train::StepMetrics>(outcome);
        stepsDone_ = metrics.step;
        tokensWithLoss_ += double(metrics.tokensWithLoss);
        {
            std::lock_guard lock(mutex_);
            pending_.steps.push_back({metrics, tokensWithLoss_});
            activationBytes_ = session->trainer().activationBytes();
        }
        const std::size_t every = evaluateEvery_;
        if (every > 0 && (single || metrics.step % every == 0)) evaluate(*session, true);
    }
}

}  // namespace pretrainlab::app
