#pragma once

// How late a 1 ms precise timer fires on the UI thread: what a click or a repaint waits for while
// work runs beside it. Start it, let the event loop run, stop it, read the percentiles.

#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <vector>

class TimerLateness {
public:
    TimerLateness() {
        tick_.setTimerType(Qt::PreciseTimer);
        tick_.setInterval(1);
        QObject::connect(&tick_, &QTimer::timeout, [this] {
            const qint64 now = clock_.nsecsElapsed();
            lateness_.push_back(std::max(0.0, double(now - last_) / 1e6 - 1.0));
            last_ = now;
        });
    }
    void start() {
        clock_.start();
        last_ = clock_.nsecsElapsed();
        tick_.start();
    }
    void stop() {
        tick_.stop();
        std::sort(lateness_.begin(), lateness_.end());
    }
    std::size_t firings() const { return lateness_.size(); }
    // In milliseconds, after stop().
    double percentile(double p) const {
        return lateness_.empty() ? 0.0 : lateness_[std::min(lateness_.size() - 1, std::size_t(p * double(lateness_.size())))];
    }
    double worst() const { return lateness_.empty() ? 0.0 : lateness_.back(); }

private:
    QTimer tick_;
    QElapsedTimer clock_;
    qint64 last_ = 0;
    std::vector<double> lateness_;
};
