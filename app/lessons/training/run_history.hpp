#pragma once

#include <QColor>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "app/training_controller.hpp"
#include "core/train/run_settings.hpp"

namespace pretrainlab::app {

// Where a run came from: the setup form, a checkpoint file, or one of a comparison the lessons
// start (an encoder, then a decoder).
struct RunOrigin {
    enum class Kind { Form, Checkpoint, Comparison };
    Kind kind = Kind::Form;
    QString file;  // the checkpoint's path
};

// One run as the Training lab keeps it to compare: its settings, colour and every point it made.
struct Run {
    int id = 0;  // 1, 2, ...: "Run 3"
    QString name;
    QColor colour;
    train::RunSettings settings;
    RunOrigin origin;
    bool visible = true;
    std::vector<StepPoint> steps;
    std::vector<HeldOutPoint> heldOut;
    std::vector<std::shared_ptr<const ProbeSnapshot>> probes;

    // The last recorded step at or before `step` counted by tokens with loss (0 before the first).
    double tokensWithLossAt(std::size_t step) const;
    std::size_t lastStep() const { return steps.empty() ? 0 : steps.back().metrics.step; }
};

// The runs of a session, oldest first; the last one is the one training (or last trained).
class RunHistory {
public:
    Run& add(const train::RunSettings& settings, RunOrigin origin, QColor colour);
    void remove(int index);
    void clear();
    // These runs in place of those here (a session file's); new runs are numbered after them.
    void restore(std::vector<Run> runs);
    int count() const { return static_cast<int>(runs_.size()); }
    Run& at(int index) { return runs_.at(static_cast<std::size_t>(index)); }
    const Run& at(int index) const { return runs_.at(static_cast<std::size_t>(index)); }
    Run* current() { return runs_.empty() ? nullptr : &runs_.back(); }
    const Run* current() const { return runs_.empty() ? nullptr : &runs_.back(); }
    const std::vector<Run>& runs() const { return runs_; }

private:
    std::vector<Run> runs_;
    int nextId_ = 1;
};

}  // namespace pretrainlab::app
