#pragma once

// Adam inside the network: the same tiny model trained by Adam and by SGD from the same weights on
// the same batches, with how far each moved each layer's parameters in a step and each word's
// embedding row over the run, against how often the word occurs (the lecture's "handles sparse
// features well").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/optim/optimizer.hpp"

namespace pretrainlab::optimlab {

// |Δθ| of one parameter group's entries in one step: quantiles over its entries.
struct GroupSteps {
    std::string group;  // "embeddings", "blocks.0", ...
    std::size_t parameters = 0;
    double p10 = 0, median = 0, p90 = 0, largest = 0;
};

// One word's embedding row (the input and, tied, the output embedding).
struct RowMovement {
    std::int32_t id = 0;
    std::string token;
    std::size_t count = 0;           // occurrences in the training text
    std::size_t stepsInBatch = 0;    // steps whose batch had the word as input
    double moved = 0;                // ‖row_T − row_0‖ over the run
};

struct OptimizerSteps {
    optim::OptimizerKind kind = optim::OptimizerKind::Adam;
    double learningRate = 0;
    std::vector<GroupSteps> groups;  // at the run's last step
    std::vector<RowMovement> rows;   // the words of the text, most frequent first
    double finalLoss = 0;
};

struct StepSizeStudy {
    std::size_t steps = 0;
    OptimizerSteps adam, sgd;
    // Spearman's rank correlation between a word's count and how far its row moved, per optimizer.
    double adamCorrelation = 0, sgdCorrelation = 0;
    // Median movement of the rarest and the most frequent tenth of words, per optimizer.
    double adamRare = 0, adamFrequent = 0, sgdRare = 0, sgdFrequent = 0;
    std::string summary() const;  // the numbers in words
};

struct StepSizeSettings {
    std::size_t steps = 200;
    double adamRate = 2e-3;
    double sgdRate = 0.5;
    unsigned threads = 1;
};

// The tiny decoder on the toy world (seed 0), trained twice. `progress` gets the share done and
// may stop it (Cancelled).
StepSizeStudy compareStepSizes(const StepSizeSettings& settings, const Progress& progress = {});

}  // namespace pretrainlab::optimlab
