#pragma once

#include <QWidget>
#include <functional>
#include <optional>

#include "core/tokenize/tokenizer.hpp"
#include "core/train/run_settings.hpp"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace pretrainlab::widgets {
class LiveChart;
}

namespace pretrainlab::app {

// The Training lab's Setup: a run's settings as a form, each field's range, default and help read
// from core's table of run settings, with the learning-rate schedule previewed as it changes.
class RunSetupForm : public QWidget {
    Q_OBJECT
public:
    explicit RunSetupForm(QWidget* parent = nullptr);

    // The settings as the form shows them (those it does not show stay as last set).
    train::RunSettings settings() const;
    void setSettings(const train::RunSettings& settings);
    // Where "the Tokenization page's BPE" comes from.
    void setTokenizerSource(std::function<std::optional<Tokenizer>()> source);

    // A run ready to start: the settings and, when the form says so, the Tokenization lesson's
    // tokenizer. Nothing (and the reason shown in the form) when they do not make a run.
    struct Request {
        train::RunSettings settings;
        std::optional<Tokenizer> tokenizer;
    };
    std::optional<Request> request();

private:
    void buildFields();
    void buildLayout();
    void connectFields();
    void syncToArchitecture();
    void markCustom();
    void applyPreset(int index);
    void updateSchedulePreview();
    void showProblem(const QString& text);

    train::RunSettings base_;  // what the form does not show
    std::function<std::optional<Tokenizer>()> tokenizerSource_;
    bool applyingPreset_ = false;
    QString corpusFile_;
    QString tokenizerFile_;
    QComboBox* architecture_ = nullptr;
    QComboBox* preset_ = nullptr;
    QSpinBox* width_ = nullptr;
    QSpinBox* layers_ = nullptr;
    QSpinBox* heads_ = nullptr;
    QSpinBox* context_ = nullptr;
    QComboBox* corpus_ = nullptr;
    QComboBox* tokenizer_ = nullptr;
    QDoubleSpinBox* maskRate_ = nullptr;
    QCheckBox* nextSentence_ = nullptr;
    QCheckBox* maskOnly_ = nullptr;  // every picked token becomes [MASK] (no random, none kept)
    QComboBox* optimizer_ = nullptr;
    QDoubleSpinBox* learningRate_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QSpinBox* warmup_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* accumulation_ = nullptr;
    QDoubleSpinBox* weightDecay_ = nullptr;
    QDoubleSpinBox* clip_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QLabel* problem_ = nullptr;
    widgets::LiveChart* schedulePreview_ = nullptr;
    int previewSeries_ = -1;
};

}  // namespace pretrainlab::app
