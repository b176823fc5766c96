#include "app/lessons/finetuning/lesson_state.hpp"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMetaObject>
#include <QPointer>
#include <variant>

#include "app/jobs/background_job.hpp"
#include "core/common/error.hpp"
#include "core/train/checkpoint.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

QByteArray resourceBytes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

// A shipped checkpoint from the resources, and how it was made.
std::shared_ptr<const train::ModelBundle> loadShipped(const QString& name, QString* notes, QString* command,
                                                     QString* problem) {
    const QByteArray json = resourceBytes(QStringLiteral(":/models/%1.json").arg(name));
    const QByteArray weights = resourceBytes(QStringLiteral(":/models/%1.safetensors").arg(name));
    try {
        train::CheckpointModel model = train::readCheckpointModel(json.toStdString(), weights.toStdString(),
                                                                  name.toStdString() + ".safetensors");
        const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(model.notesJson)).object();
        QStringList probes;
        const QJsonObject scores = object.value(QLatin1String("probes")).toObject();
        for (auto it = scores.begin(); it != scores.end(); ++it) {
            probes << QStringLiteral("%1 %2%").arg(it.key()).arg(qRound(100 * it.value().toDouble()));
        }
        *notes = QObject::tr("Pretrained %1 steps on the toy world; held-out probes: %2.")
                     .arg(model.steps)
                     .arg(probes.join(QStringLiteral(", ")));
        *command = object.value(QLatin1String("command")).toString();
        return model.bundle;
    } catch (const std::exception& error) {
        *problem = QObject::tr("The shipped model %1 could not be read: %2").arg(name, fromStd(error.what()));
        return nullptr;
    }
}

QString modeWords(const finetune::FinetuneSettings& s) {
    switch (s.mode) {
        case finetune::Mode::All: return s.auxLm > 0 ? QObject::tr("all + aux LM %1").arg(s.auxLm) : QObject::tr("all");
        case finetune::Mode::Probe: return QObject::tr("linear probe");
        case finetune::Mode::Freeze: return QObject::tr("%1 blocks frozen").arg(s.frozenBlocks);
    }
    return {};
}

}  // namespace

FinetuningState::FinetuningState(QObject* parent) : QObject(parent) {
    job_ = new BackgroundJob(this);
    QString problems;
    shippedDecoder_ = loadShipped(QStringLiteral("tiny-decoder"), &decoderNotes_, &decoderCommand_, &problems);
    shippedEncoder_ = loadShipped(QStringLiteral("tiny-encoder"), &encoderNotes_, &encoderCommand_, &problems);
    if (!shippedDecoder_ && shippedEncoder_) source_ = Source::ShippedEncoder;
    if (!problems.isEmpty()) QMetaObject::invokeMethod(this, [this, problems] { emit problem(problems); }, Qt::QueuedConnection);
}

FinetuningState::~FinetuningState() { job_->waitForDone(); }

std::shared_ptr<const train::ModelBundle> FinetuningState::base() const {
    switch (source_) {
        case Source::ShippedDecoder: return shippedDecoder_;
        case Source::ShippedEncoder: return shippedEncoder_;
        case Source::TrainingLab: return labModel_;
        case Source::File: return fileModel_;
    }
    return nullptr;
}

std::shared_ptr<const train::ModelBundle> FinetuningState::shipped(nn::Architecture architecture) const {
    return architecture == nn::Architecture::Encoder ? shippedEncoder_ : shippedDecoder_;
}

QString FinetuningState::shippedNotes(nn::Architecture architecture) const {
    return architecture == nn::Architecture::Encoder ? encoderNotes_ : decoderNotes_;
}

bool FinetuningState::setSource(Source source) {
    const Source before = source_;
    source_ = source;
    if (!base()) {
        source_ = before;
        emit problem(source == Source::TrainingLab ? tr("Take the Training lab's model first: train a model there on "
                                                        "text (random tokens cannot be finetuned on sentences).")
                                                   : tr("Open a checkpoint first."));
        return false;
    }
    emit problem({});
    if (before != source_) emit baseChanged();
    return true;
}

bool FinetuningState::openCheckpoint(const QString& weightsPath) {
    try {
        fileModel_ = train::loadCheckpointModel(weightsPath.toStdString()).bundle;
    } catch (const std::exception& error) {
        emit problem(tr("Could not open %1: %2").arg(QFileInfo(weightsPath).fileName(), fromStd(error.what())));
        return false;
    }
    source_ = Source::File;
    emit problem({});
    emit baseChanged();
    return true;
}

