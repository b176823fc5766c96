#pragma once

// Finetuning measured along one axis at a time, for the lesson's plots and the CLI: held-out
// accuracy against the number of labelled examples (pretrained vs from scratch, with and without
// the auxiliary LM), and against how long the model was pretrained (with its zero-shot score).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/finetune/finetune_settings.hpp"
#include "core/finetune/tasks.hpp"
#include "core/train/model_bundle.hpp"

namespace pretrainlab::finetune {

struct CurvePoint {
    double x = 0;
    double mean = 0;    // held-out accuracy over seeds
    double spread = 0;  // their sample standard deviation
};

struct Curve {
    std::string name;  // "pretrained", "from scratch", "pretrained + aux LM", ...
    bool pretrained = true;
    double auxLm = 0;
    std::vector<CurvePoint> points;
};

struct DataSizePlan {
    std::string task = "choice";
    std::vector<std::size_t> sizes{16, 64, 256, 1024, 4096};
    std::size_t seeds = 2;
    FinetuneSettings finetune;  // steps, learning rate, batch, threads: the same budget at every size
    double auxLm = 0.5;         // the aux curves' λ (decoders only)
};

// The sizes a task can give: those of `wanted` it has examples for, then all it has when some
// were more.
std::vector<std::size_t> sizesFor(const Task& task, const std::vector<std::size_t>& wanted);
// The curves it will draw, empty: pretrained and from scratch, and for a decoder on a task with
// text to predict, each with the auxiliary LM.
std::vector<Curve> dataSizeCurves(nn::Architecture architecture, const DataSizePlan& plan);
// Fills them point by point (size by size, all curves); `onPoint(curve, point)` hears each.
std::vector<Curve> measureDataSize(std::shared_ptr<const train::ModelBundle> base, const DataSizePlan& plan,
                                   const std::function<void(std::size_t, const CurvePoint&)>& onPoint = {},
                                   const Progress& progress = {});

// Where pretraining's gap is largest and smallest, and what the auxiliary LM did at the smallest
// and the largest size, in words ("" before two curves have a point).
std::string dataSizeInWords(const std::vector<Curve>& curves);

struct PretrainingPlan {
    nn::Architecture architecture = nn::Architecture::Decoder;
    std::vector<std::size_t> checkpoints{0, 100, 300, 1000, 2000};  // pretraining steps at which to finetune
    std::string task = "choice";
    std::size_t labels = 256;
    std::size_t seeds = 1;
    FinetuneSettings finetune;
};

struct PretrainingPoint {
    std::size_t steps = 0;
    double heldOutLoss = 0;             // the pretraining's own held-out loss there
    CurvePoint finetuned;               // x: steps
    std::optional<double> zeroShot;     // decoders: the task asked with no finetuning
};

// Pretrains one tiny model of the architecture on the toy world (the lessons' recipe, as long as
// the last checkpoint), and at each checkpoint finetunes a copy. Throws Cancelled when asked.
std::vector<PretrainingPoint> measurePretraining(const PretrainingPlan& plan,
                                                 const std::function<void(const PretrainingPoint&)>& onPoint = {},
                                                 const Progress& progress = {});

}  // namespace pretrainlab::finetune
