#pragma once

#include <QString>
#include <QWidget>
#include <array>
#include <functional>
#include <memory>
#include <vector>

#include "core/train/inspect.hpp"

class QButtonGroup;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTimer;
class QVBoxLayout;

namespace pretrainlab::widgets {
class AttentionHeatmap;
class ScoreBars;
}  // namespace pretrainlab::widgets

namespace pretrainlab::app {

class BackgroundJob;

// The lecture's comparison of encoders, decoders and encoder-decoders: the attention masks of each
// for a typed sentence, walked row by row; the attention weights of trained models, layers × heads;
// a decoder generating token by token beside an encoder filling [MASK]s; zero-shot answers by
// log-probability; and which tokens produce loss under each objective. Models come from the
// Training lab or are trained here on demand (a tiny encoder and a tiny decoder on the toy world).
// Every model computation runs off the UI thread.
class AttentionPage : public QWidget {
    Q_OBJECT
public:
    enum class View { Masks, Weights, Generation, ZeroShot, Loss };
    enum class Source { TinyModels, TrainingLab };

    explicit AttentionPage(QWidget* parent = nullptr);
    ~AttentionPage() override;

    void showView(View view);
    void setSentence(const QString& sentence);
    QString sentence() const;

    // Models: the tiny pair (trained here or handed over), and the Training lab's.
    void setTinyModels(std::shared_ptr<const train::ModelBundle> encoder, std::shared_ptr<const train::ModelBundle> decoder);
    void setLabModel(std::shared_ptr<const train::ModelBundle> model);
    void setSource(Source source);
    // Trains the tiny encoder and decoder in the background (progress and Cancel in the page).
    void trainTinyModels(std::size_t decoderSteps = 800, std::size_t encoderSteps = 3000);
    std::shared_ptr<const train::ModelBundle> encoder() const;  // the one the page uses now
    std::shared_ptr<const train::ModelBundle> decoder() const;
    // Training or a computation still running.
    bool busy() const;

    // Masks
    void setMaskKind(train::ModelKind kind);
    void setPrefixLength(int length);
    void showMaskRow(int row);  // stops the walk and highlights the row (-1: none)
    void setMaskWalking(bool walking);
    std::vector<widgets::AttentionHeatmap*> maskHeatmaps() const;
    QString maskCaption() const;

    // Attention weights: one column per grid shown (encoder, decoder; or the lab model's stacks).
    int weightColumns() const { return int(columns_.size()); }
    std::vector<widgets::AttentionHeatmap*> thumbnails(int column) const;
    widgets::AttentionHeatmap* enlarged(int column) const;
    const train::AttentionGrid& weightGrid(int column) const;
    void selectHead(int column, int layer, int head);

    // Generation
    void setPrompt(const QString& prompt);
    void setSampling(double temperature, int topK, quint64 seed);
    void generate(int tokens);
    void restartGeneration();
    std::vector<std::int32_t> generatedIds() const { return generatedIds_; }
    QString generatedText() const;
    widgets::ScoreBars* candidateBars() const { return candidates_; }
    widgets::AttentionHeatmap* newestAttention() const { return newestAttention_; }
    void setMaskedText(const QString& text);
    void fillOneMask();
    QString filledText() const;

    // Zero-shot
    void scoreZeroShot();
    widgets::ScoreBars* zeroShotBars(int task) const { return zeroShotBars_[std::size_t(task)]; }  // 0..2

    // Loss per token
    void setLossText(const QString& text);
    int maskedLossTokens() const { return maskedCount_; }
    int nextTokenLossTokens() const { return nextCount_; }

signals:
    void labModelWanted();
    // Every background computation that was applied (tests and the screenshot tour wait on it).
    void computed();
    // Opens the Training lab with an encoder-and-decoder comparison set up.
    void comparisonWanted();

private:
    struct WeightColumn {
        QWidget* box = nullptr;
        QLabel* title = nullptr;
        QString titleText;
        std::vector<widgets::AttentionHeatmap*> thumbs;
        widgets::AttentionHeatmap* big = nullptr;
        train::AttentionGrid grid;
        int layer = 0;
        int head = 0;
    };

    QWidget* buildMasksTab();
    QWidget* buildWeightsTab();
    QWidget* buildGenerationTab();
    QWidget* buildZeroShotTab();
    QWidget* buildLossTab();

