#include "core/optim/playground.hpp"

#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace pretrainlab::optim {

std::string PathSettings::problem() const {
    const auto text = [](double value) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%g", value);
        return std::string(buffer);
    };
    if (!(learningRate > 0) || !std::isfinite(learningRate)) return "the learning rate must be above 0, got " + text(learningRate);
    if (!(optimizer.beta1 >= 0 && optimizer.beta1 < 1)) return "β₁ must be in [0, 1), got " + text(optimizer.beta1);
    if (!(optimizer.beta2 >= 0 && optimizer.beta2 < 1)) return "β₂ must be in [0, 1), got " + text(optimizer.beta2);
    const bool adaptive = optimizer.kind == OptimizerKind::RmsProp || optimizer.kind == OptimizerKind::Adam ||
                          optimizer.kind == OptimizerKind::AdamW;
    if (!(optimizer.epsilon > 0) && adaptive) return "ε must be above 0 (it keeps g / √v finite where g is 0), got " + text(optimizer.epsilon);
    if (!(optimizer.momentum >= 0 && optimizer.momentum < 1)) return "the momentum must be in [0, 1), got " + text(optimizer.momentum);
    if (!(optimizer.weightDecay >= 0)) return "the weight decay must be 0 or more, got " + text(optimizer.weightDecay);
    if (!std::isfinite(start[0]) || !std::isfinite(start[1])) return "the start must be a finite point";
    return {};
}

OptimizerPath::OptimizerPath(Surface surface, PathSettings settings)
    : surface_(std::move(surface)), settings_(settings), optimizer_(settings.optimizer, 2) {
    if (const std::string problem = settings_.problem(); !problem.empty()) throw std::invalid_argument(problem);
    reset();
}

void OptimizerPath::reset() {
    optimizer_ = Optimizer<double>(settings_.optimizer, 2);
    PathPoint start;
    start.theta = settings_.start;
    start.loss = surface_.value(start.theta);
    points_ = {start};
}

Point2 OptimizerPath::noisyGradient(const Point2& at, std::size_t step) const {
    Point2 g = surface_.gradient(at);
    if (surface_.noise > 0) {
        // The step's own generator: going back and forth, or another optimizer, sees the same noise.
        std::mt19937_64 random(settings_.seed * 1000003ULL + step);
        std::normal_distribution<double> normal(0.0, surface_.noise);
        g[0] += normal(random);
        g[1] += normal(random);
    }
    return g;
}

bool OptimizerPath::diverged() const {
    const PathPoint& p = points_.back();
    return !std::isfinite(p.theta[0]) || !std::isfinite(p.theta[1]) || !std::isfinite(p.loss);
}

const PathPoint& OptimizerPath::step() {
    if (diverged()) return points_.back();
    const PathPoint& last = points_.back();
    PathPoint next;
    next.step = last.step + 1;
    next.gradient = noisyGradient(last.theta, next.step);
    nn::FlatArray<double> theta(2), gradient(2);
    theta[0] = last.theta[0], theta[1] = last.theta[1];
    gradient[0] = next.gradient[0], gradient[1] = next.gradient[1];
    optimizer_.step(theta, gradient, settings_.learningRate);
    next.theta = {theta[0], theta[1]};
    next.loss = surface_.value(next.theta);
    next.update = {theta[0] - last.theta[0], theta[1] - last.theta[1]};
    const OptimizerOptions& o = settings_.optimizer;
    const double t = double(optimizer_.steps());
    const double firstScale = o.correctFirstMoment ? 1 - std::pow(o.beta1, t) : 1.0;
    const double secondScale = o.correctSecondMoment ? 1 - std::pow(o.beta2, t) : 1.0;
    const bool adam = o.kind == OptimizerKind::Adam || o.kind == OptimizerKind::AdamW;
    for (int i = 0; i < 2; ++i) {
        if (!optimizer_.firstMoment().empty()) next.m[std::size_t(i)] = optimizer_.firstMoment()[std::size_t(i)];
        if (!optimizer_.secondMoment().empty()) next.v[std::size_t(i)] = optimizer_.secondMoment()[std::size_t(i)];
        next.mHat[std::size_t(i)] = adam ? next.m[std::size_t(i)] / firstScale : next.m[std::size_t(i)];
        next.vHat[std::size_t(i)] = adam ? next.v[std::size_t(i)] / secondScale : next.v[std::size_t(i)];
    }
    points_.push_back(next);
    return points_.back();
}

