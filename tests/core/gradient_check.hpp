#pragma once

// Finite differences: the independent reference for every backward pass.

#include <QString>
#include <cmath>
#include <functional>
#include <vector>

#include "core/nn/tensor.hpp"

using Flat = pretrainlab::nn::FlatArray<double>;

// Compares analytic[i] with (loss(x + h e_i) − loss(x − h e_i)) / 2h for each i of `indices`
// (every index when empty). Returns a description of the worst mismatch beyond `tolerance`
// (relative, with an absolute floor of 1e-3 below which central differences with h = 1e-5 are
// only good to about 1e-9), or an empty string.
inline QString compareWithFiniteDifferences(Flat& values, const Flat& analytic,
                                            const std::function<double()>& loss, double tolerance = 1e-6,
                                            std::vector<std::size_t> indices = {}) {
    if (indices.empty()) {
        for (std::size_t i = 0; i < values.size(); ++i) indices.push_back(i);
    }
    const double h = 1e-5;
    double worst = 0;
    QString report;
    for (const std::size_t i : indices) {
        const double saved = values[i];
        values[i] = saved + h;
        const double plus = loss();
        values[i] = saved - h;
        const double minus = loss();
        values[i] = saved;
        const double numeric = (plus - minus) / (2 * h);
        const double error = std::abs(numeric - analytic[i]) / std::max(1e-3, std::abs(numeric) + std::abs(analytic[i]));
        if (error > worst) {
            worst = error;
            if (error > tolerance) {
                report = QStringLiteral("index %1: analytic %2, numeric %3 (relative error %4)")
                             .arg(i)
                             .arg(analytic[i], 0, 'g', 10)
                             .arg(numeric, 0, 'g', 10)
                             .arg(error, 0, 'g', 3);
            }
        }
    }
    return report;
}
