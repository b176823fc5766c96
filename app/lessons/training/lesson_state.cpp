#include "app/lessons/training/lesson_state.hpp"

#include <QFileInfo>
#include <QLocale>
#include <QStringList>
#include <algorithm>
#include <utility>

#include "core/optim/memory.hpp"
#include "core/train/tiny_models.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {

using State = TrainingController::State;

TrainingLabState::TrainingLabState(QObject* parent) : QObject(parent) {
    connect(&controller_, &TrainingController::stateChanged, this, &TrainingLabState::onStateChanged);
    connect(&controller_, &TrainingController::prepared, this, [this] {
        const train::RunSettings settings = controller_.preparedSettings();
        activity_.clear();
        if (!runs_.current()) return;
        runs_.current()->settings = settings;  // a resumed run's own, the vocabulary of its text
        emit runChanged(runs_.count() - 1);
        emit prepared(settings);
        emit statusChanged();
    });
    connect(&controller_, &TrainingController::preparing, this, [this](double fraction) {
        activity_ = tr("Preparing the data… %1%").arg(QLocale().toString(fraction * 100, 'f', 0));
        emit statusChanged();
    });
    connect(&controller_, &TrainingController::diverged, this, [this](const QString& message, qulonglong step) {
        pullUpdates();
        setProblem(tr("The run diverged. %1 The model after step %2 is kept: you can still probe it, save it and "
                      "compare it.")
                       .arg(message)
                       .arg(step - 1));
        emit diverged();
        controller_.requestProbes();  // the guesses of the last good model
    });
    connect(&controller_, &TrainingController::failed, this,
            [this](const QString& message) { setProblem(tr("The run could not start: %1").arg(message)); });
    connect(&controller_, &TrainingController::saved, this, [this](const QString& path) {
        if (sessionSaved_ && path == sessionSavePath_) {
            pullUpdates();  // the points up to the saved step belong in the session with it
            std::exchange(sessionSaved_, {})(QString());
            return;
        }
        activity_ = tr("Saved %1").arg(QFileInfo(path).fileName());
        emit statusChanged();
    });
    connect(&controller_, &TrainingController::saveFailed, this, [this](const QString& message) {
        if (sessionSaved_) {
            std::exchange(sessionSaved_, {})(message);
            return;
        }
        emit checkpointSaveFailed(message);
    });
    drainTimer_.setInterval(33);
    connect(&drainTimer_, &QTimer::timeout, this, &TrainingLabState::pullUpdates);
    drainTimer_.start();
    statusTimer_.setSingleShot(true);
    connect(&statusTimer_, &QTimer::timeout, this, [this] {
        sinceStatus_.start();
        emit statusChanged();
    });
}

void TrainingLabState::statusSoon() {
    if (statusTimer_.isActive()) return;
    const qint64 since = sinceStatus_.isValid() ? sinceStatus_.elapsed() : statusMs;
    statusTimer_.start(int(std::max<qint64>(0, statusMs - since)));
}

void TrainingLabState::setProblem(const QString& problem) {
    problem_ = problem;
    emit problemChanged(problem_);
}

void TrainingLabState::abandonSessionSave() {
    if (sessionSaved_) std::exchange(sessionSaved_, {})(tr("the Training lab's run changed while it was being saved"));
}

void TrainingLabState::beginRun(const train::RunSettings& settings, RunOrigin origin) {
    abandonSessionSave();
    pullUpdates();  // the previous run's last points belong to it
    setProblem({});
    runs_.add(settings, std::move(origin), widgets::viewPalette().seriesColour(runs_.count()));
    lastStep_ = 0;
    lastSpeed_ = 0;
    activity_ = tr("Preparing the data…");
    emit runAdded(runs_.count() - 1);
}

void TrainingLabState::start(const train::RunSettings& settings, std::optional<Tokenizer> tokenizer, RunOrigin origin) {
    if (const QString problem = TrainingController::startProblem(settings, tokenizer); !problem.isEmpty()) {
        // Too large for this machine: said, and nothing else changes (the current run goes on).
        setProblem(tr("The run could not start: %1").arg(problem));
        return;
    }
    if (origin.kind != RunOrigin::Kind::Comparison) queued_.reset();  // a run the user starts replaces a comparison
    beginRun(settings, std::move(origin));
    controller_.start(settings, std::move(tokenizer));
    emit statusChanged();
}

void TrainingLabState::openCheckpoint(const QString& weightsPath) {
    queued_.reset();
    beginRun(runs_.current() ? runs_.current()->settings : train::RunSettings(),
             {RunOrigin::Kind::Checkpoint, weightsPath});
    controller_.resumeFrom(weightsPath);
    emit statusChanged();
}

