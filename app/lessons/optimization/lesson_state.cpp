#include "app/lessons/optimization/lesson_state.hpp"

#include <QMetaObject>
#include <QThread>

#include "app/jobs/background_job.hpp"

namespace pretrainlab::app {

OptimizationState::OptimizationState(QObject* parent) : QObject(parent) {
    job_ = new BackgroundJob(this);
    threads_ = static_cast<unsigned>(std::max(1, QThread::idealThreadCount()));
}

OptimizationState::~OptimizationState() { job_->waitForDone(); }

void OptimizationState::post(std::function<void()> apply) { QMetaObject::invokeMethod(this, std::move(apply), Qt::QueuedConnection); }

bool OptimizationState::start(const QString& what, std::function<std::function<void()>(const Progress&)> work) {
    if (job_->busy()) {
        emit problem(tr("Other work is running: wait for it or cancel it."));
        return false;
    }
    emit problem({});
    return job_->start(what, std::move(work), [this](const QString& error) { emit problem(error); });
}

const optimlab::ExperimentResult* OptimizationState::experiment(const std::string& name) const {
    const auto it = experiments_.find(name);
    return it == experiments_.end() ? nullptr : &it->second;
}

std::function<void()> OptimizationState::trainExperiment(const std::string& name, const optimlab::Experiment& experiment,
                                                        const Progress& progress) {
    const QString key = QString::fromStdString(name);
    post([this, name, key, experiment] {
        experiments_[name] = {experiment, {}};
        emit experimentChanged(key);
    });
    // Each run's curve as it grows, at its place in the list.
    const optimlab::RunListener listener = [this, name, key](const optimlab::RunCurve& run, std::size_t index, bool) {
        post([this, run, index, name, key] {
            auto& runs = experiments_[name].runs;
            if (runs.size() <= index) runs.resize(index + 1);
            runs[index] = run;
            emit experimentChanged(key);
        });
    };
    optimlab::ExperimentResult result = optimlab::runExperiment(experiment, listener, progress, 20);
    return [this, result = std::move(result), name, key] {
        experiments_[name] = result;
        emit experimentChanged(key);
    };
}

bool OptimizationState::startExperiment(const std::string& name) {
    const std::optional<optimlab::Experiment> experiment = optimlab::experimentNamed(name, threads_);
    if (!experiment) {
        emit problem(tr("There is no experiment '%1'.").arg(QString::fromStdString(name)));
        return false;
    }
    return start(tr("Running: %1").arg(QString::fromStdString(experiment->title)),
                 [this, experiment = *experiment, name](const Progress& progress) {
                     return trainExperiment(name, experiment, progress);
                 });
}

bool OptimizationState::startStepSizes(const optimlab::StepSizeSettings& settings) {
    return start(tr("Training Adam and SGD on the same batches"), [this, settings](const Progress& progress) {
        optimlab::StepSizeStudy study = optimlab::compareStepSizes(settings, progress);
        return std::function<void()>([this, study = std::move(study)] {
            stepSizes_ = study;
            emit stepSizesChanged();
        });
    });
}

bool OptimizationState::startAccumulation() {
    const optimlab::Experiment experiment = *optimlab::experimentNamed("accumulation", threads_);
    return start(tr("Checking gradient accumulation"), [this, experiment](const Progress& progress) {
        // On the encoder's masked LM: its micro-batches hold different numbers of masked tokens.
        train::RunSettings encoder = experiment.variants.front().settings;
        encoder.model.architecture = nn::Architecture::Encoder;
        const optimlab::AccumulationCheck check = optimlab::checkAccumulation(encoder, 32, 4);
        post([this, check] {
            accumulation_ = check;
            emit accumulationChanged();
        });
        return trainExperiment("accumulation", experiment, progress);
    });
}

bool OptimizationState::startGradientSample(std::size_t steps) {
    const unsigned threads = threads_;
    return start(tr("Training, then one gradient"), [this, steps, threads](const Progress& progress) {
        optimlab::GradientSample sample = optimlab::sampleGradient(steps, threads, progress);
        return std::function<void()>([this, sample = std::move(sample)] {
            gradient_ = sample;
            emit gradientChanged();
        });
    });
}

}  // namespace pretrainlab::app
