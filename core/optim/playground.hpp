#pragma once

// An optimizer of the engine (core/optim) moving on a surface of two parameters, step by step,
// with what equations (1)-(4) computed at each step, and the way back.

#include <cstdint>
#include <string>
#include <vector>

#include "core/optim/optimizer.hpp"
#include "core/optim/surfaces.hpp"

namespace pretrainlab::optim {

// One point of a path: where it is and what the step that led there computed.
struct PathPoint {
    std::size_t step = 0;        // 0: the start
    Point2 theta{0, 0};          // θ_t
    double loss = 0;             // f(θ_t)
    Point2 gradient{0, 0};       // g_t, the (noisy) gradient the step used (at θ_{t−1})
    Point2 m{0, 0}, v{0, 0};     // (1), (2): the optimizer's state after the step (momentum: its velocity in m)
    Point2 mHat{0, 0}, vHat{0, 0};  // (3): as the update used them (equal to m, v without correction)
    Point2 update{0, 0};         // (4): θ_t − θ_{t−1}
};

struct PathSettings {
    OptimizerOptions optimizer;
    double learningRate = 0.1;
    Point2 start{0, 0};
    std::uint64_t seed = 0;  // the noisy surface's gradients (the same for every optimizer of a seed)

    // "" or what is wrong, in words ("the learning rate must be above 0, got -1").
    std::string problem() const;
};

class OptimizerPath {
public:
    // Throws std::invalid_argument with settings.problem().
    OptimizerPath(Surface surface, PathSettings settings);

    const PathPoint& step();  // one more step
    bool back();               // undo the last step (false at the start)
    void reset();
    const std::vector<PathPoint>& points() const { return points_; }
    const PathPoint& current() const { return points_.back(); }
    const Surface& surface() const { return surface_; }
    const PathSettings& settings() const { return settings_; }
    // Whether a coordinate has left the finite numbers (the path stops there).
    bool diverged() const;

private:
    Point2 noisyGradient(const Point2& at, std::size_t step) const;

    Surface surface_;
    PathSettings settings_;
    Optimizer<double> optimizer_;
    std::vector<PathPoint> points_;
};

// The lecture's two ideas as the last step shows them, in words with its numbers: momentum's
// inertia (a gradient that flips sign across a valley is damped in the velocity, one that keeps its
// sign builds up) and the adaptive step (η m̂/√v̂ is about η in every coordinate, however steep), and
// what bias correction changed in the first steps. Empty at the start.
std::string explainStep(const OptimizerPath& path);

}  // namespace pretrainlab::optim
