#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

#include "core/common/progress.hpp"

template <typename T>
class QFutureWatcher;

namespace pretrainlab::app {

// A computation the window asks for again and again (the attention weights of the sentence typed,
// the next token, the trade-off curve of a corpus): each request runs on a worker, and only the
// newest one's result reaches the window; a request that a newer one replaced is told to stop
// (Progress::shouldStop) and its result is dropped. Failures go to the request's `failed`.
class LatestJob : public QObject {
    Q_OBJECT
public:
    using Apply = std::function<void()>;
    using Work = std::function<Apply(const Progress&)>;

    explicit LatestJob(QObject* parent = nullptr);
    ~LatestJob() override;  // tells every request to stop and waits for them

    // `work` runs on a worker; what it returns runs on the UI thread if no newer request came.
    void request(Work work, std::function<void(const QString&)> failed = {});
    // The request in flight (if any) will not be applied.
    void drop();
    // Requests still on a worker, replaced ones included.
    bool busy() const { return running_ > 0; }
    // Blocks until every request has finished and the newest one is applied. For tests and shutdown.
    void waitForDone();

signals:
    // The newest request's result (or failure) was handled.
    void applied();

private:
    quint64 ticket_ = 0;
    int running_ = 0;
    std::shared_ptr<std::atomic<bool>> stop_;
    QList<QFutureWatcher<Apply>*> watchers_;
};

}  // namespace pretrainlab::app
