#include "app/session/session_files.hpp"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <filesystem>
#include <sys/resource.h>
#include <unistd.h>

#include "app/jobs/background_job.hpp"
#include "app/lessons/attention/lesson_state.hpp"
#include "app/lessons/finetuning/lesson_state.hpp"
#include "app/lessons/tokenization/lesson_state.hpp"
#include "app/lessons/training/lesson_state.hpp"
#include "app/session/finetuning_part.hpp"
#include "app/session/session_json.hpp"
#include "app/session/tokenization_part.hpp"
#include "app/session/training_part.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/train/bundle_bytes.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/session_file.hpp"
#include "core/train/weights_file.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

using session::Json;
namespace fs = std::filesystem;

// The parts of a session file, by name.
const std::string attentionPart = "attention/lesson.json";
const std::string runsPart = "training/runs.json";
const std::string checkpointPart = "training/checkpoint";  // + .json, .safetensors, .optimizer.safetensors
const std::string finetuningPart = "finetuning/results.json";
const std::string finetuningBase = "finetuning/base";
const char* const checkpointSuffixes[] = {".json", ".safetensors", ".optimizer.safetensors"};

void addBundle(train::SessionParts& parts, const std::string& name, const std::shared_ptr<const train::ModelBundle>& bundle) {
    if (!bundle) return;
    train::BundleBytes bytes = train::bundleBytes(*bundle);
    parts[name + ".json"] = std::move(bytes.json);
    parts[name + ".safetensors"] = std::move(bytes.weights);
}

std::shared_ptr<const train::ModelBundle> bundleIn(const train::SessionParts& parts, const std::string& name) {
    const auto json = parts.find(name + ".json");
    const auto weights = parts.find(name + ".safetensors");
    if (json == parts.end() && weights == parts.end()) return nullptr;
    if (json == parts.end() || weights == parts.end()) throw std::invalid_argument("half of the model '" + name + "' is missing");
    return train::bundleFromBytes({json->second, weights->second}, name);
}

// A checkpoint's JSON without the temporary names its save used: the files are at their names.
std::string withoutTemporaries(Json json) {
    for (const char* key : {"weights", "optimizer_state"}) {
        if (json.contains(key) && json.at(key).is_object()) json.at(key).erase("written_as");
    }
    return json.dump(1) + "\n";
}

// This thread at the training thread's lower priority while it lives (threads made meanwhile
// inherit it), then as it was.
class LowerPriority {
public:
    LowerPriority() : before_(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()))) {
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 1);
    }
    ~LowerPriority() { setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), before_); }
    LowerPriority(const LowerPriority&) = delete;
    LowerPriority& operator=(const LowerPriority&) = delete;

private:
    int before_;
};

// What a session file holds, read and checked on the worker, ready to hand to the lessons.
struct Opened {
    std::shared_ptr<TokenizationState::Rebuilt> tokenization;
    bool hasAttention = false;
    QString sentence;
    bool labSource = false;
    std::shared_ptr<const train::ModelBundle> tinyEncoder, tinyDecoder, labModel;
    bool hasRuns = false;
    session::SavedRuns runs;
    std::unique_ptr<train::TrainingSession> model;
    bool hasFinetuning = false;
    session::SavedFinetuning finetuning;
    std::shared_ptr<const train::ModelBundle> finetuningBase;
    QString note;
};

// Runs `read`; whatever goes wrong in it is said as the part's fault.
template <typename Read>
void readPart(const std::string& part, Read read) {
    try {
        read();
    } catch (const Cancelled&) {
        throw;
    } catch (const std::exception& error) {
        throw std::invalid_argument("the part '" + part + "' does not fit: " + error.what());
    }
}