void FinetuningState::setLabModel(std::shared_ptr<const train::ModelBundle> model) {
    if (!model) {
        emit problem(tr("The Training lab has no model that reads text yet: train one on the toy world or a corpus."));
        return;
    }
    labModel_ = std::move(model);
    source_ = Source::TrainingLab;
    emit problem({});
    emit baseChanged();
}

QString FinetuningState::shippedCommand(nn::Architecture architecture) const {
    return architecture == nn::Architecture::Encoder ? encoderCommand_ : decoderCommand_;
}

QString FinetuningState::baseDescription() const {
    const std::shared_ptr<const train::ModelBundle> model = base();
    if (!model) return tr("No model");
    QString text = tr("%1 (%2, %3 parameters).")
                       .arg(fromStd(model->description), fromStd(std::string(nn::architectureName(model->architecture()))))
                       .arg(QLocale().toString(qulonglong(model->model->parameters().size())));
    if (source_ == Source::ShippedDecoder || source_ == Source::ShippedEncoder) {
        text += QLatin1Char(' ') + shippedNotes(model->architecture());
    }
    return text;
}

void FinetuningState::post(std::function<void()> apply) {
    QMetaObject::invokeMethod(this, std::move(apply), Qt::QueuedConnection);
}

bool FinetuningState::ready() {
    if (!base()) {
        emit problem(tr("There is no model to finetune."));
        return false;
    }
    if (job_->busy()) {
        emit problem(tr("Other work is running: wait for it or cancel it."));
        return false;
    }
    emit problem({});
    return true;
}

bool FinetuningState::start(const QString& what, std::function<std::function<void()>(const Progress&)> work,
                            std::function<void()> undo) {
    if (!ready()) return false;
    return job_->start(what, std::move(work), [this, undo](const QString& error) {
        if (undo) undo();
        emit problem(error);
    }, undo);
}

// ---- finetune live ----

bool FinetuningState::startRuns(const finetune::FinetuneSettings& settings, bool pretrained, bool alsoScratch) {
    if (!ready()) return false;
    const std::shared_ptr<const train::ModelBundle> model = base();
    const int first = int(runs_.size());
    std::vector<bool> kinds{pretrained};
    if (alsoScratch && pretrained) kinds.push_back(false);
    for (const bool kind : kinds) {
        FinetuneRun run;
        run.settings = settings;
        run.pretrained = kind;
        run.base = fromStd(model->description);
        run.name = tr("%1 · %2 · %3 · %4 labels")
                       .arg(kind ? tr("pretrained") : tr("from scratch"), fromStd(settings.task), modeWords(settings))
                       .arg(settings.labels);
        runs_.push_back(std::move(run));
    }
    emit runsChanged();
    const bool started = start(tr("Finetuning"), [this, model, settings, kinds, first](const Progress& progress) {
        const finetune::Task& task = finetune::taskNamed(settings.task);
        const std::size_t evaluateEvery = std::max<std::size_t>(1, settings.steps / 15);
        for (std::size_t k = 0; k < kinds.size(); ++k) {
            const int index = first + int(k);
            auto finetuner = std::make_shared<finetune::Finetuner>(task, model, settings, kinds[k]);
            std::vector<double> steps, losses;
            const auto flush = [&](std::optional<double> accuracy) {
                post([this, index, steps, losses, accuracy, step = finetuner->stepsDone()] {
                    if (index >= int(runs_.size())) return;
                    FinetuneRun& run = runs_[std::size_t(index)];
                    run.lossSteps.insert(run.lossSteps.end(), steps.begin(), steps.end());
                    run.loss.insert(run.loss.end(), losses.begin(), losses.end());
                    if (accuracy) {
                        run.accuracySteps.push_back(double(step));
                        run.accuracy.push_back(*accuracy);
                    }
                    emit runUpdated(index);
                });
                steps.clear();
                losses.clear();
            };
            flush(finetuner->evaluate().accuracy);  // where it starts
            while (!finetuner->finished()) {
                if (progress.stopRequested()) throw Cancelled();
                const train::StepOutcome outcome = finetuner->step();
                if (const auto* divergence = std::get_if<train::Divergence>(&outcome)) {
                    throw std::runtime_error(divergence->message());
                }
                const train::StepMetrics& m = std::get<train::StepMetrics>(outcome);
                steps.push_back(double(m.step));
                losses.push_back(m.loss);
                const bool evaluate = m.step % evaluateEvery == 0 || finetuner->finished();
                if (evaluate || steps.size() >= 10) flush(evaluate ? std::optional(finetuner->evaluate().accuracy) : std::nullopt);
                progress((double(k) + double(m.step) / double(settings.steps)) / double(kinds.size()));
            }
            post([this, index, finetuner, evaluation = finetuner->evaluate()] {
                if (index >= int(runs_.size())) return;
                FinetuneRun& run = runs_[std::size_t(index)];
                run.finished = true;
                run.evaluation = evaluation;
                run.finetuner = finetuner;
                emit runUpdated(index);
            });
        }
        return std::function<void()>([] {});
    }, [this, first] {
        // A run that failed or was cancelled is dropped.
        if (int(runs_.size()) > first && !runs_.back().finished) {
            std::erase_if(runs_, [](const FinetuneRun& run) { return !run.finished; });
            emit runsChanged();
        }
    });
    if (!started) {
        runs_.resize(std::size_t(first));
        emit runsChanged();
    }
    return started;
}

