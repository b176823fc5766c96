#include "app/jobs/latest_job.hpp"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>

namespace pretrainlab::app {

LatestJob::LatestJob(QObject* parent) : QObject(parent) {}

LatestJob::~LatestJob() {
    if (stop_) stop_->store(true);
    for (QFutureWatcher<Apply>* watcher : watchers_) watcher->waitForFinished();
}

void LatestJob::request(Work work, std::function<void(const QString&)> failed) {
    if (stop_) stop_->store(true);  // the request it replaces may give up early
    stop_ = std::make_shared<std::atomic<bool>>(false);
    const quint64 ticket = ++ticket_;
    ++running_;
    auto* watcher = new QFutureWatcher<Apply>(this);
    watchers_.append(watcher);
    connect(watcher, &QFutureWatcher<Apply>::finished, this, [this, watcher, ticket] {
        watchers_.removeOne(watcher);
        watcher->deleteLater();
        --running_;
        if (ticket != ticket_) return;  // a newer request replaced it
        if (const Apply apply = watcher->result()) apply();
        emit applied();
    });
    const Progress progress{{}, [stop = stop_] { return stop->load(); }};
    watcher->setFuture(QtConcurrent::run([work = std::move(work), failed = std::move(failed), progress]() -> Apply {
        try {
            return work(progress);
        } catch (const Cancelled&) {
            return {};
        } catch (const std::exception& error) {
            if (!failed) return {};
            return [failed, message = QString::fromUtf8(error.what())] { failed(message); };
        }
    }));
}

void LatestJob::drop() {
    if (stop_) stop_->store(true);
    ++ticket_;
}

void LatestJob::waitForDone() {
    while (running_ > 0) {
        const QList<QFutureWatcher<Apply>*> watchers = watchers_;
        for (QFutureWatcher<Apply>* watcher : watchers) {
            watcher->waitForFinished();
            // Only the watcher's own events (its finished signal applies the result): the rest of
            // the application's queue may belong to widgets being destroyed around this job.
            QCoreApplication::sendPostedEvents(watcher);
        }
        if (watchers.isEmpty()) break;
    }
}

}  // namespace pretrainlab::app
