#include "app/lessons/attention/lesson_state.hpp"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <array>
#include <thread>

#include "app/jobs/background_job.hpp"
#include "core/data/toyworld.hpp"
#include "core/pretrained/pretrained_model.hpp"
#include "core/train/tiny_models.hpp"
#include "resources/resources.hpp"

namespace pretrainlab::app {

AttentionState::AttentionState(QObject* parent)
    : QObject(parent), tokenizer_(data::ToyWorld::tokenizer()),
      texts_(resources::readJson(QStringLiteral(":/lessons/attention.json"))) {
    sentence_ = texts_.value(QLatin1String("sentence")).toString();
    job_ = new BackgroundJob(this);
}

AttentionState::~AttentionState() { job_->waitForDone(); }

void AttentionState::setSentence(const QString& sentence) {
    if (sentence == sentence_) return;
    sentence_ = sentence;
    emit sentenceChanged(sentence_);
}

void AttentionState::setTinyModels(std::shared_ptr<const train::ModelBundle> encoder,
                                   std::shared_ptr<const train::ModelBundle> decoder) {
    tinyEncoder_ = std::move(encoder);
    tinyDecoder_ = std::move(decoder);
    modelsSwitched();
}

void AttentionState::setLabModel(std::shared_ptr<const train::ModelBundle> model) {
    labModel_ = std::move(model);
    if (labModel_) {
        emit problem({});
        setSource(Source::TrainingLab);  // shows it
        return;
    }
    emit problem(tr("The Training lab has no model that reads text yet: train one there on the toy world or a text "
                    "file, then take it."));
    modelsSwitched();
}

QJsonObject AttentionState::texts(bool real) const {
    if (!real) return texts_;
    QJsonObject merged = texts_;  // the real models' texts over the toy world's
    const QJsonObject english = texts_.value(QLatin1String("realModels")).toObject();
    for (auto it = english.begin(); it != english.end(); ++it) merged.insert(it.key(), it.value());
    return merged;
}

QString AttentionState::defaultText(const QString& key, bool real) const {
    QJsonValue value = texts(real);
    for (const QString& part : key.split(QLatin1Char('/'))) value = value.toObject().value(part);
    if (!value.isArray()) return value.toString();
    QStringList lines;
    for (const QJsonValue& line : value.toArray()) lines << line.toString();
    return lines.join(QLatin1Char('\n'));
}

QString AttentionState::followDefault(const QString& current, const QString& key, bool wasReal, bool real) const {
    if (wasReal == real || current != defaultText(key, wasReal)) return current;
    return defaultText(key, real);
}

bool AttentionState::isReal(const std::shared_ptr<const train::ModelBundle>& model) const {
    return model && (model == realEncoder_ || model == realDecoder_);
}

bool AttentionState::showsRealModel() const { return isReal(encoder()) || isReal(decoder()); }

void AttentionState::modelsSwitched() {
    // The sentence every view reads follows the models shown (a real one: the lecture's English),
    // unless the user wrote their own; then the views hear of the models.
    const bool real = showsRealModel();
    if (real != sentenceReal_) {
        const QString sentence = followDefault(sentence_, QStringLiteral("sentence"), sentenceReal_, real);
        sentenceReal_ = real;
        setSentence(sentence);
    }
    emit modelsChanged();
}

void AttentionState::setSource(Source source) {
    source_ = source;
    emit sourceChanged(source);
    modelsSwitched();
    if (source == Source::TrainingLab && !labModel_) emit labModelWanted();
}

std::shared_ptr<const train::ModelBundle> AttentionState::encoder() const {
    if (source_ == Source::TrainingLab && labModel_ && labModel_->architecture() == nn::Architecture::Encoder) {
        return labModel_;
    }
    if (source_ == Source::RealModels && realEncoder_) return realEncoder_;
    return tinyEncoder_;
}

std::shared_ptr<const train::ModelBundle> AttentionState::decoder() const {
    if (source_ == Source::TrainingLab && labModel_ && labModel_->architecture() == nn::Architecture::Decoder) {
        return labModel_;
    }
    if (source_ == Source::RealModels && realDecoder_) return realDecoder_;
    return tinyDecoder_;
}

const Tokenizer& AttentionState::readingTokenizer(nn::Architecture architecture) const {
    if (source_ == Source::RealModels) {
        const auto& real = architecture == nn::Architecture::Encoder ? realEncoder_ : realDecoder_;
        if (real) return real->tokenizer;
    }
    return tokenizer_;
}

std::vector<std::shared_ptr<const train::ModelBundle>> AttentionState::shownModels() const {
    if (source_ == Source::TrainingLab) {
        if (labModel_) return {labModel_};
        return {};
    }
    if (source_ == Source::RealModels) {
        std::vector<std::shared_ptr<const train::ModelBundle>> real;
        for (const auto& model : {realEncoder_, realDecoder_}) {
            if (model) real.push_back(model);
        }
        return real;
    }
    if (tinyEncoder_ && tinyDecoder_) return {tinyEncoder_, tinyDecoder_};
    return {};
}

QString AttentionState::modelsDescription() const {
    const auto text = [](const std::string& s) { return QString::fromStdString(s); };
    QStringList parts;
    if (source_ == Source::TrainingLab) {
        parts << (labModel_ ? tr("Training lab: %1").arg(text(labModel_->description))
                            : tr("The Training lab has no model with text yet: train one there (toy world or a text "
                                 "file), then take it."));
        if (labModel_ && labModel_->architecture() != nn::Architecture::Decoder && tinyDecoder_) {
            parts << tr("generation and zero-shot use the tiny decoder");
        }
    } else if (source_ == Source::RealModels) {
        if (!realEncoder_ && !realDecoder_) {
            parts << tr("No real model open yet: “Open model…” reads a GPT-2 or BERT folder as the Hugging Face hub "
                        "serves it (config.json, model.safetensors and its tokenizer).");
        }
        if (realEncoder_) parts << text(realEncoder_->description);
        if (realDecoder_) parts << text(realDecoder_->description);
        if (!realDecoder_ && tinyDecoder_ && realEncoder_) parts << tr("generation and zero-shot use the tiny decoder");
        if (!realEncoder_ && tinyEncoder_ && realDecoder_) parts << tr("filling [MASK] uses the tiny encoder");
    } else if (tinyEncoder_ && tinyDecoder_) {
        parts << text(tinyEncoder_->description) << text(tinyDecoder_->description);
    } else {
        parts << tr("No trained models yet: “Train tiny models” pretrains a small encoder and decoder here.");
    }
    return parts.join(QStringLiteral("  ·  "));
}

void AttentionState::trainTinyModels() {
    emit problem({});
    job_->start(
        tr("Training"),
        [this](const Progress& progress) -> BackgroundJob::Apply {
            const std::array<train::TinyModelRecipe, 2> recipes{train::tinyModelRecipe(nn::Architecture::Encoder),
                                                                train::tinyModelRecipe(nn::Architecture::Decoder)};
            const double total = double(recipes[0].steps + recipes[1].steps);
            const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
            std::array<std::shared_ptr<const train::ModelBundle>, 2> made;
            double done = 0;
            for (std::size_t i = 0; i < recipes.size(); ++i) {
                const double before = done;
                const double share = double(recipes[i].steps) / total;
                made[i] = train::pretrainTinyModel(recipes[i], threads,
                                                   Progress{[&progress, before, share](double fraction) {
                                                                progress(before + share * fraction);
                                                            },
                                                            progress.shouldStop});
                done += share;
            }
            return [this, made] {
                tinyEncoder_ = made[0];
                tinyDecoder_ = made[1];
                setSource(Source::TinyModels);  // shows them
            };
        },
        [this](const QString& message) { emit problem(tr("The tiny models could not be trained: %1").arg(message)); });
}

bool AttentionState::openRealModels(const QStringList& folders) {
    if (folders.isEmpty()) return true;
    if (job_->busy()) return false;  // the problem on show stays
    emit problem({});
    return job_->start(
        tr("Opening %1").arg(QFileInfo(QDir::cleanPath(QFileInfo(folders.first()).absoluteFilePath())).fileName()),
        [this, folders](const Progress& progress) -> BackgroundJob::Apply {
            std::vector<std::shared_ptr<const train::ModelBundle>> models;
            for (qsizetype i = 0; i < folders.size(); ++i) {
                const double share = 1.0 / double(folders.size());
                models.push_back(pretrained::openPretrained(
                    folders[i].toStdString(),
                    Progress{[&progress, i, share](double fraction) { progress(share * (double(i) + fraction)); }, progress.shouldStop}));
            }
            return [this, models, folders] {
                for (std::size_t i = 0; i < models.size(); ++i) {
                    const bool encoder = models[i]->architecture() == nn::Architecture::Encoder;
                    (encoder ? realEncoder_ : realDecoder_) = models[i];
                    emit realModelOpened(folders[qsizetype(i)], encoder);
                }
                setSource(Source::RealModels);  // shows them
            };
        },
        [this](const QString& message) { emit problem(tr("The model could not be opened: %1").arg(message)); });
}

}  // namespace pretrainlab::app