void FinetuningState::clearRuns() {
    if (job_->busy()) return;
    runs_.clear();
    emit runsChanged();
}

// ---- the table and the sweeps ----

bool FinetuningState::startAblation(const finetune::AblationPlan& plan) {
    const std::shared_ptr<const train::ModelBundle> model = base();
    if (const std::string wrong = plan.problem(); !wrong.empty()) {
        emit problem(fromStd(wrong));
        return false;
    }
    ablation_.clear();
    emit ablationChanged();
    return start(tr("The table"), [this, model, plan](const Progress& progress) {
        finetune::runAblation(
            model, plan,
            [this](const finetune::AblationCell& cell) {
                post([this, cell] {
                    ablation_.push_back(cell);
                    emit ablationChanged();
                });
            },
            progress);
        return std::function<void()>([] {});
    });
}

bool FinetuningState::startDataSize(const finetune::DataSizePlan& plan) {
    const std::shared_ptr<const train::ModelBundle> model = base();
    dataSize_ = finetune::dataSizeCurves(model ? model->architecture() : nn::Architecture::Decoder, plan);
    emit dataSizeChanged();
    return start(tr("Data sizes"), [this, model, plan](const Progress& progress) {
        finetune::measureDataSize(
            model, plan,
            [this](std::size_t curve, const finetune::CurvePoint& point) {
                post([this, curve, point] {
                    if (curve >= dataSize_.size()) return;
                    dataSize_[curve].points.push_back(point);
                    emit dataSizeChanged();
                });
            },
            progress);
        return std::function<void()>([] {});
    });
}

bool FinetuningState::startPretraining(const finetune::PretrainingPlan& plan) {
    pretraining_.clear();
    emit pretrainingChanged();
    return start(tr("Pretraining"), [this, plan](const Progress& progress) {
        finetune::measurePretraining(
            plan,
            [this](const finetune::PretrainingPoint& point) {
                post([this, point] {
                    pretraining_.push_back(point);
                    emit pretrainingChanged();
                });
            },
            progress);
        return std::function<void()>([] {});
    });
}

// ---- features and architectures ----

