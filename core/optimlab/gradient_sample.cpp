#include "core/optimlab/gradient_sample.hpp"

#include <stdexcept>
#include <variant>

#include "core/optimlab/lesson_run.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::optimlab {

GradientSample sampleGradient(std::size_t steps, unsigned threads, const Progress& progress) {
    train::RunSettings settings = lessonRun(std::max<std::size_t>(steps, 1));
    settings.trainer.threads = threads;
    train::TrainingSession session(settings);
    for (std::size_t k = 0; k < steps; ++k) {
        if (progress.stopRequested()) throw Cancelled();
        const train::StepOutcome outcome = session.step();
        if (const auto* d = std::get_if<train::Divergence>(&outcome)) throw std::runtime_error(d->message());
        progress(double(k + 1) / double(steps + 1));
    }
    const nn::Batch batch = session.sampleBatch(settings.batch, 99);
    nn::Transformer<float>::Workspace workspace;
    GradientSample sample;
    sample.steps = steps;
    sample.values.assign(session.model().parameters().size(), 0.0f);
    const nn::Losses losses = session.model().run(batch, workspace, &sample.values, 1.0 / double(batch.tokensWithLoss()), 0.0);
    sample.loss = losses.tokenMean();
    progress(1.0);
    return sample;
}

}  // namespace pretrainlab::optimlab