bool OptimizerPath::back() {
    if (points_.size() < 2) return false;
    points_.pop_back();
    // The optimizer as it was after the step now last: its moments are in that point.
    const PathPoint& p = points_.back();
    nn::FlatArray<double> m, v;
    if (!optimizer_.firstMoment().empty()) m = nn::FlatArray<double>{p.m[0], p.m[1]};
    if (!optimizer_.secondMoment().empty()) v = nn::FlatArray<double>{p.v[0], p.v[1]};
    optimizer_.restore(p.step, m, v);
    if (p.step == 0) optimizer_ = Optimizer<double>(settings_.optimizer, 2);
    return true;
}

namespace {

std::string num(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", value);
    return text;
}

const char* axis(int i) { return i == 0 ? "x" : "y"; }

}  // namespace

std::string explainStep(const OptimizerPath& path) {
    const std::vector<PathPoint>& points = path.points();
    if (points.size() < 2) return {};
    const PathPoint& now = points.back();
    const OptimizerOptions& o = path.settings().optimizer;
    const double eta = path.settings().learningRate;
    std::string text;
    // Which coordinates' gradient flipped sign since the last step (crossing a valley).
    const PathPoint* before = points.size() >= 3 ? &points[points.size() - 2] : nullptr;
    const auto flipped = [&](int i) { return before && before->gradient[std::size_t(i)] * now.gradient[std::size_t(i)] < 0; };
    switch (o.kind) {
        case OptimizerKind::Sgd:
            text = "SGD steps by −η g: Δ = (" + num(now.update[0]) + ", " + num(now.update[1]) +
                   "), each coordinate in proportion to its slope.";
            for (int i = 0; i < 2; ++i)
                if (flipped(i))
                    text += std::string(" g_") + axis(i) + " changed sign: the step crossed the valley and will come back (it oscillates).";
            break;
        case OptimizerKind::Momentum:
            text = "Momentum carries a velocity m = μ m + g: m = (" + num(now.m[0]) + ", " + num(now.m[1]) + ").";
            for (int i = 0; i < 2; ++i) {
                const double g = now.gradient[std::size_t(i)], m = now.m[std::size_t(i)];
                if (flipped(i))
                    text += std::string(" g_") + axis(i) + " flipped sign, and the velocity m_" + axis(i) + " = " + num(m) +
                            " is what is left after the two cancel: inertia damps the oscillation.";
                else if (std::abs(g) > 1e-12 && std::abs(m) > 1.5 * std::abs(g))
                    text += std::string(" Along ") + axis(i) + " the gradient keeps its sign: the velocity has built up to " +
                            num(m / g) + " × g_" + axis(i) + ".";
            }
            break;
        case OptimizerKind::RmsProp:
        case OptimizerKind::Adam:
        case OptimizerKind::AdamW: {
            const bool adam = o.kind != OptimizerKind::RmsProp;
            const bool corrected = o.correctFirstMoment && o.correctSecondMoment;
            text = std::string(!adam ? "RMSProp steps by η g / (√v + ε)"
                               : corrected ? "Adam steps by η times the corrected mean over the root of the corrected square, m-hat / (√v-hat + ε)"
                                           : "This Adam steps by η m / (√v + ε) with a moment left uncorrected") + ": |Δ| = (" +
                   num(std::abs(now.update[0])) + ", " + num(std::abs(now.update[1])) + ") for |g| = (" +
                   num(std::abs(now.gradient[0])) + ", " + num(std::abs(now.gradient[1])) + ").";
            const double g0 = std::abs(now.gradient[0]), g1 = std::abs(now.gradient[1]);
            if (g0 > 0 && g1 > 0 && std::max(g0, g1) > 3 * std::min(g0, g1)) {
                const int flat = g0 < g1 ? 0 : 1;
                text += std::string(" The flat coordinate ") + axis(flat) + " gets a step of " +
                        num(std::abs(now.update[std::size_t(flat)]) / eta) + " η although its slope is " +
                        num(std::max(g0, g1) / std::min(g0, g1)) + " times smaller: the adaptive step is larger where the surface is flat.";
            }
            if (adam && now.step <= 10 && (!o.correctFirstMoment || !o.correctSecondMoment)) {
                const double t = double(now.step);
                if (!o.correctFirstMoment)
                    text += " Uncorrected, m is only 1 − β₁^t = " + num(1 - std::pow(o.beta1, t)) + " of its corrected size (smaller steps).";
                if (!o.correctSecondMoment)
                    text += " Uncorrected, √v is only √(1 − β₂^t) = " + num(std::sqrt(1 - std::pow(o.beta2, t))) +
                            " of √v̂ (larger steps).";
            }
            break;
        }
    }
    return text;
}

}  // namespace pretrainlab::optim
