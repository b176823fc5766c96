#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pretrainlab::optim {

enum class ScheduleKind {
    Constant,     // the peak rate after warmup
    Linear,       // warmup, then linear decay to 0 at the last step (BERT)
    Cosine,       // warmup, then half a cosine down to the floor
    Exponential,  // warmup, then × γ every step
    InverseSqrt,  // warmup, then peak · √(warmup / step) (the original Transformer)
};

std::string_view scheduleName(ScheduleKind kind);  // "constant", "linear", "cosine", "exponential", "invsqrt"
std::optional<ScheduleKind> parseSchedule(std::string_view name);

// The learning rate as a function of the step (1, 2, ...): warmup rises linearly from peak/warmup
// to the peak, then the decay the kind names.
struct Schedule {
    ScheduleKind kind = ScheduleKind::Constant;
    double peak = 3e-4;
    std::size_t warmup = 0;
    std::size_t total = 1000;  // steps in the run (linear and cosine decay over it)
    double floor = 0.0;        // cosine ends here
    double gamma = 0.0;        // exponential: per-step factor; 0: reach 1% of the peak at `total`

    double at(std::size_t step) const;
    // The rate at about `points` steps spread over 1 … total (every step when there are fewer), for
    // drawing the plan.
    struct Curve {
        std::vector<double> steps;
        std::vector<double> rates;
    };
    Curve sampled(std::size_t points = 400) const;
    // The formula with its numbers, one line per phase ("t ≤ 100: η = 0.001 · t / 100").
    std::string formula() const;
};

}  // namespace pretrainlab::optim
