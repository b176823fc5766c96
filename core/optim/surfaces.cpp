#include "core/optim/surfaces.hpp"

#include <cmath>

namespace pretrainlab::optim {

double Surface::value(const Point2& p) const {
    const double x = p[0], y = p[1];
    if (name == "valley") return 0.05 * x * x + 2.5 * y * y;
    if (name == "rosenbrock") return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    if (name == "saddle") return 0.5 * x * x - 0.5 * y * y + 0.05 * y * y * y * y;
    if (name == "cliff") return 0.2 * y * y + 2.0 / (1 + std::exp(4 * (x - 3))) + 0.002 * (x - 5) * (x - 5);
    return 0.5 * (x * x + 4 * y * y);  // noisy
}

Point2 Surface::gradient(const Point2& p) const {
    const double x = p[0], y = p[1];
    if (name == "valley") return {0.1 * x, 5 * y};
    if (name == "rosenbrock") return {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)};
    if (name == "saddle") return {x, -y + 0.2 * y * y * y};
    if (name == "cliff") {
        const double e = std::exp(4 * (x - 3));
        return {-8 * e / ((1 + e) * (1 + e)) + 0.004 * (x - 5), 0.4 * y};
    }
    return {x, 4 * y};
}

const std::vector<Surface>& surfaces() {
    static const std::vector<Surface> all{
        {"valley", "Elongated valley", "steep across, flat along: SGD zigzags, momentum and Adam go down the middle",
         {-9, 1.2}, {0, 0}, {-10, -2.5}, {10, 2.5}, 0, 0.38, 0.3},
        {"rosenbrock", "Rosenbrock", "a curved banana valley (a = 1, b = 100): easy to find, slow to follow",
         {-1.5, 2}, {1, 1}, {-2, -1}, {2, 3}, 0, 2e-4, 0.05},
        {"saddle", "Saddle", "downhill one way, uphill the other: a tiny push decides the way out",
         {2.5, 0.02}, {0, 2.236068}, {-3, -3.5}, {3, 3.5}, 0, 0.1, 0.05},
        {"cliff", "Plateau, then a cliff", "almost no gradient for a long way, then a sudden drop",
         {-2, 1.5}, {5.248, 0}, {-3, -2.5}, {7, 2.5}, 0, 0.5, 0.1},
        {"noisy", "Noisy bowl", "every gradient a mini-batch's: noise around the true one",
         {-3, 2}, {0, 0}, {-4, -3}, {4, 3}, 1.0, 0.1, 0.1},
    };
    return all;
}

std::optional<Surface> surfaceNamed(const std::string& name) {
    for (const Surface& surface : surfaces()) {
        if (surface.name == name) return surface;
    }
    return std::nullopt;
}

}  // namespace pretrainlab::optim
