#pragma once

// A training run on disk: PATH.safetensors (the weights), PATH.json (settings, tokenizer, step,
// the data's position and fingerprints of the other two) and PATH.optimizer.safetensors (Adam's
// m and v). `train --save/--resume` and the Training lab both use these.

#include <functional>
#include <memory>
#include <string>

#include "core/common/progress.hpp"
#include "core/train/model_bundle.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::train {

// Paths of a checkpoint's companions: "run.safetensors" -> "run.json", "run.optimizer.safetensors".
std::string checkpointJsonPath(const std::string& weightsPath);
std::string checkpointOptimizerPath(const std::string& weightsPath);

// Writes the three files, each atomically; `beforeCommit` runs when all are written under
// temporary names, before any is renamed. `notesJson`, a JSON object, is kept as the JSON's
// "notes": how the run was made and what it scored.
void saveCheckpoint(const TrainingSession& session, const std::string& weightsPath,
                    const std::function<void()>& beforeCommit = {}, const std::string& notesJson = {});

// The model a checkpoint holds, without its data or optimizer state: to finetune or look inside.
struct CheckpointModel {
    RunSettings settings;  // how it was trained
    std::shared_ptr<const ModelBundle> bundle;
    std::size_t steps = 0;  // of pretraining
    std::string notesJson;  // the "notes" saved with it ("" when none)
};
// Throws LocatedError naming the file that is missing, truncated, changed or malformed, and for a
// model trained on random tokens (it has no tokenizer to read text with).
CheckpointModel loadCheckpointModel(const std::string& weightsPath);
// The same from the files' bytes (a checkpoint shipped inside the app); `weightsPath` names them.
CheckpointModel readCheckpointModel(const std::string& jsonText, const std::string& weightBytes,
                                    const std::string& weightsPath);

// The run as it was saved, ready for its next step. Throws LocatedError naming the file that is
// missing, truncated, changed or malformed.
std::unique_ptr<TrainingSession> loadCheckpoint(const std::string& weightsPath, const Progress& progress = {});

}  // namespace pretrainlab::train
