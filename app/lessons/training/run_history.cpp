#include "app/lessons/training/run_history.hpp"

#include <QObject>
#include <algorithm>

namespace pretrainlab::app {

double Run::tokensWithLossAt(std::size_t step) const {
    const auto after = std::upper_bound(steps.begin(), steps.end(), step,
                                        [](std::size_t s, const StepPoint& p) { return s < p.metrics.step; });
    return after == steps.begin() ? 0.0 : std::prev(after)->tokensWithLossSoFar;
}

Run& RunHistory::add(const train::RunSettings& settings, RunOrigin origin, QColor colour) {
    Run run;
    run.id = nextId_++;
    run.name = QObject::tr("Run %1").arg(run.id);
    run.colour = colour;
    run.settings = settings;
    run.origin = std::move(origin);
    runs_.push_back(std::move(run));
    return runs_.back();
}

void RunHistory::remove(int index) {
    if (index < 0 || index >= count()) return;
    runs_.erase(runs_.begin() + index);
}

void RunHistory::clear() {
    runs_.clear();
    nextId_ = 1;
}

void RunHistory::restore(std::vector<Run> runs) {
    runs_ = std::move(runs);
    nextId_ = 1;
    for (const Run& run : runs_) nextId_ = std::max(nextId_, run.id + 1);
}

}  // namespace pretrainlab::app
