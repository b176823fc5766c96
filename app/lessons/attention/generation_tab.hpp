#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "app/lessons/attention/lesson_state.hpp"
#include "core/train/inspect_generation.hpp"

class QComboBox;
class QGroupBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace pretrainlab::widgets {
class AttentionHeatmap;
class ScoreBars;
}  // namespace pretrainlab::widgets

namespace pretrainlab::app {

class LatestJob;

// "Generation": the decoder continues a prompt token by token, greedy or sampled (temperature,
// top-k, seed), with the next token's probabilities as bars and where the newest token looked;
// beside it the lecture's question "how to generate text from BERT?", answered by filling [MASK]
// positions one at a time, the most confident first.
class GenerationTab : public QWidget {
    Q_OBJECT
public:
    explicit GenerationTab(AttentionState& state, QWidget* parent = nullptr);

    void setPrompt(const QString& prompt);
    // temperature 0: greedy; top-k 0: all tokens.
    void setSampling(double temperature, int topK, quint64 seed);
    // Asks for `count` more tokens; asked for while one is computed, they add to the next request.
    void generate(int count);
    void restartGeneration();
    const std::vector<std::int32_t>& generatedIds() const { return generatedIds_; }
    // The prompt and what was generated, decoded as text (GPT-2's "Ġcat" reads " cat").
    QString generatedText() const;
    widgets::ScoreBars* candidateBars() const { return candidates_; }
    widgets::AttentionHeatmap* newestAttention() const { return newestAttention_; }

    void setMaskedText(const QString& text);
    void fillOneMask();
    // The sentence as the encoder holds it now, [MASK]s still open shown as [MASK].
    QString filledText() const;
    bool busy() const;

signals:
    void problem(const QString& text);

private:
    QGroupBox* buildGenerator();  // GPT's side
    QGroupBox* buildFiller();     // BERT's side
    void showGeneration();
    // The prompt and the masked text take the defaults of the models in use (tiny or real).
    void followModels();
    void showFilling();
    void restartFilling();

    AttentionState& state_;
    LatestJob* generation_ = nullptr;
    LatestJob* filling_ = nullptr;
    QLineEdit* prompt_ = nullptr;
    QComboBox* method_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QSpinBox* topK_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLabel* generatedView_ = nullptr;
    widgets::ScoreBars* candidates_ = nullptr;
    widgets::AttentionHeatmap* newestAttention_ = nullptr;
    std::shared_ptr<train::Generator> generator_;
    bool decoderReal_ = false, encoderReal_ = false;  // which defaults the prompt and masked text follow
    bool generating_ = false;  // a generation request is on a worker
    int queuedTokens_ = 0;     // asked for meanwhile
    std::vector<std::int32_t> generatedIds_;
    std::vector<std::int32_t> promptIds_;
    QLineEdit* maskedText_ = nullptr;
    QLabel* filledView_ = nullptr;
    widgets::ScoreBars* fillCandidates_ = nullptr;
    std::shared_ptr<train::MaskFiller> filler_;
    bool fillingNow_ = false;
    std::vector<nn::Index> fillOrder_;
};

}  // namespace pretrainlab::app
