#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/common/progress.hpp"
#include "core/optimlab/accumulation.hpp"
#include "core/optimlab/gradient_sample.hpp"
#include "core/optimlab/run_pairs.hpp"
#include "core/optimlab/step_sizes.hpp"

namespace pretrainlab::app {

class BackgroundJob;

// What the Optimization lesson measured on the network: the paired runs of the stability,
// precision and accumulation experiments (filled in as they train), Adam against SGD inside the
// tiny model, the accumulation check and a real gradient for the number formats. One background
// job at a time; partial results arrive on the UI thread. (The 2-D playground needs no state here:
// its paths are computed on the spot.)
class OptimizationState : public QObject {
    Q_OBJECT
public:
    explicit OptimizationState(QObject* parent = nullptr);
    ~OptimizationState() override;

    BackgroundJob& job() { return *job_; }
    unsigned threads() const { return threads_; }

    // The runs of an experiment so far (none before it was started).
    const optimlab::ExperimentResult* experiment(const std::string& name) const;
    bool startExperiment(const std::string& name);

    const std::optional<optimlab::StepSizeStudy>& stepSizes() const { return stepSizes_; }
    bool startStepSizes(const optimlab::StepSizeSettings& settings);

    const std::optional<optimlab::AccumulationCheck>& accumulation() const { return accumulation_; }
    // The gradient check, then the accumulation experiment's two runs.
    bool startAccumulation();

    const std::optional<optimlab::GradientSample>& gradient() const { return gradient_; }
    bool startGradientSample(std::size_t steps);

signals:
    void experimentChanged(const QString& name);
    void stepSizesChanged();
    void accumulationChanged();
    void gradientChanged();
    void problem(const QString& text);  // "" clears it

private:
    bool start(const QString& what, std::function<std::function<void()>(const Progress&)> work);
    void post(std::function<void()> apply);
    // On the worker: trains the experiment, posting its runs as they grow; returns what ends it.
    std::function<void()> trainExperiment(const std::string& name, const optimlab::Experiment& experiment,
                                          const Progress& progress);

    BackgroundJob* job_ = nullptr;
    unsigned threads_ = 1;
    std::map<std::string, optimlab::ExperimentResult> experiments_;
    std::optional<optimlab::StepSizeStudy> stepSizes_;
    std::optional<optimlab::AccumulationCheck> accumulation_;
    std::optional<optimlab::GradientSample> gradient_;
};

}  // namespace pretrainlab::app