Opened readSession(const QString& path, const Progress& progress) {
    const train::SessionParts parts = train::readSessionFile(path.toStdString());
    progress(0.1);
    Opened o;
    std::optional<TokenizationState::Saved> saved;
    readPart("tokenization", [&] { saved = session::tokenizationFrom(parts); });
    if (saved) {
        readPart("tokenization", [&] {
            o.tokenization = TokenizationState::rebuild(*saved, Progress{[&progress](double f) { progress(0.1 + 0.4 * f); },
                                                                         progress.shouldStop});
        });
    }
    if (const auto found = parts.find(attentionPart); found != parts.end()) {
        readPart(attentionPart, [&] {
            const Json lesson = Json::parse(found->second);
            o.hasAttention = true;
            o.sentence = session::text(session::at(lesson, "sentence"));
            o.labSource = session::at(lesson, "source") == "training lab";
        });
        readPart("attention models", [&] {
            o.tinyEncoder = bundleIn(parts, "attention/tiny-encoder");
            o.tinyDecoder = bundleIn(parts, "attention/tiny-decoder");
            o.labModel = bundleIn(parts, "attention/lab-model");
            if (bool(o.tinyEncoder) != bool(o.tinyDecoder)) throw std::invalid_argument("one of the tiny pair is missing");
            if (o.labSource && !o.labModel) throw std::invalid_argument("the Training lab's model is shown but missing");
        });
    }
    progress(0.6);
    if (const auto found = parts.find(runsPart); found != parts.end()) {
        readPart(runsPart, [&] { o.runs = session::runsFrom(found->second); });
        o.hasRuns = true;
    }
    if (parts.count(checkpointPart + ".json")) {
        if (!o.hasRuns || o.runs.runs.empty()) throw std::invalid_argument("the Training lab's model has no run");
        QTemporaryDir folder;
        if (!folder.isValid()) throw std::runtime_error("no temporary folder to read the Training lab's model in");
        const std::string weights = QDir(folder.path()).filePath(QStringLiteral("model.safetensors")).toStdString();
        readPart(checkpointPart, [&] {
            for (const char* suffix : checkpointSuffixes) {
                const auto found = parts.find(checkpointPart + suffix);
                if (found == parts.end()) throw std::invalid_argument(std::string("its ") + suffix + " file is missing");
                const fs::path file = fs::path(folder.path().toStdString()) / (std::string("model") + suffix);
                writeFileAtomically(file, found->second);
            }
            // The model must be the last run's: its settings, and the step its curve ends at (a run
            // continued from a checkpoint file has no points until its first step).
            const Json json = Json::parse(parts.at(checkpointPart + ".json"));
            const train::RunSettings settings =
                train::RunSettings::fromJson(session::at(json, "settings").dump(), checkpointPart + ".json");
            const std::size_t step = session::at(json, "step").get<std::size_t>();
            const Run& last = o.runs.runs.back();
            if (settings.toJson() != last.settings.toJson()) throw std::invalid_argument("its settings are not those of the last run");
            if (!last.steps.empty() && step != last.lastStep()) {
                throw std::invalid_argument("it is at step " + std::to_string(step) + " but the last run's curve ends at step " +
                                            std::to_string(last.lastStep()));
            }
            // Its files are those its JSON records, and (a model that reads text) its weights fit its
            // settings; a model of random tokens is checked whole below.
            train::checkRecorded(json, checkpointPart + ".json", checkpointPart + ".safetensors",
                                 parts.at(checkpointPart + ".safetensors"), "weights");
            train::checkRecorded(json, checkpointPart + ".json", checkpointPart + ".optimizer.safetensors",
                                 parts.at(checkpointPart + ".optimizer.safetensors"), "optimizer_state");
            if (!settings.corpus.empty()) train::loadCheckpointModel(weights);
        });
        const bool randomTokens = o.runs.runs.back().settings.corpus.empty();
        // The run itself: its weights and moments as saved, and the data it trains on, which must be
        // on this machine too (a text file's corpus may not be). Its threads, made here, train at
        // the training thread's lower priority: the window keeps its share of two cores.
        try {
            const LowerPriority lower;
            o.model = train::loadCheckpoint(weights, Progress{[&progress](double f) { progress(0.6 + 0.3 * f); },
                                                              progress.shouldStop});
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& error) {
            // Random tokens need no file: then the model itself does not fit.
            if (randomTokens) throw std::invalid_argument("the part '" + checkpointPart + "' does not fit: " + error.what());
            o.note = QObject::tr("The last run cannot train on here (%1); its curves and settings are open, and a "
                                 "session saved from here keeps them without its model.")
                         .arg(QString::fromUtf8(error.what()));
        }
    }
    if (const auto found = parts.find(finetuningPart); found != parts.end()) {
        readPart(finetuningPart, [&] { o.finetuning = session::finetuningFrom(found->second); });
        readPart(finetuningBase, [&] {
            o.finetuningBase = bundleIn(parts, finetuningBase);
            const auto source = o.finetuning.source;
            if ((source == FinetuningState::Source::File || source == FinetuningState::Source::TrainingLab) && !o.finetuningBase) {
                throw std::invalid_argument("the model it finetunes is missing");
            }
        });
        o.hasFinetuning = true;
    }
    progress(1.0);
    return o;
}

}  // namespace

