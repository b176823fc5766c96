#pragma once

#include <functional>
#include <stdexcept>

namespace pretrainlab {

// How long work reports back and is told to stop. Both hooks are optional and may be called from
// a worker thread; `report` gets the fraction done, 0..1.
struct Progress {
    std::function<void(double fraction)> report;
    std::function<bool()> shouldStop;

    void operator()(double fraction) const {
        if (report) report(fraction);
    }
    bool stopRequested() const { return shouldStop && shouldStop(); }
};

// Thrown by long work when Progress::shouldStop says so; nothing it was building is kept.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace pretrainlab
