#pragma once

// A training run on disk: PATH.safetensors (the weights), PATH.json (settings, tokenizer, step,
// the data's position and fingerprints of the other two) and PATH.optimizer.safetensors (Adam's
// m and v). `train --save/--resume` and the Training lab both use these.
//
// The JSON is the commit point. A save writes the weights and the moments to temporary files of
// their own (flushed to the disk), then the JSON, which records each file's size, fingerprint and
// temporary name, and renames the JSON into place: from that rename on, the new checkpoint is the
// one on disk. Only then are the two temporaries renamed to PATH.safetensors and
// PATH.optimizer.safetensors. A reader takes each file at its own name when it matches the JSON's
// record, and under its temporary name otherwise, so a crash at any moment leaves either the old
// checkpoint or the new one, never a mixture.

#include <functional>
#include <memory>
#include <string>

#include "core/common/error.hpp"
#include "core/common/progress.hpp"
#include "core/train/model_bundle.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::train {

// Paths of a checkpoint's companions: "run.safetensors" -> "run.json", "run.optimizer.safetensors".
// "run.json" and "run.optimizer.safetensors" name the same checkpoint as "run.safetensors", and
// checkpointWeightsPath gives its weights file for any of the three.
std::string checkpointJsonPath(const std::string& weightsPath);
std::string checkpointOptimizerPath(const std::string& weightsPath);
std::string checkpointWeightsPath(const std::string& path);

// What a checkpoint consists of, in words, for messages about files that are not one.
extern const char* const checkpointDescription;

// Why the checkpoint's JSON cannot hold this tokenizer ("" when it can): a tiktoken rank file has
// no merge list to write. Checked by saveCheckpoint before it writes anything, and by callers
// before a run whose end is a save.
std::string checkpointTokenizerProblem(const Tokenizer& tokenizer);

// Writes the three files as above, for `path` naming any of them (checkpointWeightsPath); a
// tokenizer that cannot be stored is a LocatedError before anything is written. `beforeCommit` runs when all are written under temporary
// names, before the JSON is renamed (a failure there, as anywhere before the commit, leaves the
// old checkpoint and no temporary file). `notesJson`, a JSON object, is kept as the JSON's
// "notes": how the run was made and what it scored. An output that is a directory or a device is
// refused by name (core/common/file_io).
void saveCheckpoint(const TrainingSession& session, const std::string& path,
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

// The optimizer's file is missing: the run cannot continue as it was saved.
class MissingOptimizerState : public LocatedError {
public:
    using LocatedError::LocatedError;
};

struct ResumeOptions {
    // Continue without the optimizer's file: the optimizer restarts (no moments, step count 0).
    bool restartOptimizer = false;
    // Told what was given up when the optimizer restarts.
    std::function<void(const std::string&)> notice;
};

// The run as it was saved, ready for its next step. Throws LocatedError naming the file that is
// missing, truncated, changed or malformed, or the setting that is out of range or too large for
// this machine's memory; MissingOptimizerState when the optimizer's file is missing and
// `options.restartOptimizer` is not set.
std::unique_ptr<TrainingSession> loadCheckpoint(const std::string& weightsPath, const Progress& progress = {},
                                                const ResumeOptions& options = {});

}  // namespace pretrainlab::train
