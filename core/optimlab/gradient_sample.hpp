#pragma once

// A real gradient to hold against a number format's range: the tiny decoder trained for a while
// on the toy world, then the gradient of one more batch, every entry.

#include <cstddef>
#include <vector>

#include "core/common/progress.hpp"
#include "core/nn/tensor.hpp"

namespace pretrainlab::optimlab {

struct GradientSample {
    std::size_t steps = 0;       // trained before the sample
    double loss = 0;             // of the sampled batch
    nn::FlatArray<float> values; // the gradient of the mean loss, in fp32
};

// `steps` of AdamW at 2e-3 first (0: the gradient at initialisation). Cancellable.
GradientSample sampleGradient(std::size_t steps, unsigned threads, const Progress& progress = {});

}  // namespace pretrainlab::optimlab