void TrainingLabState::togglePause() {
    if (controller_.state() == State::Running) {
        controller_.pause();
    } else {
        controller_.resume();
    }
}

void TrainingLabState::stepOnce() { controller_.stepOnce(); }

void TrainingLabState::stop() {
    queued_.reset();
    controller_.stop();
}

void TrainingLabState::reset() {
    abandonSessionSave();
    queued_.reset();
    controller_.reset();
    if (Run* run = runs_.current()) {
        run->steps.clear();
        run->heldOut.clear();
        run->probes.clear();
        emit runReset(runs_.count() - 1);
    }
    setProblem({});
    activity_.clear();
    emit statusChanged();
}

void TrainingLabState::clearRuns() {
    abandonSessionSave();
    queued_.reset();
    controller_.reset();
    runs_.clear();
    setProblem({});
    activity_.clear();
    emit runsCleared();
    emit statusChanged();
}

void TrainingLabState::removeRun(int index) {
    if (index < 0 || index >= runs_.count() - 1) return;  // the current run stays
    runs_.remove(index);
    emit runRemoved(index);
}

void TrainingLabState::continueTo(std::size_t steps) {
    if (controller_.state() != State::Finished || !currentRun()) return;
    setProblem({});
    controller_.continueTo(steps);
}

void TrainingLabState::recolourRuns() {
    for (int i = 0; i < runs_.count(); ++i) {
        QColor& colour = runs_.at(i).colour;
        const QColor now = widgets::viewPalette().counterpart(colour, widgets::previousViewPalette());
        if (now == colour) continue;
        colour = now;
        emit runChanged(i);
    }
}

void TrainingLabState::setRunVisible(int index, bool visible) {
    if (index < 0 || index >= runs_.count() || runs_.at(index).visible == visible) return;
    runs_.at(index).visible = visible;
    emit runChanged(index);
}

void TrainingLabState::saveCheckpoint(const QString& weightsPath) {
    if (controller_.hasSession()) controller_.requestSave(weightsPath);
}

void TrainingLabState::saveForSession(const QString& weightsPath, std::function<void(const QString&)> done) {
    if (controller_.state() == State::Preparing) {
        done(tr("the Training lab is preparing a run's data; save when it has started"));
        return;
    }
    if (!controller_.hasSession()) {
        done(QString());
        return;
    }
    if (controller_.state() == State::Running) controller_.pause();
    sessionSavePath_ = weightsPath;
    sessionSaved_ = std::move(done);
    controller_.requestSave(weightsPath);
}

void TrainingLabState::restore(std::vector<Run> runs, bool lossByTokensWithLoss,
                               std::unique_ptr<train::TrainingSession> session, bool ended, const QString& problem) {
    abandonSessionSave();
    queued_.reset();
    controller_.reset();
    controller_.drain();  // nothing of the run that ended reaches the restored ones
    runs_.restore(std::move(runs));
    setProblem({});
    activity_.clear();
    setLossAgainstTokensWithLoss(lossByTokensWithLoss);
    emit runsCleared();
    for (int i = 0; i < runs_.count(); ++i) {
        const Run& run = runs_.at(i);
        emit runAdded(i);
        emit pointsAdded(i, TrainingController::Drained{run.steps, run.heldOut, {}});  // the probes chart reads the run
        if (!run.visible) emit runChanged(i);
    }
    const Run* current = runs_.current();
    lastStep_ = current ? current->lastStep() : 0;
    lastSpeed_ = current && !current->steps.empty() ? current->steps.back().metrics.tokensPerSecond : 0;
    if (session && current) {
        controller_.adopt(std::move(session), current->steps.empty() ? 0 : current->steps.back().tokensWithLossSoFar);
        if (ended) controller_.stop();  // stopped or diverged: it does not train on
    }
    setProblem(problem);
    emit statusChanged();
}

void TrainingLabState::compareObjectives(std::size_t steps, unsigned threads) {
    train::RunSettings s = train::toyWorldRun(nn::Architecture::Encoder, steps);
    s.trainer.threads = threads;
    s.trainer.seed = 1;
    queued_.reset();
    setLossAgainstTokensWithLoss(true);
    // A clean comparison: earlier runs stay in the list, unticked, instead of crowding the charts.
    for (int i = 0; i < runs_.count(); ++i) setRunVisible(i, false);
    emit settingsShown(s);
    start(s, std::nullopt, {RunOrigin::Kind::Comparison, {}});
    s.model.architecture = nn::Architecture::Decoder;
    queued_ = s;  // the same corpus, sizes and seed, predicted the other way
}

