#include "app/jobs/background_job.hpp"

#include <QtConcurrent/QtConcurrentRun>
#include <exception>

namespace pretrainlab::app {

BackgroundJob::BackgroundJob(QObject* parent) : QObject(parent) {
    poll_.setInterval(50);
    connect(&poll_, &QTimer::timeout, this, [this] {
        if (fraction_) emit progressed(what_, fraction_->load());
    });
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, [this] {
        poll_.stop();
        const Outcome outcome = watcher_.result();
        if (outcome.cancelled) {
            if (cancelled_) cancelled_();
        } else if (!outcome.error.isEmpty()) {
            if (failed_) failed_(outcome.error);
        } else if (outcome.apply) {
            outcome.apply();
        }
        running_ = false;
        emit finished();
    });
}

BackgroundJob::~BackgroundJob() { waitForDone(); }

bool BackgroundJob::start(const QString& what, Work work, std::function<void(const QString&)> failed,
                          std::function<void()> cancelled) {
    if (busy()) return false;
    running_ = true;
    what_ = what;
    failed_ = std::move(failed);
    cancelled_ = std::move(cancelled);
    fraction_ = std::make_shared<std::atomic<double>>(-1.0);
    stop_ = std::make_shared<std::atomic<bool>>(false);
    Progress progress{[fraction = fraction_](double done) { fraction->store(done); },
                      [stop = stop_] { return stop->load(); }};
    // Announced before the worker starts, so a cancel from a slot of `started` is seen by the
    // work's first check instead of racing a job that may already be done.
    emit started(what);
    emit progressed(what, -1.0);
    watcher_.setFuture(QtConcurrent::run([work = std::move(work), progress]() -> Outcome {
        try {
            return {work(progress), {}, false};
        } catch (const Cancelled&) {
            return {{}, {}, true};
        } catch (const std::exception& error) {
            return {{}, QString::fromUtf8(error.what()), false};
        }
    }));
    poll_.start();
    return true;
}

void BackgroundJob::cancel() {
    if (stop_) stop_->store(true);
}

void BackgroundJob::waitForDone() {
    if (!watcher_.isRunning()) return;
    cancel();
    watcher_.waitForFinished();
}

}  // namespace pretrainlab::app
