#include "core/optim/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pretrainlab::optim {

std::string_view scheduleName(ScheduleKind kind) {
    switch (kind) {
        case ScheduleKind::Constant: return "constant";
        case ScheduleKind::Linear: return "linear";
        case ScheduleKind::Cosine: return "cosine";
        case ScheduleKind::Exponential: return "exponential";
        case ScheduleKind::InverseSqrt: return "invsqrt";
    }
    return "constant";
}

std::optional<ScheduleKind> parseSchedule(std::string_view name) {
    for (const ScheduleKind kind : {ScheduleKind::Constant, ScheduleKind::Linear, ScheduleKind::Cosine,
                                    ScheduleKind::Exponential, ScheduleKind::InverseSqrt}) {
        if (scheduleName(kind) == name) return kind;
    }
    return std::nullopt;
}

Schedule::Curve Schedule::sampled(std::size_t points) const {
    Curve curve;
    points = std::min(total, points);
    for (std::size_t i = 0; i <= points; ++i) {
        const std::size_t step = std::max<std::size_t>(1, total * i / std::max<std::size_t>(1, points));
        curve.steps.push_back(double(step));
        curve.rates.push_back(at(step));
    }
    return curve;
}

double Schedule::at(std::size_t step) const {
    step = std::max<std::size_t>(step, 1);
    if (step <= warmup) return peak * double(step) / double(warmup);  // warmup: don't start large
    const double after = double(step - warmup);                        // steps since the peak
    const double span = double(std::max<std::size_t>(1, total > warmup ? total - warmup : 1));
    switch (kind) {
        case ScheduleKind::Constant:
            return peak;
        case ScheduleKind::Linear:
            return peak * std::max(0.0, 1.0 - after / span);
        case ScheduleKind::Cosine: {
            const double progress = std::min(1.0, after / span);
            return floor + (peak - floor) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
        }
        case ScheduleKind::Exponential: {
            const double factor = gamma > 0 ? gamma : std::pow(0.01, 1.0 / span);
            return peak * std::pow(factor, after);
        }
        case ScheduleKind::InverseSqrt:
            return warmup > 0 ? peak * std::sqrt(double(warmup) / double(step)) : peak / std::sqrt(double(step));
    }
    return peak;
}

std::string Schedule::formula() const {
    const auto n = [](double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", value);
        return std::string(text);
    };
    const std::string p = n(peak), w = std::to_string(warmup), T = std::to_string(total);
    std::string text;
    if (warmup > 0) text = "t ≤ " + w + ": η = " + p + " · t / " + w + "   (warmup)\n";
    const std::string after = warmup > 0 ? "t > " + w + ": " : "";
    const std::string since = warmup > 0 ? "(t − " + w + ")" : "t";
    const std::string span = warmup > 0 ? "(" + T + " − " + w + ")" : T;
    switch (kind) {
        case ScheduleKind::Constant: text += after + "η = " + p; break;
        case ScheduleKind::Linear: text += after + "η = " + p + " · (1 − " + since + " / " + span + ")   (BERT)"; break;
        case ScheduleKind::Cosine:
            text += after + "η = " + n(floor) + " + (" + p + " − " + n(floor) + ") · ½ (1 + cos(π " + since + " / " + span + "))";
            break;
        case ScheduleKind::Exponential: {
            const double span2 = double(std::max<std::size_t>(1, total > warmup ? total - warmup : 1));
            text += after + "η = " + p + " · " + n(gamma > 0 ? gamma : std::pow(0.01, 1.0 / span2)) + "^" + since;
            break;
        }
        case ScheduleKind::InverseSqrt:
            text += after + (warmup > 0 ? "η = " + p + " · √(" + w + " / t)" : "η = " + p + " / √t") + "   (the Transformer)";
            break;
    }
    return text;
}

}  // namespace pretrainlab::optim
