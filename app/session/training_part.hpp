#pragma once

// The Training lab's runs in a session file: each run's settings, colour, origin and every point
// it made (steps, held-out losses, probe snapshots), as JSON.

#include <string>
#include <vector>

#include "app/lessons/training/run_history.hpp"

namespace pretrainlab::app::session {

// How the current run ended when it did not finish: "stopped" or "diverged" ("" otherwise).
struct SavedRuns {
    std::vector<Run> runs;
    std::vector<int> colourIndex;  // per run: its place in the theme's series colours (-1: none)
    bool lossByTokensWithLoss = false;
    std::string ended;
    QString problem;  // the lab's message about the current run ("" when none)
};

// On the UI thread (it reads the theme's colours); `saved.colourIndex` is worked out here.
std::string runsJson(const SavedRuns& saved);
// On any thread: the runs keep the colours as saved, `colourIndex` says which the theme gives them.
// Throws std::invalid_argument (or nlohmann's exceptions) saying what does not fit.
SavedRuns runsFrom(const std::string& json);

}  // namespace pretrainlab::app::session
