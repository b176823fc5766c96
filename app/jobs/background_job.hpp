#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>

#include "core/common/progress.hpp"

namespace pretrainlab::app {

// Runs one piece of long work at a time on a worker thread (loading a large corpus, training to
// a far vocabulary size), with progress and Cancel, so the window never waits for it.
//
// `work` runs on the worker with a Progress to report to and check; it returns what to do with
// its result on the UI thread. It signals cancellation by throwing Cancelled and failure by
// throwing (LocatedError and the like): `failed` gets the message.
class BackgroundJob : public QObject {
    Q_OBJECT
public:
    using Apply = std::function<void()>;
    using Work = std::function<Apply(const Progress&)>;

    explicit BackgroundJob(QObject* parent = nullptr);
    ~BackgroundJob() override;

    // False (and nothing starts) while another job runs.
    bool start(const QString& what, Work work, std::function<void(const QString&)> failed,
               std::function<void()> cancelled = {});
    void cancel();
    // From start() until its result has been applied (or its failure reported) on the UI thread.
    bool busy() const { return running_; }
    // Asks the running job (if any) to stop and blocks until it has. For shutdown.
    void waitForDone();

signals:
    void started(const QString& what);
    void progressed(const QString& what, double fraction);  // about 20 times a second at most
    void finished();

private:
    struct Outcome {
        Apply apply;
        QString error;
        bool cancelled = false;
    };
    QFutureWatcher<Outcome> watcher_;
    bool running_ = false;
    QTimer poll_;
    QString what_;
    std::shared_ptr<std::atomic<double>> fraction_;
    std::shared_ptr<std::atomic<bool>> stop_;
    std::function<void(const QString&)> failed_;
    std::function<void()> cancelled_;
};

}  // namespace pretrainlab::app
