#pragma once

#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "core/finetune/ablation.hpp"
#include "core/finetune/finetuner.hpp"
#include "core/finetune/sweeps.hpp"
#include "core/train/model_bundle.hpp"

namespace pretrainlab::app {

class BackgroundJob;

// One finetuning run of the "Finetune live" tab, as it goes.
struct FinetuneRun {
    QString name;  // "pretrained · sentiment · all" ...
    finetune::FinetuneSettings settings;
    bool pretrained = true;
    QString base;                           // the model it started from
    std::vector<double> lossSteps, loss;    // every step
    std::vector<double> accuracySteps, accuracy;  // held-out, every few steps
    bool finished = false;
    finetune::Evaluation evaluation;        // at the end
    std::shared_ptr<const finetune::Finetuner> finetuner;  // at the end: to classify typed text
};

// What the Pretrain → finetune lesson holds: the pretrained model it starts from (the tiny decoder
// or encoder shipped with the app, the Training lab's model, or a checkpoint file), the live runs,
// and what the table and the sweeps measured. Long work runs in one background job at a time;
// partial results arrive on the UI thread as they are made.
class FinetuningState : public QObject {
    Q_OBJECT
public:
    enum class Source { ShippedDecoder, ShippedEncoder, TrainingLab, File };

    explicit FinetuningState(QObject* parent = nullptr);
    ~FinetuningState() override;

    // ---- the model to finetune ----
    std::shared_ptr<const train::ModelBundle> base() const;
    Source source() const { return source_; }
    // False (and a problem) when that source has no model yet (the lab's before it was taken).
    bool setSource(Source source);
    // A checkpoint `train` or the Training lab saved. On failure: a problem naming the file; the
    // model in use stays.
    bool openCheckpoint(const QString& weightsPath);
    void setLabModel(std::shared_ptr<const train::ModelBundle> model);
    // The shipped model of an architecture (decoder or encoder).
    std::shared_ptr<const train::ModelBundle> shipped(nn::Architecture architecture) const;
    // How the shipped model was made, from its JSON's notes (the command, its probes).
    QString shippedNotes(nn::Architecture architecture) const;
    // The command line that made it ("pretrainlab-cli train ...").
    QString shippedCommand(nn::Architecture architecture) const;
    QString baseDescription() const;

    BackgroundJob& job() { return *job_; }

    // ---- finetune live ----
    const std::vector<FinetuneRun>& runs() const { return runs_; }
    // Runs the settings from the base model (and, with `alsoScratch`, then the same model from
    // random weights) in the background. False when other work is running.
    bool startRuns(const finetune::FinetuneSettings& settings, bool pretrained, bool alsoScratch);
    void clearRuns();

    // ---- the table and the sweeps ----
    const std::vector<finetune::AblationCell>& ablation() const { return ablation_; }
    bool startAblation(const finetune::AblationPlan& plan);
    const std::vector<finetune::Curve>& dataSize() const { return dataSize_; }
    bool startDataSize(const finetune::DataSizePlan& plan);
    const std::vector<finetune::PretrainingPoint>& pretraining() const { return pretraining_; }
    bool startPretraining(const finetune::PretrainingPlan& plan);

    // ---- features and architectures ----
    struct FeatureView {
        QString title;
        Eigen::MatrixXf features;  // one row per held-out example
        std::vector<int> labels;
        double probeAccuracy = -1;  // a linear probe trained on these features (-1: none)
    };
    const std::vector<FeatureView>& features() const { return features_; }
    const QString& featuresTask() const { return featuresTask_; }
    bool startFeatures(const finetune::FinetuneSettings& settings);

    struct ArchitectureResult {
        QString name;  // "tiny encoder (BERT-style)"
        double accuracy = 0;
        double probeAccuracy = 0;
        std::size_t parameters = 0;
        optim::TrainingMemory full, probe;  // finetuning every parameter vs a linear probe
    };
    const std::vector<ArchitectureResult>& architectures() const { return architectures_; }
    bool startArchitectures(const finetune::FinetuneSettings& settings);

    // ---- sessions ----
    // What a session file keeps: the live runs (without their finetuned models), the table and the
    // sweeps' results, the architectures compared.
    struct Results {
        std::vector<FinetuneRun> runs;
        std::vector<finetune::AblationCell> ablation;
        std::vector<finetune::Curve> dataSize;
        std::vector<finetune::PretrainingPoint> pretraining;
        std::vector<ArchitectureResult> architectures;
    };
    Results results() const;
    // Results and a base model in place of those here (the features view starts empty). `model` is
    // the base for Source::File and Source::TrainingLab (ignored for the shipped ones).
    void restore(Results results, Source source, std::shared_ptr<const train::ModelBundle> model);

signals:
    void baseChanged();
    void runsChanged();
    void runUpdated(int index);  // points added, or finished
    void ablationChanged();
    void dataSizeChanged();
    void pretrainingChanged();
    void featuresChanged();
    void architecturesChanged();
    // Asks the Training lab for a copy of its model (it arrives through setLabModel).
    void labModelWanted();
    // Something the user should read ("" clears it).
    void problem(const QString& text);

private:
    // Emits a problem and returns false when there is no model or other work runs.
    bool ready();
    // `undo` runs when the work fails or is cancelled.
    bool start(const QString& what, std::function<std::function<void()>(const Progress&)> work,
               std::function<void()> undo = {});
    // Runs `apply` on the UI thread (queued from the worker).
    void post(std::function<void()> apply);

    std::shared_ptr<const train::ModelBundle> shippedDecoder_, shippedEncoder_, labModel_, fileModel_;
    QString decoderNotes_, encoderNotes_, decoderCommand_, encoderCommand_;
    Source source_ = Source::ShippedDecoder;
    BackgroundJob* job_ = nullptr;
    std::vector<FinetuneRun> runs_;
    std::vector<finetune::AblationCell> ablation_;
    std::vector<finetune::Curve> dataSize_;
    std::vector<finetune::PretrainingPoint> pretraining_;
    std::vector<FeatureView> features_;
    QString featuresTask_;
    std::vector<ArchitectureResult> architectures_;
};

}  // namespace pretrainlab::app
