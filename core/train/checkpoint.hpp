#pragma once

// A training run on disk: PATH.safetensors (the weights), PATH.json (settings, tokenizer, step,
// the data's position and fingerprints of the other two) and PATH.optimizer.safetensors (Adam's
// m and v). `train --save/--resume` and the Training lab both use these.

#include <functional>
#include <memory>
#include <string>

#include "core/common/progress.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::train {

// Paths of a checkpoint's companions: "run.safetensors" -> "run.json", "run.optimizer.safetensors".
std::string checkpointJsonPath(const std::string& weightsPath);
std::string checkpointOptimizerPath(const std::string& weightsPath);

// Writes the three files, each atomically; `beforeCommit` runs when all are written under
// temporary names, before any is renamed.
void saveCheckpoint(const TrainingSession& session, const std::string& weightsPath,
                    const std::function<void()>& beforeCommit = {});

// The run as it was saved, ready for its next step. Throws LocatedError naming the file that is
// missing, truncated, changed or malformed.
std::unique_ptr<TrainingSession> loadCheckpoint(const std::string& weightsPath, const Progress& progress = {});

}  // namespace pretrainlab::train
