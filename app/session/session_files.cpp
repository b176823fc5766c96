#include "app/session/session_files.hpp"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <filesystem>

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
std::string withoutTemporaries(const std::string& text) {
    Json json = Json::parse(text);
    for (const char* key : {"weights", "optimizer_state"}) {
        if (json.contains(key) && json.at(key).is_object()) json.at(key).erase("written_as");
    }
    return json.dump(1) + "\n";
}

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
            // The model and its settings must be those of the last run.
            const train::CheckpointModel model = train::loadCheckpointModel(weights);
            const Run& last = o.runs.runs.back();
            if (model.settings.toJson() != last.settings.toJson()) {
                throw std::invalid_argument("its settings are not those of the last run");
            }
            if (model.steps != last.lastStep()) {
                throw std::invalid_argument("it is at step " + std::to_string(model.steps) + " but the last run's curve ends at step " +
                                            std::to_string(last.lastStep()));
            }
        });
        // The data it trains on must be on this machine too (a text file's corpus may not be).
        try {
            o.model = train::loadCheckpoint(weights, Progress{[&progress](double f) { progress(0.6 + 0.3 * f); },
                                                              progress.shouldStop});
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& error) {
            o.note = QObject::tr("The last run cannot train on here (%1); its curves and settings are open.")
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
    if (lessons_.tokenization->isBusy()) return tr("the Tokenization lesson is still working (wait, or cancel it)");
    if (lessons_.attention->job().busy()) return tr("the tiny models are still training (wait, or cancel it)");
    if (lessons_.finetuning->job().busy()) return tr("the Pretrain → finetune lesson is still working (wait, or cancel it)");
    return {};
}

void SessionFiles::save(const QString& path) {
    if (const QString why = whyNotNow(); !why.isEmpty()) {
        emit failed(tr("The session was not saved: %1.").arg(why));
        return;
    }
    saving_ = true;
    folder_ = std::make_unique<QTemporaryDir>();
    if (!folder_->isValid()) {
        saving_ = false;
        emit failed(tr("The session was not saved: no temporary folder for the Training lab's model."));
        return;
    }
    const QString weights = QDir(folder_->path()).filePath(QStringLiteral("model.safetensors"));
    lessons_.training->saveForSession(weights, [this, path](const QString& problem) { write(path, problem); });
}

void SessionFiles::write(const QString& path, const QString& checkpointProblem) {
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
    const std::string runs = session::runsJson(lessons_.training->runs().runs(), lessons_.training->lossAgainstTokensWithLoss());
    const FinetuningState& finetuning = *lessons_.finetuning;
    const std::string results = session::finetuningJson(finetuning.results(), finetuning.source());
    const bool ownBase = finetuning.source() == FinetuningState::Source::File ||
                         finetuning.source() == FinetuningState::Source::TrainingLab;
    const std::shared_ptr<const train::ModelBundle> base = ownBase ? finetuning.base() : nullptr;
    const std::string checkpoint = QDir(folder_->path()).filePath(QStringLiteral("model")).toStdString();

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
            if (checkpointProblem.isEmpty() && fs::exists(checkpoint + ".json")) {
                for (const char* suffix : checkpointSuffixes) all[checkpointPart + suffix] = readFileBytes(checkpoint + suffix);
                all[checkpointPart + ".json"] = withoutTemporaries(all[checkpointPart + ".json"]);
            }
            all[finetuningPart] = results;
            addBundle(all, finetuningBase, base);
            progress(0.5);
            train::writeSessionFile(path.toStdString(), all);
            return [this, path, note] {
                saving_ = false;
                folder_.reset();
                emit saved(path, note);
            };
        },
        [this](const QString& error) {
            saving_ = false;
            folder_.reset();
            emit failed(tr("The session was not saved: %1").arg(error));
        },
        [this] {
            saving_ = false;
            folder_.reset();
            emit failed(tr("Saving the session was cancelled; no file was written."));
        });
}

void SessionFiles::open(const QString& path) {
    if (const QString why = whyNotNow(); !why.isEmpty()) {
        emit failed(tr("The session was not opened: %1.").arg(why));
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
                // Everything fits: the lessons take it all at once.
                if (read->tokenization) lessons_.tokenization->restore(read->tokenization);
                if (read->hasAttention) {
                    AttentionState& attention = *lessons_.attention;
                    attention.setSentence(read->sentence);
                    if (read->tinyEncoder) attention.setTinyModels(read->tinyEncoder, read->tinyDecoder);
                    if (read->labModel) attention.setLabModel(read->labModel);
                    attention.setSource(read->labSource ? AttentionState::Source::TrainingLab : AttentionState::Source::TinyModels);
                }
                if (read->hasRuns) {
                    lessons_.training->restore(std::move(read->runs.runs), read->runs.lossByTokensWithLoss,
                                               std::move(read->model));
                }
                if (read->hasFinetuning) {
                    lessons_.finetuning->restore(std::move(read->finetuning.results), read->finetuning.source,
                                                 read->finetuningBase);
                }
                emit opened(path, read->note);
            };
        },
        [this](const QString& error) { emit failed(tr("The session was not opened: %1").arg(error)); },
        [this] { emit failed(tr("Opening the session was cancelled; nothing changed.")); });
}

}  // namespace pretrainlab::app