    // Runs `work` on a worker; what it returns runs on the UI thread if no newer work of the same
    // channel started meanwhile. Errors are shown with `failed`.
    using Apply = std::function<void()>;
    void compute(int channel, std::function<Apply()> work);
    void setStatus(const QString& text, bool error = false);
    void modelsChanged();

    std::vector<std::int32_t> sentenceTokens(const train::ModelBundle* bundle) const;
    void refreshMasks();
    void updateMaskRow();
    void refreshWeights();
    void showWeightGrids(const std::vector<train::AttentionGrid>& grids, const QStringList& titles);
    void showEnlarged(int column);
    void showGeneration();
    void showFilling();
    void refreshLoss();

    const Tokenizer tokenizer_;  // the toy world's, for masks and the loss view
    std::shared_ptr<const train::ModelBundle> tinyEncoder_, tinyDecoder_, labModel_;
    Source source_ = Source::TinyModels;

    BackgroundJob* job_ = nullptr;
    std::array<quint64, 8> tickets_{};
    int running_ = 0;

    QLineEdit* sentence_ = nullptr;
    QLabel* modelStatus_ = nullptr;
    QComboBox* sourceBox_ = nullptr;
    QPushButton* trainButton_ = nullptr;
    QPushButton* labButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QLabel* status_ = nullptr;
    QTabWidget* tabs_ = nullptr;

    // Masks
    QButtonGroup* maskKinds_ = nullptr;
    QSpinBox* prefixLength_ = nullptr;
    QLabel* prefixLabel_ = nullptr;
    QPushButton* walk_ = nullptr;
    QTimer* walkTimer_ = nullptr;
    QLabel* maskCaption_ = nullptr;
    QLabel* maskNote_ = nullptr;
    std::vector<widgets::AttentionHeatmap*> maskMaps_;
    QHBoxLayout* maskMapsLayout_ = nullptr;
    std::vector<train::MaskPattern> maskPatterns_;
    std::vector<QStringList> maskRowLabels_;
    int maskRow_ = -1;

    // Weights
    QLabel* weightsHint_ = nullptr;
    QHBoxLayout* columnsLayout_ = nullptr;
    std::vector<WeightColumn> columns_;

    // Generation
    QLineEdit* prompt_ = nullptr;
    QComboBox* method_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QSpinBox* topK_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLabel* generatedView_ = nullptr;
    widgets::ScoreBars* candidates_ = nullptr;
    widgets::AttentionHeatmap* newestAttention_ = nullptr;
    std::shared_ptr<train::Generator> generator_;
    bool generating_ = false;  // a generation request is on a worker
    int queuedTokens_ = 0;     // asked for meanwhile
    bool filling_ = false;
    std::vector<std::int32_t> generatedIds_;
    std::vector<std::int32_t> promptIds_;
    QLineEdit* maskedText_ = nullptr;
    QLabel* filledView_ = nullptr;
    widgets::ScoreBars* fillCandidates_ = nullptr;
    std::shared_ptr<train::MaskFiller> filler_;
    std::vector<std::int32_t> fillStart_;
    std::vector<nn::Index> fillOrder_;

    // Zero-shot
    QLineEdit* sentimentText_ = nullptr;
    QLineEdit* positiveWord_ = nullptr;
    QLineEdit* negativeWord_ = nullptr;
    QLineEdit* question_ = nullptr;
    QLineEdit* choices_ = nullptr;
    QPlainTextEdit* sentences_ = nullptr;
    QDoubleSpinBox* threshold_ = nullptr;
    std::array<widgets::ScoreBars*, 3> zeroShotBars_{};
    std::array<QLabel*, 3> verdicts_{};

    // Loss per token
    QPlainTextEdit* lossText_ = nullptr;
    QSpinBox* lossRate_ = nullptr;
    QSpinBox* lossSeed_ = nullptr;
    QLabel* maskedView_ = nullptr;
    QLabel* nextView_ = nullptr;
    QLabel* maskedCountLabel_ = nullptr;
    QLabel* nextCountLabel_ = nullptr;
    QLabel* efficiencyNote_ = nullptr;
    int maskedCount_ = 0;
    int nextCount_ = 0;
};

}  // namespace pretrainlab::app