bool FinetuningState::startFeatures(const finetune::FinetuneSettings& settings) {
    const std::shared_ptr<const train::ModelBundle> model = base();
    const QString task = fromStd(settings.task);
    return start(tr("Features"), [this, model, settings, task](const Progress& progress) {
        const finetune::Task& t = finetune::taskNamed(settings.task);
        std::vector<int> labels;
        for (const finetune::Example& e : t.heldOut) labels.push_back(e.label);
        std::vector<FeatureView> views;
        // Before finetuning and from scratch: what a linear probe reads; after: what the finetuned classifier reads.
        const auto probe = [&](bool pretrained, const QString& title, double from, double to) {
            finetune::FinetuneSettings s = settings;
            s.mode = finetune::Mode::Probe;
            s.auxLm = 0;
            s.learningRate = 1e-2;
            finetune::Finetuner finetuner(t, model, s, pretrained);
            FeatureView view{title, finetuner.features(t.heldOut), labels, -1};
            const Progress inner{[&](double f) { progress(from + f * (to - from)); }, progress.shouldStop};
            view.probeAccuracy = finetune::finetuneToEnd(finetuner, inner).accuracy;
            return view;
        };
        views.push_back(probe(true, tr("Pretrained, before finetuning"), 0.0, 0.25));
        finetune::FinetuneSettings all = settings;
        all.mode = finetune::Mode::All;
        finetune::Finetuner finetuned(t, model, all, true);
        const Progress inner{[&](double f) { progress(0.25 + 0.5 * f); }, progress.shouldStop};
        const double accuracy = finetune::finetuneToEnd(finetuned, inner).accuracy;
        views.push_back({tr("After finetuning (held-out accuracy %1%)").arg(qRound(100 * accuracy)),
                         finetuned.features(t.heldOut), labels, -1});
        views.push_back(probe(false, tr("From scratch (random weights)"), 0.75, 1.0));
        return std::function<void()>([this, views, task] {
            features_ = views;
            featuresTask_ = task;
            emit featuresChanged();
        });
    });
}

bool FinetuningState::startArchitectures(const finetune::FinetuneSettings& settings) {
    std::vector<std::shared_ptr<const train::ModelBundle>> models;
    for (const auto& model : {shippedEncoder_, shippedDecoder_}) {
        if (model) models.push_back(model);
    }
    if (models.empty()) {
        emit problem(tr("The shipped models are missing: the comparison needs them."));
        return false;
    }
    architectures_.clear();
    emit architecturesChanged();
    return start(tr("Encoder vs decoder"), [this, models, settings](const Progress& progress) {
        const finetune::Task& t = finetune::taskNamed(settings.task);
        for (std::size_t m = 0; m < models.size(); ++m) {
            ArchitectureResult result;
            result.name = models[m]->architecture() == nn::Architecture::Encoder ? tr("tiny encoder (BERT-style)")
                                                                                 : tr("tiny decoder (GPT-style)");
            const double from = double(m) / double(models.size()), share = 1.0 / double(models.size());
            finetune::FinetuneSettings all = settings;
            all.mode = finetune::Mode::All;
            all.auxLm = 0;
            finetune::Finetuner full(t, models[m], all, true);
            result.full = full.memory();
            result.parameters = full.model().parameters().size();
            result.accuracy = finetune::finetuneToEnd(full, {[&](double f) { progress(from + 0.7 * share * f); },
                                                             progress.shouldStop})
                                  .accuracy;
            finetune::FinetuneSettings probeSettings = all;
            probeSettings.mode = finetune::Mode::Probe;
            probeSettings.learningRate = 1e-2;
            finetune::Finetuner probe(t, models[m], probeSettings, true);
            result.probe = probe.memory();
            result.probeAccuracy = finetune::finetuneToEnd(probe, {[&](double f) { progress(from + share * (0.7 + 0.3 * f)); },
                                                                   progress.shouldStop})
                                       .accuracy;
            post([this, result] {
                architectures_.push_back(result);
                emit architecturesChanged();
            });
        }
        return std::function<void()>([] {});
    });
}

FinetuningState::Results FinetuningState::results() const {
    Results results{runs_, ablation_, dataSize_, pretraining_, architectures_};
    for (FinetuneRun& run : results.runs) run.finetuner.reset();
    return results;
}

void FinetuningState::restore(Results results, Source source, std::shared_ptr<const train::ModelBundle> model) {
    if (source == Source::File) fileModel_ = model;
    if (source == Source::TrainingLab) labModel_ = model;
    source_ = (source == Source::File || source == Source::TrainingLab) && !model ? Source::ShippedDecoder : source;
    runs_ = std::move(results.runs);
    ablation_ = std::move(results.ablation);
    dataSize_ = std::move(results.dataSize);
    pretraining_ = std::move(results.pretraining);
    architectures_ = std::move(results.architectures);
    features_.clear();
    featuresTask_.clear();
    emit problem({});
    emit baseChanged();
    emit runsChanged();
    emit ablationChanged();
    emit dataSizeChanged();
    emit pretrainingChanged();
    emit featuresChanged();
    emit architecturesChanged();
}

}  // namespace pretrainlab::app
