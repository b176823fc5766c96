#pragma once

// Loss surfaces of two parameters that a class recognises, for watching optimizers move: an
// elongated valley (SGD oscillates across it), Rosenbrock's banana (a = 1, b = 100), a saddle, a
// plateau that ends in a cliff, and a bowl whose every gradient is a noisy mini-batch estimate.

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace pretrainlab::optim {

using Point2 = std::array<double, 2>;

struct Surface {
    std::string name;     // "valley": as the CLI names it
    std::string title;    // "Elongated valley"
    std::string teaches;  // one line: what it shows
    Point2 start{0, 0};   // where paths start unless told otherwise
    Point2 minimum{0, 0}; // the lowest point (or one of them), for drawing
    Point2 low{-1, -1}, high{1, 1};  // the window drawn
    double noise = 0;     // the standard deviation of each gradient coordinate's noise
    // A learning rate that shows the surface's point: for SGD and momentum, and for the adaptive
    // ones (RMSProp, Adam, AdamW), whose steps are about η whatever the gradient's size.
    double sgdRate = 0.1, adaptiveRate = 0.1;

    double suggestedRate(bool adaptive) const { return adaptive ? adaptiveRate : sgdRate; }

    double value(const Point2& p) const;
    Point2 gradient(const Point2& p) const;  // exact, without noise
};

// valley, rosenbrock, saddle, cliff, noisy
const std::vector<Surface>& surfaces();
std::optional<Surface> surfaceNamed(const std::string& name);

}  // namespace pretrainlab::optim
