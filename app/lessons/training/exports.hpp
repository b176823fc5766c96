#pragma once

// What the Training lab saves beside checkpoints: a run's metrics as CSV (core's one schema, as
// `train --metrics` writes it) and the charts as a picture.

#include "app/lessons/training/run_history.hpp"
#include "core/common/csv.hpp"

namespace pretrainlab::app {

// Every step of the run, with its held-out loss and probe accuracies where they were measured.
CsvTable runMetrics(const Run& run);

}  // namespace pretrainlab::app
