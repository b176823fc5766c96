#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <memory>

#include "core/tokenize/tokenizer.hpp"
#include "core/train/model_bundle.hpp"

namespace pretrainlab::app {

class BackgroundJob;

// What the Architectures & attention lesson holds: the sentence every view reads, and the trained
// models they look inside: a tiny encoder and a tiny decoder (trained here on demand, in the
// background), a copy of the Training lab's model, or real pretrained models (a GPT-2 and a BERT
// opened from Hugging Face's files) to compare them with.
class AttentionState : public QObject {
    Q_OBJECT
public:
    enum class Source { TinyModels, TrainingLab, RealModels };

    explicit AttentionState(QObject* parent = nullptr);
    ~AttentionState() override;

    QString sentence() const { return sentence_; }
    void setSentence(const QString& sentence);
    // The toy world's tokenizer: the masks and the loss view read text with it.
    const Tokenizer& toyTokenizer() const { return tokenizer_; }
    // The lesson's texts to start with (resources/lessons/attention.json): the lecture's sentences
    // in the toy world's words for models trained here, in its own English for real models.
    QJsonObject texts(bool real = false) const;
    // One of them by key ("prompt", "sentiment/text"); a list joins with newlines.
    QString defaultText(const QString& key, bool real) const;
    // What a text field holds once its model changed between a tiny and a real one: the other
    // default while it still holds this one's, else what the user typed.
    QString followDefault(const QString& current, const QString& key, bool wasReal, bool real) const;
    // Whether `model` is one of the real models opened here (not one trained in the app), and
    // whether the views use one now (the sentence's default follows this).
    bool isReal(const std::shared_ptr<const train::ModelBundle>& model) const;
    bool showsRealModel() const;

    void setTinyModels(std::shared_ptr<const train::ModelBundle> encoder, std::shared_ptr<const train::ModelBundle> decoder);
    // The Training lab's model as it was when asked for (nullptr: it has none that reads text).
    void setLabModel(std::shared_ptr<const train::ModelBundle> model);
    void setSource(Source source);
    Source source() const { return source_; }
    // The tiny pair as they are (nullptr before they are trained or given), and the lab's copy.
    std::shared_ptr<const train::ModelBundle> tinyEncoder() const { return tinyEncoder_; }
    std::shared_ptr<const train::ModelBundle> tinyDecoder() const { return tinyDecoder_; }
    std::shared_ptr<const train::ModelBundle> labModel() const { return labModel_; }
    // Pretrains the tiny encoder and decoder in the background (progress and Cancel in the job).
    void trainTinyModels();
    // Opens real models' folders in the background, one after the other: a decoder becomes the real
    // decoder, an encoder the real encoder, and the views show the real models. Nothing changes
    // unless every folder opens. False when other work is running.
    bool openRealModels(const QStringList& folders);
    std::shared_ptr<const train::ModelBundle> realEncoder() const { return realEncoder_; }
    std::shared_ptr<const train::ModelBundle> realDecoder() const { return realDecoder_; }
    // The tokenizer a view reads the sentence with for a model of `architecture`: the real model's
    // when real models are shown, else the toy world's.
    const Tokenizer& readingTokenizer(nn::Architecture architecture) const;
    BackgroundJob& job() { return *job_; }

    // The models the views use now: the lab's where it is of that kind, else the tiny ones.
    std::shared_ptr<const train::ModelBundle> encoder() const;
    std::shared_ptr<const train::ModelBundle> decoder() const;
    // The models whose weights the Attention weights view shows (the pair, or the lab's model).
    std::vector<std::shared_ptr<const train::ModelBundle>> shownModels() const;
    // One line on where the models come from, for the bar above the views.
    QString modelsDescription() const;

signals:
    void sentenceChanged(const QString& sentence);
    void modelsChanged();
    void sourceChanged(pretrainlab::app::AttentionState::Source source);
    // Asks the Training lab for a copy of its model (it arrives through setLabModel).
    void labModelWanted();
    // A real model's folder opened (for the recent files, and its tokenizer for the Tokenization
    // lesson): it is now realEncoder() when `encoder`, else realDecoder().
    void realModelOpened(const QString& folder, bool encoder);
    // Something went wrong that the user should read (empty clears it).
    void problem(const QString& text);

private:
    // After the models or the source changed: the sentence follows them, then modelsChanged().
    void modelsSwitched();

    QString sentence_;
    bool sentenceReal_ = false;  // which default the sentence follows
    const Tokenizer tokenizer_;
    const QJsonObject texts_;
    std::shared_ptr<const train::ModelBundle> tinyEncoder_, tinyDecoder_, labModel_, realEncoder_, realDecoder_;
    Source source_ = Source::TinyModels;
    BackgroundJob* job_ = nullptr;
};

}  // namespace pretrainlab::app
