#include "core/optimlab/accumulation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "core/train/session.hpp"
#include "core/train/trainer.hpp"

namespace pretrainlab::optimlab {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Difference {
    double largest = 0;
    double relative = 0;
};

Difference compare(const nn::FlatArray<float>& reference, const nn::FlatArray<float>& other) {
    Difference d;
    double scale = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        d.largest = std::max(d.largest, std::abs(double(reference[i]) - double(other[i])));
        scale = std::max(scale, std::abs(double(reference[i])));
    }
    d.relative = scale > 0 ? d.largest / scale : 0.0;
    return d;
}

}  // namespace

AccumulationCheck checkAccumulation(train::RunSettings settings, std::size_t sequences, std::size_t microBatches,
                                    std::uint64_t seed) {
    if (microBatches == 0 || sequences == 0 || sequences % microBatches != 0)
        throw std::invalid_argument("the micro-batches must divide the batch: " + std::to_string(sequences) + " sequences into " +
                                    std::to_string(microBatches));
    settings.model.dropout = 0;  // the same function of the weights, batch or micro-batch
    settings.trainer.threads = 1;
    settings.batch = static_cast<nn::Index>(sequences);
    settings.accumulation = 1;
    const train::TrainingSession session(settings);
    const nn::Transformer<float>& model = session.model();
    const nn::Batch batch = session.sampleBatch(static_cast<nn::Index>(sequences), seed);
    const std::size_t size = model.parameters().size();

    AccumulationCheck check;
    check.sequences = sequences;
    check.microBatches = microBatches;
    check.parameters = size;

    // Times are the fastest of three passes: the first also allocates the workspace.
    constexpr int repeats = 3;
    nn::Transformer<float>::Workspace workspace;
    nn::FlatArray<float> large(size, 0.0f);
    const double total = double(batch.tokensWithLoss());
    check.largeSeconds = 1e300;
    for (int r = 0; r < repeats; ++r) {
        std::fill(large.begin(), large.end(), 0.0f);
        const auto start = Clock::now();
        model.run(batch, workspace, &large, 1.0 / total, 0.0);
        check.largeSeconds = std::min(check.largeSeconds, secondsSince(start));
    }
    check.largeActivationBytes = train::workspaceBytes<float>(workspace);
    double squares = 0;
    for (const float g : large) squares += double(g) * g;
    check.gradientNorm = std::sqrt(squares);

    const nn::Index per = static_cast<nn::Index>(sequences / microBatches);
    std::vector<nn::Batch> micro;
    for (std::size_t k = 0; k < microBatches; ++k) micro.push_back(batch.slice(static_cast<nn::Index>(k) * per, per));
    check.fewestTargets = check.mostTargets = static_cast<std::size_t>(micro.front().tokensWithLoss());

    nn::Transformer<float>::Workspace microWorkspace;
    nn::FlatArray<float> accumulated(size, 0.0f);
    check.microSeconds = 1e300;
    for (int r = 0; r < repeats; ++r) {
        std::fill(accumulated.begin(), accumulated.end(), 0.0f);
        const auto start = Clock::now();
        for (const nn::Batch& m : micro) model.run(m, microWorkspace, &accumulated, 1.0 / total, 0.0);  // ÷ all tokens
        check.microSeconds = std::min(check.microSeconds, secondsSince(start));
    }
    check.microActivationBytes = train::workspaceBytes<float>(microWorkspace);

    nn::FlatArray<float> naive(size, 0.0f);
    for (const nn::Batch& m : micro) {
        const auto targets = static_cast<std::size_t>(m.tokensWithLoss());
        check.fewestTargets = std::min(check.fewestTargets, targets);
        check.mostTargets = std::max(check.mostTargets, targets);
        model.run(m, microWorkspace, &naive, 1.0 / (double(targets) * double(microBatches)), 0.0);  // mean of means
    }
    const Difference a = compare(large, accumulated);
    const Difference n = compare(large, naive);
    check.accumulatedMaxDifference = a.largest;
    check.accumulatedRelative = a.relative;
    check.naiveMaxDifference = n.largest;
    check.naiveRelative = n.relative;
    return check;
}

}  // namespace pretrainlab::optimlab