SessionFiles::SessionFiles(SessionLessons lessons, QObject* parent) : QObject(parent), lessons_(lessons) {
    job_ = new BackgroundJob(this);
}

SessionFiles::~SessionFiles() { job_->waitForDone(); }

bool SessionFiles::busy() const { return saving_ || job_->busy(); }

QString SessionFiles::whyNotNow() const {
    if (busy()) return tr("a session is being saved or opened");
    return lessonsBusy();
}

QString SessionFiles::lessonsBusy() const {
    if (lessons_.tokenization->isBusy()) return tr("the Tokenization lesson is still working (wait, or cancel it)");
    if (lessons_.attention->job().busy()) {
        return tr("the Architectures & attention lesson is still training or opening models (wait, or cancel it)");
    }
    if (lessons_.finetuning->job().busy()) return tr("the Pretrain → finetune lesson is still working (wait, or cancel it)");
    return {};
}

void SessionFiles::save(const QString& path) {
    if (const QString why = whyNotNow(); !why.isEmpty()) {
        emit failed(tr("%1 was not saved: %2.").arg(path, why));
        return;
    }
    saving_ = true;
    folder_ = std::make_unique<QTemporaryDir>();
    if (!folder_->isValid()) {
        saving_ = false;
        emit failed(tr("%1 was not saved: there is no temporary folder for the Training lab's model.").arg(path));
        return;
    }
    const QString weights = QDir(folder_->path()).filePath(QStringLiteral("model.safetensors"));
    lessons_.training->saveForSession(weights, [this, path](const QString& problem) { write(path, problem); });
}

void SessionFiles::write(const QString& path, const QString& checkpointProblem) {
    const auto giveUp = [this, path](const QString& why) {
        saving_ = false;
        folder_.reset();
        emit failed(tr("%1 was not saved: %2").arg(path, why));
    };
    // Work a lesson started while the checkpoint was written would be caught half done.
    if (const QString why = lessonsBusy(); !why.isEmpty()) return giveUp(why + QLatin1Char('.'));
    // Gathered here, on the UI thread, after the checkpoint: the runs' points reach its step.
    train::SessionParts parts;
    QString note;
    if (!checkpointProblem.isEmpty()) {
        note = tr("The Training lab's model was not kept (%1); its runs and curves were.").arg(checkpointProblem);
    }
    const std::optional<TokenizationState::Saved> tokenization = lessons_.tokenization->saved();
    const AttentionState& attention = *lessons_.attention;
    const bool labSource = attention.source() == AttentionState::Source::TrainingLab && attention.labModel();
    const Json attentionLesson{{"sentence", session::utf8(attention.sentence())},
                               {"source", labSource ? "training lab" : "tiny models"}};
    const std::shared_ptr<const train::ModelBundle> tinyEncoder = attention.tinyEncoder(), tinyDecoder = attention.tinyDecoder();
    const std::shared_ptr<const train::ModelBundle> labModel = labSource ? attention.labModel() : nullptr;
    const std::string checkpoint = QDir(folder_->path()).filePath(QStringLiteral("model")).toStdString();
    const bool withModel = checkpointProblem.isEmpty() && fs::exists(checkpoint + ".json");
    session::SavedRuns kept{lessons_.training->runs().runs(), {}, lessons_.training->lossAgainstTokensWithLoss(), {},
                             lessons_.training->problem()};
    std::string checkpointJson;  // as the session keeps it (read here once: the step comes from it)
    if (withModel && !kept.runs.empty()) {
        // A step the run took after the checkpoint (Resume pressed while it was written) is not the
        // model's: the curve ends where the model is.
        std::size_t step = 0;
        try {
            const Json json = Json::parse(readFileBytes(checkpoint + ".json"));
            step = json.at("step").get<std::size_t>();
            checkpointJson = withoutTemporaries(json);
        } catch (const std::exception& error) {
            return giveUp(QString::fromUtf8(error.what()));
        }
        Run& last = kept.runs.back();
        std::erase_if(last.steps, [step](const StepPoint& p) { return p.metrics.step > step; });
        std::erase_if(last.heldOut, [step](const HeldOutPoint& p) { return p.step > step; });
        std::erase_if(last.probes, [step](const auto& p) { return p->step > step; });
        const auto state = lessons_.training->controller().state();
        kept.ended = state == TrainingController::State::Stopped    ? "stopped"
                      : state == TrainingController::State::Diverged ? "diverged"
                                                                      : "";
    }
    const std::string runs = session::runsJson(kept);
    const FinetuningState& finetuning = *lessons_.finetuning;
    const std::string results = session::finetuningJson(finetuning.results(), finetuning.source());
    const bool ownBase = finetuning.source() == FinetuningState::Source::File ||
                         finetuning.source() == FinetuningState::Source::TrainingLab;
    const std::shared_ptr<const train::ModelBundle> base = ownBase ? finetuning.base() : nullptr;

    job_->start(
        tr("Saving %1").arg(QFileInfo(path).fileName()),
        [=, this](const Progress& progress) -> BackgroundJob::Apply {
            train::SessionParts all = parts;
            if (tokenization) session::addTokenization(all, *tokenization);
            all[attentionPart] = attentionLesson.dump(1) + "\n";
            addBundle(all, "attention/tiny-encoder", tinyEncoder);
            addBundle(all, "attention/tiny-decoder", tinyDecoder);
            addBundle(all, "attention/lab-model", labModel);
            all[runsPart] = runs;
            if (!checkpointJson.empty()) {
                all[checkpointPart + ".json"] = checkpointJson;
                for (const char* suffix : {".safetensors", ".optimizer.safetensors"}) {
                    all[checkpointPart + suffix] = readFileBytes(checkpoint + suffix);
                }
            }
            all[finetuningPart] = results;
            addBundle(all, finetuningBase, base);
            progress(0.5);
            if (progress.stopRequested()) throw Cancelled();
            train::writeSessionFile(path.toStdString(), all);
            return [this, path, note] {
                saving_ = false;
                folder_.reset();
                emit saved(path, note);
            };
        },
        [giveUp](const QString& error) { giveUp(error); },
        [giveUp] { giveUp(tr("saving was cancelled, and no file was written.")); });
}

