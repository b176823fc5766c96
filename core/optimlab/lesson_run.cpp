#include "core/optimlab/lesson_run.hpp"

#include "core/optim/optimizer.hpp"
#include "core/train/tiny_models.hpp"

namespace pretrainlab::optimlab {

train::RunSettings lessonRun(std::size_t steps, std::optional<double> rate) {
    train::RunSettings s = train::toyWorldRun(nn::Architecture::Decoder, steps, rate);
    s.toyWorldBytes = 1u << 18;
    s.model.initialStd = train::gpt2InitialStd;
    s.trainer.optimizer.beta2 = optim::OptimizerOptions{}.beta2;
    return s;
}

}  // namespace pretrainlab::optimlab