void TrainingLabState::setLossAgainstTokensWithLoss(bool on) {
    if (lossByTokens_ == on) return;
    lossByTokens_ = on;
    emit lossAxisChanged(on);
}

void TrainingLabState::onStateChanged(State state) {
    // The state the signal carries may be an earlier run's: the controller's own says what is now.
    if (queued_ && state == State::Finished && controller_.state() == State::Finished) {
        pullUpdates();  // the finished run's last points stay with it
        const train::RunSettings next = *queued_;
        queued_.reset();
        emit settingsShown(next);
        start(next, std::nullopt, {RunOrigin::Kind::Comparison, {}});
    } else if (state == State::Diverged || state == State::Failed) {
        queued_.reset();
    }
    emit statusChanged();
}

void TrainingLabState::pullUpdates() {
    TrainingController::Drained drained = controller_.drain();
    Run* run = runs_.current();
    if (!run || (drained.steps.empty() && drained.heldOut.empty() && drained.probes.empty())) return;
    run->steps.insert(run->steps.end(), drained.steps.begin(), drained.steps.end());
    run->heldOut.insert(run->heldOut.end(), drained.heldOut.begin(), drained.heldOut.end());
    run->probes.insert(run->probes.end(), drained.probes.begin(), drained.probes.end());
    if (!drained.steps.empty()) {
        lastStep_ = drained.steps.back().metrics.step;
        lastSpeed_ = drained.steps.back().metrics.tokensPerSecond;
    }
    emit pointsAdded(runs_.count() - 1, drained);
    statusSoon();
}

QString TrainingLabState::statusText() const {
    const QLocale locale;
    const State state = controller_.state();
    switch (state) {
        case State::Idle: return tr("Choose the settings and press Start.");
        case State::Preparing: return activity_.isEmpty() ? tr("Preparing the data…") : activity_;
        case State::Failed: return tr("The run could not start.");
        default: break;
    }
    const train::RunSettings s = controller_.preparedSettings();
    const QString what = state == State::Running    ? tr("Training")
                         : state == State::Paused   ? tr("Paused")
                         : state == State::Finished ? tr("Finished")
                         : state == State::Stopped  ? tr("Stopped")
                                                    : tr("Diverged");
    QString text = tr("%1 · step %2 of %3").arg(what, locale.toString(qulonglong(lastStep_)), locale.toString(qulonglong(s.steps)));
    if (lastSpeed_ > 0) text += tr(" · %1 tokens/s").arg(locale.toString(lastSpeed_, 'f', 0));
    text += tr(" · %1 parameters").arg(locale.toString(qulonglong(controller_.parameterCount())));
    if (!activity_.isEmpty()) text += QStringLiteral(" · ") + activity_;
    return text + QLatin1Char('\n') + memoryText(s);
}

QString TrainingLabState::memoryText(const train::RunSettings& settings) const {
    // Each part in its own figure, so SGD against Adam and accumulation's smaller micro-batch show
    // without arithmetic.
    const QLocale locale;
    const optim::TrainingMemory memory = controller_.memory();
    const std::size_t activations = controller_.activationBytes();
    const auto mb = [&locale](std::size_t bytes) {
        const double value = double(bytes) / 1e6;
        return locale.toString(value, 'f', value < 10 ? 2 : 1);
    };
    const int copies = optim::optimizerStateCopies(settings.trainer.optimizer.kind);
    QStringList parts;
    parts << tr("weights %1").arg(mb(memory.parameters));
    if (memory.masterWeights > 0) parts << tr("fp32 master %1").arg(mb(memory.masterWeights));
    parts << tr("gradients %1").arg(mb(memory.gradients));
    parts << (copies == 0   ? tr("optimizer 0 (SGD keeps none)")
              : copies == 1 ? tr("optimizer %1 (one average)").arg(mb(memory.optimizerState))
                            : tr("optimizer %1 (m, v)").arg(mb(memory.optimizerState)));
    const qlonglong micro = settings.accumulation > 1 ? settings.batch / settings.accumulation : settings.batch;
    parts << (activations > 0 ? tr("activations %1 (%2 sequences)").arg(mb(activations)).arg(micro)
                              : tr("activations after the first step"));
    return tr("Memory %1 MB: %2").arg(mb(memory.total() + activations), parts.join(QStringLiteral(" · ")));
}

}  // namespace pretrainlab::app
