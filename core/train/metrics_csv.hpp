#pragma once

// The one schema of a run's metrics as CSV, one row per optimizer step: what
// `pretrainlab-cli train --metrics` writes and what the Training lab exports.

#include <array>
#include <optional>
#include <vector>

#include "core/common/csv.hpp"
#include "core/data/toyworld.hpp"
#include "core/train/trainer.hpp"

namespace pretrainlab::train {

// What a run measured at one step; the held-out loss and the probes only at the steps they
// were evaluated.
struct MetricsRow {
    StepMetrics step;
    std::optional<double> heldOutLoss;
    std::optional<std::array<double, data::probeCategoryCount>> probeAccuracy;
};

// step, loss, token_loss, sequence_loss, learning_rate, gradient_norm, tokens, tokens_with_loss,
// tokens_per_s, held_out_loss, then probe_<category> for each probe category.
std::vector<std::string> metricsColumns();
CsvTable metricsTable(const std::vector<MetricsRow>& rows);

}  // namespace pretrainlab::train