void SessionFiles::open(const QString& path) {
    if (const QString why = whyNotNow(); !why.isEmpty()) {
        emit failed(tr("%1 was not opened: %2.").arg(path, why));
        return;
    }
    job_->start(
        tr("Opening %1").arg(QFileInfo(path).fileName()),
        [this, path](const Progress& progress) -> BackgroundJob::Apply {
            Opened o;
            try {
                o = readSession(path, progress);
            } catch (const LocatedError&) {
                throw;
            } catch (const Cancelled&) {
                throw;
            } catch (const std::exception& error) {
                throw LocatedError({path.toStdString(), std::nullopt, std::nullopt}, error.what());
            }
            auto read = std::make_shared<Opened>(std::move(o));
            return [this, path, read] {
                // Work a lesson started while the file was read would be overwritten half done.
                if (const QString why = lessonsBusy(); !why.isEmpty()) {
                    emit failed(tr("%1 was not opened: %2.").arg(path, why));
                    return;
                }
                // Everything fits: the lessons take it all at once.
                if (read->tokenization) lessons_.tokenization->restore(read->tokenization);
                if (read->hasAttention) {
                    AttentionState& attention = *lessons_.attention;
                    if (read->tinyEncoder) attention.setTinyModels(read->tinyEncoder, read->tinyDecoder);
                    if (read->labModel) attention.setLabModel(read->labModel);
                    attention.setSource(read->labSource ? AttentionState::Source::TrainingLab : AttentionState::Source::TinyModels);
                    attention.setSentence(read->sentence);  // last: the models shown may change the sentence's default
                }
                if (read->hasRuns) {
                    session::SavedRuns& saved = read->runs;
                    for (std::size_t i = 0; i < saved.runs.size() && i < saved.colourIndex.size(); ++i) {
                        if (saved.colourIndex[i] >= 0) saved.runs[i].colour = widgets::viewPalette().seriesColour(saved.colourIndex[i]);
                    }
                    lessons_.training->restore(std::move(saved.runs), saved.lossByTokensWithLoss, std::move(read->model),
                                               !saved.ended.empty(), saved.problem);
                }
                if (read->hasFinetuning) {
                    lessons_.finetuning->restore(std::move(read->finetuning.results), read->finetuning.source,
                                                 read->finetuningBase);
                }
                emit opened(path, read->note);
            };
        },
        [this](const QString& error) { emit failed(tr("The session was not opened: %1").arg(error)); },
        [this, path] { emit failed(tr("Opening %1 was cancelled; nothing changed.").arg(path)); });
}

}  // namespace pretrainlab::app
