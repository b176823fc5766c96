#pragma once

// The Training lab's runs in a session file: each run's settings, colour, origin and every point
// it made (steps, held-out losses, probe snapshots), as JSON.

#include <string>
#include <vector>

#include "app/lessons/training/run_history.hpp"

namespace pretrainlab::app::session {

std::string runsJson(const std::vector<Run>& runs, bool lossByTokensWithLoss);

struct SavedRuns {
    std::vector<Run> runs;
    bool lossByTokensWithLoss = false;
};
// Throws std::invalid_argument (or nlohmann's exceptions) saying what does not fit.
SavedRuns runsFrom(const std::string& json);

}  // namespace pretrainlab::app::session
