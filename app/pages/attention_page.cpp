#include "app/pages/attention_page.hpp"

#include <QButtonGroup>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

#include "app/background_job.hpp"
#include "core/data/toyworld.hpp"
#include "widgets/attention_heatmap.hpp"
#include "widgets/score_bars.hpp"

namespace pretrainlab::app {
namespace {

enum Channel { WeightsChannel, GenerationChannel, FillingChannel, ZeroShotChannel };

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

QStringList labelsOf(const std::vector<std::string>& labels) {
    QStringList out;
    for (const std::string& label : labels) out << fromStd(label);
    return out;
}

QLabel* wrapped(const QString& text, bool quiet = false) {
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    if (quiet) label->setStyleSheet(QStringLiteral("color: #5a606b;"));
    return label;
}

QPushButton* button(const QString& text, const QString& name, const QString& tip = {}) {
    auto* b = new QPushButton(text);
    b->setObjectName(name);
    if (!tip.isEmpty()) b->setToolTip(tip);
    return b;
}

// A token shown as a chip in rich text.
QString chip(const QString& text, const QString& background, bool bold = false, const QString& below = {}) {
    QString html = QStringLiteral("<span style=\"background-color:%1;%2\">&nbsp;%3&nbsp;</span>")
                       .arg(background, bold ? QStringLiteral("font-weight:bold;") : QString(), text.toHtmlEscaped());
    if (!below.isEmpty()) html += QStringLiteral("<sub style=\"color:#5a606b;\">%1</sub>").arg(below.toHtmlEscaped());
    return html;
}

const QString plainChip = QStringLiteral("#eef1f6");
const QString promptChip = QStringLiteral("#e3e8f2");
const QString newChip = QStringLiteral("#c6dbef");
const QString lossChip = QStringLiteral("#fdd49e");

train::RunSettings tinyToyWorldRun(nn::Architecture architecture, std::size_t steps, double rate) {
    train::RunSettings s = train::toyWorldRun(architecture, steps, rate);
    s.toyWorldBytes = 1u << 20;
    s.trainer.threads = std::max(1u, std::thread::hardware_concurrency());
    s.trainer.seed = 1;
    return s;
}

}  // namespace

AttentionPage::AttentionPage(QWidget* parent) : QWidget(parent), tokenizer_(data::ToyWorld::tokenizer()) {
    setObjectName(QStringLiteral("attentionPage"));
    job_ = new BackgroundJob(this);

    // The sentence and where the models come from.
    sentence_ = new QLineEdit(QStringLiteral("the cats that are raised by my sister are sleeping ."));
    sentence_->setObjectName(QStringLiteral("sentence"));
    sentence_->setToolTip(tr("The sentence every view reads, tokenized by the toy world's tokenizer"));
    sourceBox_ = new QComboBox;
    sourceBox_->setObjectName(QStringLiteral("modelSource"));
    sourceBox_->addItem(tr("Tiny encoder and decoder"));
    sourceBox_->addItem(tr("The Training lab's model"));
    sourceBox_->setToolTip(tr("Which trained models the attention, generation and zero-shot views use"));
    trainButton_ = button(tr("Train tiny models"), QStringLiteral("trainTiny"),
                          tr("Pretrain a tiny BERT-style encoder and a tiny GPT-style decoder on the toy world "
                             "(about 25 seconds)"));
    labButton_ = button(tr("Take the Training lab's model"), QStringLiteral("takeLabModel"),
                        tr("A copy of the model in the Training lab as it is now"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setMaximumWidth(180);
    progress_->hide();
    cancel_ = button(tr("Cancel"), QStringLiteral("cancelTraining"));
    cancel_->hide();
    modelStatus_ = new QLabel;
    modelStatus_->setObjectName(QStringLiteral("modelStatus"));
    modelStatus_->setStyleSheet(QStringLiteral("color: #5a606b;"));

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Sentence")));
    top->addWidget(sentence_, 1);
    auto* models = new QHBoxLayout;
    models->addWidget(new QLabel(tr("Models")));
    models->addWidget(sourceBox_);
    models->addWidget(trainButton_);
    models->addWidget(labButton_);
    models->addWidget(progress_);
    models->addWidget(cancel_);
    models->addStretch(1);
    modelStatus_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never widens the window
    modelStatus_->setWordWrap(true);

    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("attentionStatus"));
    status_->setWordWrap(true);
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_->hide();

    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("attentionTabs"));
    tabs_->addTab(buildMasksTab(), tr("Masks"));
    tabs_->addTab(buildWeightsTab(), tr("Attention weights"));
    tabs_->addTab(buildGenerationTab(), tr("Generation"));
    tabs_->addTab(buildZeroShotTab(), tr("Zero-shot"));
    tabs_->addTab(buildLossTab(), tr("Loss per token"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addLayout(top);
    layout->addLayout(models);
    layout->addWidget(modelStatus_);
    layout->addWidget(status_);
    layout->addWidget(tabs_, 1);

    connect(sentence_, &QLineEdit::textChanged, this, [this] {
        refreshMasks();
        refreshWeights();
    });
    connect(sourceBox_, &QComboBox::currentIndexChanged, this, [this](int index) { setSource(Source(index)); });
    connect(trainButton_, &QPushButton::clicked, this, [this] { trainTinyModels(); });
    connect(labButton_, &QPushButton::clicked, this, &AttentionPage::labModelWanted);
    connect(cancel_, &QPushButton::clicked, job_, &BackgroundJob::cancel);
    connect(job_, &BackgroundJob::started, this, [this](const QString& what) {
        progress_->setValue(0);
        progress_->setFormat(what.section(QLatin1Char(' '), 0, 0) + QStringLiteral(" %p%"));
        progress_->show();
        cancel_->show();
        trainButton_->setEnabled(false);
    });
    connect(job_, &BackgroundJob::progressed, this,
            [this](const QString&, double fraction) { progress_->setValue(int(fraction * 1000)); });
    connect(job_, &BackgroundJob::finished, this, [this] {
        progress_->hide();
        cancel_->hide();
        trainButton_->setEnabled(true);
    });

    refreshMasks();
    refreshLoss();
    modelsChanged();
}

AttentionPage::~AttentionPage() { job_->waitForDone(); }

void AttentionPage::showView(View view) { tabs_->setCurrentIndex(int(view)); }

void AttentionPage::setSentence(const QString& sentence) { sentence_->setText(sentence); }

QString AttentionPage::sentence() const { return sentence_->text(); }

void AttentionPage::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? QStringLiteral("color: #a01818; font-weight: bold;") : QString());
    status_->setVisible(!text.isEmpty());
}

bool AttentionPage::busy() const { return running_ > 0 || job_->busy(); }

// ---- Models ------------------------------------------------------------------------------------

void AttentionPage::setTinyModels(std::shared_ptr<const train::ModelBundle> encoder,
                                  std::shared_ptr<const train::ModelBundle> decoder) {
    tinyEncoder_ = std::move(encoder);
    tinyDecoder_ = std::move(decoder);
    modelsChanged();
}

void AttentionPage::setLabModel(std::shared_ptr<const train::ModelBundle> model) {
    labModel_ = std::move(model);
    if (labModel_) {
        setStatus({});
        setSource(Source::TrainingLab);  // shows it
        return;
    }
    setStatus(tr("The Training lab has no model that reads text yet: train one there on the toy world or a "
                 "text file, then take it."), true);
    modelsChanged();
}

void AttentionPage::setSource(Source source) {
    source_ = source;
    {
        const QSignalBlocker blocker(sourceBox_);
        sourceBox_->setCurrentIndex(int(source));
    }
    modelsChanged();
    if (source == Source::TrainingLab && !labModel_) emit labModelWanted();
}

std::shared_ptr<const train::ModelBundle> AttentionPage::encoder() const {
    if (source_ == Source::TrainingLab && labModel_ && labModel_->architecture() == nn::Architecture::Encoder) {
        return labModel_;
    }
    return tinyEncoder_;
}

std::shared_ptr<const train::ModelBundle> AttentionPage::decoder() const {
    if (source_ == Source::TrainingLab && labModel_ && labModel_->architecture() == nn::Architecture::Decoder) {
        return labModel_;
    }
    return tinyDecoder_;
}

void AttentionPage::trainTinyModels(std::size_t decoderSteps, std::size_t encoderSteps) {
    setStatus({});
    job_->start(
        tr("Training a tiny encoder and a tiny decoder"),
        [this, decoderSteps, encoderSteps](const Progress& progress) -> BackgroundJob::Apply {
            std::array<std::shared_ptr<const train::ModelBundle>, 2> made;
            const std::array<nn::Architecture, 2> kinds{nn::Architecture::Encoder, nn::Architecture::Decoder};
            // The encoder learns from about 15% of its tokens: it needs more steps, and a gentler rate
            // to leave the plateau where it predicts only the frequent words.
            const std::array<std::size_t, 2> lengths{encoderSteps, decoderSteps};
            const std::array<double, 2> rates{1e-3, 2e-3};
            double done = 0;
            for (std::size_t i = 0; i < kinds.size(); ++i) {
                train::TrainingSession session(tinyToyWorldRun(kinds[i], lengths[i], rates[i]));
                double loss = 0;
                for (std::size_t k = 0; k < lengths[i]; ++k) {
                    if (progress.stopRequested()) throw Cancelled();
                    const train::StepOutcome outcome = session.step();
                    if (const auto* metrics = std::get_if<train::StepMetrics>(&outcome)) loss = metrics->loss;
                    progress(++done / double(encoderSteps + decoderSteps));
                }
                const char* name = kinds[i] == nn::Architecture::Encoder ? "tiny encoder (masked LM)" : "tiny decoder (next token)";
                made[i] = train::snapshotOf(session, std::string(name) + ", " + std::to_string(lengths[i]) +
                                                         " steps on the toy world, loss " + QString::number(loss, 'f', 2).toStdString());
            }
            return [this, made] {
                tinyEncoder_ = made[0];
                tinyDecoder_ = made[1];
                setSource(Source::TinyModels);  // shows them
            };
        },
        [this](const QString& message) { setStatus(tr("The tiny models could not be trained: %1").arg(message), true); });
}

void AttentionPage::modelsChanged() {
    QStringList parts;
    if (source_ == Source::TrainingLab) {
        parts << (labModel_ ? tr("Training lab: %1").arg(fromStd(labModel_->description))
                            : tr("The Training lab has no model with text yet: train one there (toy world or a "
                                 "text file), then take it."));
        if (labModel_ && labModel_->architecture() != nn::Architecture::Decoder && tinyDecoder_) {
            parts << tr("generation and zero-shot use the tiny decoder");
        }
    } else if (tinyEncoder_ && tinyDecoder_) {
        parts << fromStd(tinyEncoder_->description) << fromStd(tinyDecoder_->description);
    } else {
        parts << tr("No trained models yet: “Train tiny models” pretrains a small encoder and decoder here.");
    }
    modelStatus_->setText(parts.join(QStringLiteral("  ·  ")));
    refreshWeights();
    restartGeneration();
    setMaskedText(maskedText_->text());
    scoreZeroShot();
}

void AttentionPage::compute(int channel, std::function<Apply()> work) {
    const quint64 ticket = ++tickets_[std::size_t(channel)];
    ++running_;
    auto* watcher = new QFutureWatcher<Apply>(this);
    connect(watcher, &QFutureWatcher<Apply>::finished, this, [this, watcher, channel, ticket] {
        watcher->deleteLater();
        --running_;
        if (ticket != tickets_[std::size_t(channel)]) return;  // a newer request replaced it
        const Apply apply = watcher->result();
        if (apply) apply();
        emit computed();
    });
    watcher->setFuture(QtConcurrent::run([this, channel, work = std::move(work)]() -> Apply {
        try {
            return work();
        } catch (const std::exception& error) {
            // Only the returned function touches the page, on the UI thread.
            return [this, channel, message = QString::fromUtf8(error.what())] {
                if (channel == GenerationChannel) generating_ = false, queuedTokens_ = 0;
                if (channel == FillingChannel) filling_ = false;
                setStatus(message, true);
            };
        }
    }));
}

std::vector<std::int32_t> AttentionPage::sentenceTokens(const train::ModelBundle* bundle) const {
    return bundle ? bundle->encode(sentence_->text().toStdString()) : train::tokenIds(tokenizer_, sentence_->text().toStdString());
}

// ---- Masks -------------------------------------------------------------------------------------

QWidget* AttentionPage::buildMasksTab() {
    auto* page = new QWidget;
    maskKinds_ = new QButtonGroup(page);
    // The controls down the left, so that the matrices get the height.
    auto* controls = new QVBoxLayout;
    const std::array<QString, 4> names{tr("Encoder (BERT)"), tr("Decoder (GPT)"), tr("Encoder-decoder (T5)"), tr("Prefix LM")};
    const std::array<train::ModelKind, 4> values{train::ModelKind::Encoder, train::ModelKind::Decoder,
                                                 train::ModelKind::EncoderDecoder, train::ModelKind::PrefixLm};
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto* b = button(names[i], QStringLiteral("maskKind%1").arg(i));
        b->setCheckable(true);
        maskKinds_->addButton(b, int(values[i]));
        controls->addWidget(b);
    }
    maskKinds_->button(int(train::ModelKind::Decoder))->setChecked(true);
    prefixLabel_ = new QLabel(tr("Prefix length"));
    prefixLength_ = new QSpinBox;
    prefixLength_->setObjectName(QStringLiteral("prefixLength"));
    prefixLength_->setRange(1, 512);
    prefixLength_->setValue(4);
    prefixLength_->setToolTip(tr("How many first tokens see each other both ways"));
    auto* prefixRow = new QHBoxLayout;
    prefixRow->addWidget(prefixLabel_);
    prefixRow->addWidget(prefixLength_);
    controls->addLayout(prefixRow);
    walk_ = button(tr("▶ Walk the rows"), QStringLiteral("walkRows"), tr("Highlight one query row after another"));
    walk_->setCheckable(true);
    auto* previous = button(tr("◀"), QStringLiteral("previousRow"), tr("The row above"));
    auto* next = button(tr("▶"), QStringLiteral("nextRow"), tr("The row below"));
    auto* walking = new QHBoxLayout;
    walking->addWidget(previous);
    walking->addWidget(walk_, 1);
    walking->addWidget(next);
    controls->addSpacing(8);
    controls->addLayout(walking);
    maskNote_ = wrapped({}, true);
    controls->addSpacing(8);
    controls->addWidget(maskNote_);
    controls->addStretch(1);
    auto* controlsBox = new QWidget;
    controlsBox->setLayout(controls);
    controlsBox->setFixedWidth(300);

    maskCaption_ = wrapped({});
    maskCaption_->setObjectName(QStringLiteral("maskCaption"));
    QFont big = maskCaption_->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    maskCaption_->setFont(big);
    maskCaption_->setMinimumHeight(QFontMetrics(big).height() * 2 + 6);
    maskCaption_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto* maps = new QHBoxLayout;
    maskMapsLayout_ = maps;
    for (int i = 0; i < 3; ++i) {
        auto* map = new widgets::AttentionHeatmap;
        map->setObjectName(QStringLiteral("maskMap%1").arg(i));
        map->setMode(widgets::AttentionHeatmap::Mode::Mask);
        maskMaps_.push_back(map);
        maps->addWidget(map, 1);
    }
    auto* right = new QVBoxLayout;
    right->addWidget(maskCaption_);
    right->addLayout(maps, 1);

    auto* layout = new QHBoxLayout(page);
    layout->addWidget(controlsBox);
    layout->addLayout(right, 1);

    walkTimer_ = new QTimer(this);
    walkTimer_->setInterval(900);
    connect(walkTimer_, &QTimer::timeout, this, [this] {
        int rows = 0;
        for (const train::MaskPattern& p : maskPatterns_) rows = std::max(rows, int(p.queries));
        if (rows == 0) return;
        maskRow_ = (maskRow_ + 1) % rows;
        updateMaskRow();
    });
    connect(walk_, &QPushButton::toggled, this, &AttentionPage::setMaskWalking);
    connect(previous, &QPushButton::clicked, this, [this] { showMaskRow(std::max(0, maskRow_ - 1)); });
    connect(next, &QPushButton::clicked, this, [this] {
        int rows = 0;
        for (const train::MaskPattern& p : maskPatterns_) rows = std::max(rows, int(p.queries));
        showMaskRow(std::min(rows - 1, maskRow_ + 1));
    });
    connect(maskKinds_, &QButtonGroup::idClicked, this, [this] { refreshMasks(); });
    connect(prefixLength_, &QSpinBox::valueChanged, this, [this] { refreshMasks(); });
    return page;
}

void AttentionPage::setMaskKind(train::ModelKind kind) {
    maskKinds_->button(int(kind))->setChecked(true);
    refreshMasks();
}

void AttentionPage::setPrefixLength(int length) { prefixLength_->setValue(length); }

void AttentionPage::setMaskWalking(bool walking) {
    {
        const QSignalBlocker blocker(walk_);
        walk_->setChecked(walking);
    }
    walk_->setText(walking ? tr("❚❚ Pause") : tr("▶ Walk the rows"));
    if (walking) {
        if (maskRow_ < 0) {
            maskRow_ = 0;
            updateMaskRow();
        }
        walkTimer_->start();
    } else {
        walkTimer_->stop();
    }
}

void AttentionPage::showMaskRow(int row) {
    setMaskWalking(false);
    maskRow_ = row;
    updateMaskRow();
}

std::vector<widgets::AttentionHeatmap*> AttentionPage::maskHeatmaps() const {
    std::vector<widgets::AttentionHeatmap*> shown;
    for (std::size_t i = 0; i < maskPatterns_.size() && i < maskMaps_.size(); ++i) shown.push_back(maskMaps_[i]);
    return shown;
}

QString AttentionPage::maskCaption() const { return maskCaption_->text(); }

void AttentionPage::refreshMasks() {
    const auto kind = train::ModelKind(maskKinds_->checkedId());
    const std::vector<std::int32_t> tokens = sentenceTokens(nullptr);
    const auto n = static_cast<nn::Index>(tokens.size());
    prefixLabel_->setVisible(kind == train::ModelKind::PrefixLm);
    prefixLength_->setVisible(kind == train::ModelKind::PrefixLm);
    prefixLength_->setMaximum(std::max<int>(1, int(n)));

    QStringList words;
    for (const std::int32_t id : tokens) words << fromStd(tokenizer_.vocabulary().token(static_cast<TokenId>(id)));
    maskRowLabels_.clear();
    std::vector<QStringList> colLabels;
    if (kind == train::ModelKind::EncoderDecoder && n > 0) {
        nn::Index vocabulary = static_cast<nn::Index>(tokenizer_.vocabulary().size());
        const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, nn::Architecture::EncoderDecoder);
        const train::SpanExample example = train::spanExample(tokens, specials);
        const auto names = [&](const std::vector<std::int32_t>& ids) {
            QStringList out;
            for (const std::int32_t id : ids) out << fromStd(train::tokenName(static_cast<TokenId>(id), tokenizer_, specials));
            return out;
        };
        const QStringList input = names(example.encoderInput), output = names(example.decoderInput);
        maskPatterns_ = train::maskPatterns(kind, nn::Index(input.size()), nn::Index(output.size()));
        maskRowLabels_ = {input, output, output};
        colLabels = {input, output, input};
        maskNote_->setText(tr("T5 reads the sentence with a span replaced by the sentinel &lt;X_0&gt; (span "
                              "corruption). Its decoder reads &lt;s&gt; and writes the span back: &lt;X_0&gt; %1 "
                              "&lt;X_1&gt;.")
                               .arg(words.mid(int(example.spanStart), int(example.spanLength)).join(QLatin1Char(' ')).toHtmlEscaped()));
    } else {
        maskPatterns_ = n > 0 ? train::maskPatterns(kind, n, 0, std::min<nn::Index>(n, prefixLength_->value()))
                              : std::vector<train::MaskPattern>{};
        maskRowLabels_.assign(maskPatterns_.size(), words);
        colLabels.assign(maskPatterns_.size(), words);
        switch (kind) {
            case train::ModelKind::Encoder:
                maskNote_->setText(tr("BERT's encoder: every position attends to every position, before and after "
                                      "it, so it sees the whole sentence; it also reads [CLS] first and [SEP] last, "
                                      "and learns by filling masked tokens."));
                break;
            case train::ModelKind::Decoder:
                maskNote_->setText(tr("GPT's decoder: position i attends to positions 1 … i only. Decoders cannot "
                                      "look at the future, so every position can learn to predict the next token "
                                      "in one pass."));
                break;
            default:
                maskNote_->setText(tr("A prefix LM (a decoder, as in UniLM or T5's prefix-LM variant): the prefix "
                                      "attends both ways like an encoder; the rest attends causally like a "
                                      "decoder, and only it produces loss."));
                break;
        }
    }
    if (n == 0) maskNote_->setText(tr("Type a sentence above to see its masks."));
    for (std::size_t i = 0; i < maskMaps_.size(); ++i) {
        widgets::AttentionHeatmap* map = maskMaps_[i];
        map->setVisible(i < maskPatterns_.size());
        // Wider matrices get more of the width.
        if (i < maskPatterns_.size()) maskMapsLayout_->setStretch(int(i), int(maskPatterns_[i].keys) + 6);
        if (i >= maskPatterns_.size()) continue;
        const train::MaskPattern& p = maskPatterns_[i];
        std::vector<float> values(p.allowed.begin(), p.allowed.end());
        map->setMatrix(int(p.queries), int(p.keys), std::move(values), maskRowLabels_[i], colLabels[i], p.hidden());
        map->setTitle(fromStd(p.title));
        map->setAxisNames(p.decoderQueries ? tr("query (decoder position)") : tr("query (position)"),
                          p.decoderKeys || kind != train::ModelKind::EncoderDecoder ? tr("key: what it may look at")
                                                                                   : tr("key (encoder position)"));
    }
    int rows = 0;
    for (const train::MaskPattern& p : maskPatterns_) rows = std::max(rows, int(p.queries));
    if (maskRow_ >= rows) maskRow_ = rows - 1;
    updateMaskRow();
}

void AttentionPage::updateMaskRow() {
    const auto kind = train::ModelKind(maskKinds_->checkedId());
    for (std::size_t i = 0; i < maskPatterns_.size() && i < maskMaps_.size(); ++i) {
        const int rows = int(maskPatterns_[i].queries);
        maskMaps_[i]->setHighlightedRow(maskRow_ < 0 || rows == 0 ? -1 : std::min(maskRow_, rows - 1));
    }
    if (maskPatterns_.empty() || maskRow_ < 0) {
        maskCaption_->setText(tr("Each row is a query position; the blue cells are the positions it may look at. "
                                 "“Walk the rows” goes through them one by one."));
        return;
    }
    // The caption reads the row of the matrix that matters most for the kind.
    const std::size_t which = kind == train::ModelKind::EncoderDecoder ? 1 : 0;
    const train::MaskPattern& p = maskPatterns_[which];
    const int row = std::min(maskRow_, int(p.queries) - 1);
    const QStringList& labels = maskRowLabels_[which];
    QStringList seen;
    for (nn::Index k = 0; k < p.keys; ++k) {
        if (p.allows(row, k)) seen << labels.value(int(k));
    }
    const QString who = QStringLiteral("<b>“%1”</b> (position %2)").arg(labels.value(row).toHtmlEscaped()).arg(row + 1);
    const QString visible = QStringLiteral("<i>%1</i>").arg(seen.join(QLatin1Char(' ')).toHtmlEscaped());
    QString text;
    switch (kind) {
        case train::ModelKind::Encoder:
            text = tr("Encoder: %1 may look at every position, before and after it: %2").arg(who, visible);
            break;
        case train::ModelKind::Decoder:
            text = tr("Decoder: %1 may look at positions 1–%2 only: %3. It cannot look at the future.")
                       .arg(who).arg(row + 1).arg(visible);
            break;
        case train::ModelKind::PrefixLm:
            text = row < prefixLength_->value()
                       ? tr("Prefix LM: %1 is in the prefix, so it sees the whole prefix: %2").arg(who, visible)
                       : tr("Prefix LM: %1 is after the prefix, so it sees positions 1–%2: %3").arg(who).arg(row + 1).arg(visible);
            break;
        case train::ModelKind::EncoderDecoder:
            text = tr("Encoder-decoder: decoder %1 may look at the decoder's %2 and at every encoder position "
                      "through cross-attention.")
                       .arg(who, visible);
            break;
    }
    maskCaption_->setText(text);
}

// ---- Attention weights -------------------------------------------------------------------------

QWidget* AttentionPage::buildWeightsTab() {
    auto* page = new QWidget;
    weightsHint_ = wrapped({}, true);
    weightsHint_->setObjectName(QStringLiteral("weightsHint"));
    auto* holder = new QWidget;
    columnsLayout_ = new QHBoxLayout(holder);
    columnsLayout_->setContentsMargins(0, 0, 0, 0);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(weightsHint_);
    layout->addWidget(holder, 1);
    return page;
}

void AttentionPage::refreshWeights() {
    std::vector<std::shared_ptr<const train::ModelBundle>> models;
    if (source_ == Source::TrainingLab) {
        if (labModel_) models.push_back(labModel_);
    } else if (tinyEncoder_ && tinyDecoder_) {
        models = {tinyEncoder_, tinyDecoder_};
    }
    if (models.empty()) {
        showWeightGrids({}, {});
        weightsHint_->setText(source_ == Source::TrainingLab
                                  ? tr("Take the Training lab's model (above) once it has trained on text.")
                                  : tr("Train the tiny models (above, about 25 seconds) to see the attention "
                                       "weights a trained encoder and decoder compute for the sentence."));
        return;
    }
    const std::string text = sentence_->text().toStdString();
    compute(WeightsChannel, [this, models, text]() -> Apply {
        std::vector<train::AttentionGrid> grids;
        QStringList titles;
        for (const auto& model : models) {
            const std::vector<std::int32_t> tokens = model->encode(text);
            if (tokens.empty()) throw std::invalid_argument("the sentence has no tokens");
            for (train::AttentionGrid& grid : train::attentionGrids(*model, train::readSentence(*model, tokens))) {
                const char* kind = model->architecture() == nn::Architecture::Encoder   ? "Encoder"
                                   : model->architecture() == nn::Architecture::Decoder ? "Decoder"
                                                                                        : "Encoder-decoder";
                titles << QStringLiteral("%1: %2").arg(QLatin1String(kind), fromStd(grid.title));
                grids.push_back(std::move(grid));
            }
        }
        return [this, grids = std::move(grids), titles] {
            setStatus({});
            showWeightGrids(grids, titles);
        };
    });
}

void AttentionPage::showWeightGrids(const std::vector<train::AttentionGrid>& grids, const QStringList& titles) {
    // Keep the chosen heads where the shape allows.
    std::vector<std::pair<int, int>> chosen;
    for (const WeightColumn& column : columns_) chosen.emplace_back(column.layer, column.head);
    for (WeightColumn& column : columns_) column.box->deleteLater();
    columns_.clear();
    for (std::size_t i = 0; i < grids.size(); ++i) {
        WeightColumn column;
        column.grid = grids[i];
        column.layer = int(column.grid.layers) - 1;
        column.head = 0;
        if (i < chosen.size() && chosen[i].first < column.grid.layers && chosen[i].second < column.grid.heads) {
            std::tie(column.layer, column.head) = chosen[i];
        }
        column.box = new QWidget;
        auto* layout = new QVBoxLayout(column.box);
        layout->setContentsMargins(4, 0, 4, 0);
        column.title = new QLabel(titles.value(int(i)));
        QFont bold = column.title->font();
        bold.setBold(true);
        column.title->setFont(bold);
        column.title->setWordWrap(true);
        column.title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never widens the window
        layout->addWidget(column.title);
        auto* thumbs = new QGridLayout;
        thumbs->setSpacing(4);
        const auto header = [](const QString& text) {
            auto* label = new QLabel(text);
            label->setStyleSheet(QStringLiteral("color: #5a606b;"));
            label->setAlignment(Qt::AlignCenter);
            return label;
        };
        for (nn::Index h = 0; h < column.grid.heads; ++h) thumbs->addWidget(header(tr("head %1").arg(h + 1)), 0, int(h) + 1);
        for (nn::Index l = 0; l < column.grid.layers; ++l) {
            thumbs->addWidget(header(tr("L%1").arg(l + 1)), int(l) + 1, 0);
            thumbs->setRowStretch(int(l) + 1, 1);
        }
        for (nn::Index l = 0; l < column.grid.layers; ++l) {
            for (nn::Index h = 0; h < column.grid.heads; ++h) {
                auto* map = new widgets::AttentionHeatmap;
                map->setCompact(true);
                map->setObjectName(QStringLiteral("thumb%1_%2_%3").arg(i).arg(l).arg(h));
                map->setToolTip(tr("Layer %1, head %2: click to enlarge").arg(l + 1).arg(h + 1));
                const nn::Matrix<float>& w = column.grid.at(l, h);
                std::vector<float> values(w.data(), w.data() + w.size());
                map->setMatrix(int(w.rows()), int(w.cols()), std::move(values), labelsOf(column.grid.queryLabels),
                               labelsOf(column.grid.keyLabels), column.grid.mask.hidden());
                map->setMinimumSize(40, 48);
                const int index = int(i);
                const int layer = int(l), head = int(h);
                connect(map, &widgets::AttentionHeatmap::clicked, this,
                        [this, index, layer, head] { selectHead(index, layer, head); });
                thumbs->addWidget(map, int(l) + 1, int(h) + 1);
                column.thumbs.push_back(map);
            }
        }
        // The heads above, the chosen one enlarged below them.
        layout->addLayout(thumbs, 1);
        column.big = new widgets::AttentionHeatmap;
        column.big->setObjectName(QStringLiteral("enlarged%1").arg(i));
        layout->addWidget(column.big, 2);
        column.titleText = titles.value(int(i));
        columnsLayout_->addWidget(column.box, 1);
        columns_.push_back(std::move(column));
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) showEnlarged(int(i));
    if (!grids.empty()) {
        weightsHint_->setText(tr("Every layer (L) and head on the same sentence: click one to enlarge it, hover a cell "
                                 "for its weight."));
    }
}

void AttentionPage::selectHead(int column, int layer, int head) {
    if (column < 0 || column >= int(columns_.size())) return;
    const train::AttentionGrid& grid = columns_[std::size_t(column)].grid;
    if (layer < 0 || layer >= int(grid.layers) || head < 0 || head >= int(grid.heads)) return;
    columns_[std::size_t(column)].layer = layer;
    columns_[std::size_t(column)].head = head;
    showEnlarged(column);
}

void AttentionPage::showEnlarged(int index) {
    WeightColumn& column = columns_[std::size_t(index)];
    const train::AttentionGrid& grid = column.grid;
    for (std::size_t t = 0; t < column.thumbs.size(); ++t) {
        column.thumbs[t]->setSelected(int(t) == column.layer * int(grid.heads) + column.head);
    }
    const nn::Matrix<float>& w = grid.at(column.layer, column.head);
    column.big->setMatrix(int(w.rows()), int(w.cols()), std::vector<float>(w.data(), w.data() + w.size()),
                          labelsOf(grid.queryLabels), labelsOf(grid.keyLabels), grid.mask.hidden());
    column.title->setText(tr("%1 · layer %2, head %3").arg(column.titleText).arg(column.layer + 1).arg(column.head + 1));
    column.big->setAxisNames(tr("query"), tr("key: what it attends to"));
}

std::vector<widgets::AttentionHeatmap*> AttentionPage::thumbnails(int column) const {
    return columns_.at(std::size_t(column)).thumbs;
}

widgets::AttentionHeatmap* AttentionPage::enlarged(int column) const { return columns_.at(std::size_t(column)).big; }

const train::AttentionGrid& AttentionPage::weightGrid(int column) const { return columns_.at(std::size_t(column)).grid; }

// ---- Generation --------------------------------------------------------------------------------

QWidget* AttentionPage::buildGenerationTab() {
    auto* page = new QWidget;

    auto* gpt = new QGroupBox(tr("GPT: generate the next token, again and again"));
    prompt_ = new QLineEdit(QStringLiteral("the boy lost his keys , so he"));
    prompt_->setObjectName(QStringLiteral("prompt"));
    method_ = new QComboBox;
    method_->setObjectName(QStringLiteral("method"));
    method_->addItem(tr("Greedy"));
    method_->addItem(tr("Sample"));
    temperature_ = new QDoubleSpinBox;
    temperature_->setObjectName(QStringLiteral("temperature"));
    temperature_->setRange(0.05, 5.0);
    temperature_->setSingleStep(0.1);
    temperature_->setValue(1.0);
    temperature_->setToolTip(tr("Divides the logits: below 1 sharper, above 1 flatter"));
    topK_ = new QSpinBox;
    topK_->setObjectName(QStringLiteral("topK"));
    topK_->setRange(0, 1000);
    topK_->setValue(10);
    topK_->setSpecialValueText(tr("all"));
    topK_->setToolTip(tr("Sample among the k most likely tokens only"));
    seed_ = new QSpinBox;
    seed_->setObjectName(QStringLiteral("seed"));
    seed_->setRange(0, 1'000'000);
    seed_->setValue(1);
    auto* settings = new QHBoxLayout;
    settings->addWidget(method_);
    settings->addWidget(new QLabel(tr("temperature")));
    settings->addWidget(temperature_);
    settings->addWidget(new QLabel(tr("top-k")));
    settings->addWidget(topK_);
    settings->addWidget(new QLabel(tr("seed")));
    settings->addWidget(seed_);
    settings->addStretch(1);
    auto* nextToken = button(tr("Next token"), QStringLiteral("nextToken"));
    auto* tenTokens = button(tr("10 tokens"), QStringLiteral("tenTokens"));
    auto* restart = button(tr("Restart"), QStringLiteral("restartGeneration"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(nextToken);
    buttons->addWidget(tenTokens);
    buttons->addWidget(restart);
    buttons->addStretch(1);
    generatedView_ = wrapped({});
    generatedView_->setObjectName(QStringLiteral("generated"));
    generatedView_->setMinimumHeight(generatedView_->fontMetrics().height() * 2 + 8);
    candidates_ = new widgets::ScoreBars;
    candidates_->setObjectName(QStringLiteral("candidates"));
    newestAttention_ = new widgets::AttentionHeatmap;
    newestAttention_->setObjectName(QStringLiteral("newestAttention"));
    newestAttention_->setMinimumHeight(newestAttention_->fontMetrics().height() * 5);
    auto* gptLayout = new QVBoxLayout(gpt);
    gptLayout->addWidget(prompt_);
    gptLayout->addLayout(settings);
    gptLayout->addLayout(buttons);
    gptLayout->addWidget(generatedView_);
    gptLayout->addWidget(candidates_, 1);
    gptLayout->addWidget(newestAttention_, 0);

    auto* bert = new QGroupBox(tr("BERT: how to generate text from it?"));
    maskedText_ = new QLineEdit(QStringLiteral("the boy lost his keys , so he [MASK] [MASK] ."));
    maskedText_->setObjectName(QStringLiteral("maskedText"));
    auto* fill = button(tr("Fill one [MASK]"), QStringLiteral("fillMask"));
    auto* again = button(tr("Restart"), QStringLiteral("restartFilling"));
    auto* fillButtons = new QHBoxLayout;
    fillButtons->addWidget(fill);
    fillButtons->addWidget(again);
    fillButtons->addStretch(1);
    filledView_ = wrapped({});
    filledView_->setObjectName(QStringLiteral("filled"));
    filledView_->setMinimumHeight(filledView_->fontMetrics().height() * 2 + 8);
    fillCandidates_ = new widgets::ScoreBars;
    fillCandidates_->setObjectName(QStringLiteral("fillCandidates"));
    auto* awkward = wrapped(tr("Awkward: BERT learned to fill about 15% of a text, not to write one. The length "
                               "(how many [MASK]s) and an order (here: most confident first) must be chosen; "
                               "each token costs a pass over the whole text."),
                            true);
    auto* bertLayout = new QVBoxLayout(bert);
    bertLayout->addWidget(maskedText_);
    bertLayout->addLayout(fillButtons);
    bertLayout->addWidget(filledView_);
    bertLayout->addWidget(fillCandidates_, 3);
    bertLayout->addWidget(awkward);
    bertLayout->addStretch(1);

    auto* layout = new QHBoxLayout(page);
    layout->addWidget(gpt, 3);
    layout->addWidget(bert, 2);

    connect(nextToken, &QPushButton::clicked, this, [this] { generate(1); });
    connect(tenTokens, &QPushButton::clicked, this, [this] { generate(10); });
    connect(restart, &QPushButton::clicked, this, &AttentionPage::restartGeneration);
    connect(prompt_, &QLineEdit::textChanged, this, &AttentionPage::restartGeneration);
    for (QWidget* w : std::initializer_list<QWidget*>{method_, temperature_, topK_, seed_}) {
        if (auto* box = qobject_cast<QComboBox*>(w)) connect(box, &QComboBox::currentIndexChanged, this, &AttentionPage::restartGeneration);
        if (auto* spin = qobject_cast<QSpinBox*>(w)) connect(spin, &QSpinBox::valueChanged, this, &AttentionPage::restartGeneration);
        if (auto* spin = qobject_cast<QDoubleSpinBox*>(w)) connect(spin, &QDoubleSpinBox::valueChanged, this, &AttentionPage::restartGeneration);
    }
    connect(method_, &QComboBox::currentIndexChanged, this, [this](int index) {
        temperature_->setEnabled(index == 1);
        topK_->setEnabled(index == 1);
        seed_->setEnabled(index == 1);
    });
    temperature_->setEnabled(false);
    topK_->setEnabled(false);
    seed_->setEnabled(false);
    connect(fill, &QPushButton::clicked, this, &AttentionPage::fillOneMask);
    connect(again, &QPushButton::clicked, this, [this] { setMaskedText(maskedText_->text()); });
    connect(maskedText_, &QLineEdit::textChanged, this, &AttentionPage::setMaskedText);
    return page;
}

void AttentionPage::setPrompt(const QString& prompt) { prompt_->setText(prompt); }

void AttentionPage::setSampling(double temperature, int topK, quint64 seed) {
    method_->setCurrentIndex(temperature > 0 ? 1 : 0);
    if (temperature > 0) temperature_->setValue(temperature);
    topK_->setValue(topK);
    seed_->setValue(int(seed));
    restartGeneration();
}

void AttentionPage::restartGeneration() {
    ++tickets_[GenerationChannel];  // drops a generation still running
    generating_ = false;
    queuedTokens_ = 0;
    generator_.reset();
    generatedIds_.clear();
    newestAttention_->clear();
    newestAttention_->setTitle({});
    const auto model = decoder();
    if (!model) {
        generatedView_->setText(tr("<i>Train the tiny models (or take a decoder from the Training lab) to generate.</i>"));
        candidates_->setMessage({});
        return;
    }
    promptIds_ = model->encode(prompt_->text().toStdString());
    if (promptIds_.empty()) {
        generatedView_->setText(tr("<i>Type a prompt for the decoder to continue.</i>"));
        candidates_->setMessage({});
        return;
    }
    train::SamplingOptions options;
    options.temperature = method_->currentIndex() == 1 ? temperature_->value() : 0.0;
    options.topK = method_->currentIndex() == 1 ? topK_->value() : 0;
    options.seed = static_cast<std::uint64_t>(seed_->value());
    options.shown = 6;
    generator_ = std::make_shared<train::Generator>(model, promptIds_, options);
    showGeneration();
    candidates_->setMessage(tr("“Next token” asks the decoder for a probability over its text tokens, and "
                               "picks one (the most likely, or a sample)."));
}

void AttentionPage::generate(int count) {
    if (!generator_ || count <= 0) return;
    if (generating_) {  // one request at a time: clicks meanwhile add to the next one
        queuedTokens_ += count;
        return;
    }
    generating_ = true;
    const auto start = std::make_shared<train::Generator>(*generator_);  // the worker steps a copy
    compute(GenerationChannel, [this, start, count]() -> Apply {
        std::vector<train::GeneratedToken> made;
        for (int i = 0; i < count; ++i) made.push_back(start->next());
        return [this, start, made] {
            generating_ = false;
            generator_ = start;
            for (const train::GeneratedToken& token : made) generatedIds_.push_back(token.id);
            const train::GeneratedToken& last = made.back();
            QStringList labels;
            std::vector<double> values;
            int marked = -1;
            for (const train::Prediction& p : last.candidates) {
                if (fromStd(p.token) == fromStd(last.text)) marked = int(labels.size());
                labels << fromStd(p.token);
                values.push_back(p.probability);
            }
            candidates_->setBars(labels, values, marked);
            candidates_->setTitle(tr("Step %1: drew “%2” (%3%)")
                                      .arg(generatedIds_.size())
                                      .arg(fromStd(last.text))
                                      .arg(last.probability * 100.0, 0, 'f', 1));
            newestAttention_->setMatrix(1, int(last.attention.size()), last.attention,
                                        {fromStd(last.keyLabels.empty() ? std::string() : last.keyLabels.back())},
                                        labelsOf(last.keyLabels));
            newestAttention_->setTitle(tr("Where “%1” looked (last layer, mean of heads)")
                                           .arg(fromStd(last.keyLabels.empty() ? std::string() : last.keyLabels.back())));
            showGeneration();
            if (queuedTokens_ > 0) {
                const int more = std::exchange(queuedTokens_, 0);
                generate(more);
            }
        };
    });
}

void AttentionPage::showGeneration() {
    const auto model = decoder();
    if (!model || !generator_) return;
    QString html;
    for (const std::int32_t id : promptIds_) html += chip(fromStd(model->name(id)), promptChip) + QLatin1Char(' ');
    for (std::size_t i = 0; i < generatedIds_.size(); ++i) {
        const bool newest = i + 1 == generatedIds_.size();
        html += chip(fromStd(model->name(generatedIds_[i])), newest ? QStringLiteral("#6baed6") : newChip, newest) +
                QLatin1Char(' ');
    }
    generatedView_->setText(html);
}

QString AttentionPage::generatedText() const {
    const auto model = decoder();
    QStringList words;
    if (model) {
        for (const std::int32_t id : generatedIds_) words << fromStd(model->name(id));
    }
    return words.join(QLatin1Char(' '));
}

void AttentionPage::setMaskedText(const QString& text) {
    if (maskedText_->text() != text) {
        maskedText_->setText(text);  // comes back here through textChanged
        return;
    }
    ++tickets_[FillingChannel];
    filling_ = false;
    filler_.reset();
    fillOrder_.clear();
    fillCandidates_->setMessage({});
    const auto model = encoder();
    if (!model) {
        filledView_->setText(tr("<i>Train the tiny models (or take an encoder from the Training lab) to fill [MASK]s.</i>"));
        return;
    }
    // [MASK] as typed becomes the encoder's mask token; the rest goes through the tokenizer.
    std::vector<std::int32_t> tokens;
    const QStringList pieces = text.split(QStringLiteral("[MASK]"));
    for (int i = 0; i < pieces.size(); ++i) {
        const std::vector<std::int32_t> ids = model->encode(pieces[i].toStdString());
        tokens.insert(tokens.end(), ids.begin(), ids.end());
        if (i + 1 < pieces.size()) tokens.push_back(model->specials.mask);
    }
    try {
        filler_ = std::make_shared<train::MaskFiller>(model, tokens, 5);
    } catch (const std::exception& error) {
        filledView_->setText(QStringLiteral("<i>%1</i>").arg(QString::fromUtf8(error.what()).toHtmlEscaped()));
        return;
    }
    fillStart_ = tokens;
    showFilling();
    if (filler_->done()) fillCandidates_->setMessage(tr("Put [MASK] where the encoder should fill in a token."));
}

void AttentionPage::fillOneMask() {
    if (!filler_ || filler_->done() || filling_) return;
    filling_ = true;
    const auto start = std::make_shared<train::MaskFiller>(*filler_);
    compute(FillingChannel, [this, start]() -> Apply {
        const train::FilledToken filled = start->next();
        return [this, start, filled] {
            filling_ = false;
            filler_ = start;
            fillOrder_.push_back(filled.position);
            QStringList labels;
            std::vector<double> values;
            for (const train::Prediction& p : filled.candidates) {
                labels << fromStd(p.token);
                values.push_back(p.probability);
            }
            fillCandidates_->setBars(labels, values, 0);
            fillCandidates_->setTitle(tr("Position %1 first: “%2” (%3%)")
                                          .arg(filled.position + 1)
                                          .arg(fromStd(filled.text))
                                          .arg(filled.probability * 100.0, 0, 'f', 1));
            showFilling();
        };
    });
}

void AttentionPage::showFilling() {
    const auto model = encoder();
    if (!model || !filler_) return;
    QString html = chip(QStringLiteral("[CLS]"), plainChip) + QLatin1Char(' ');
    const std::vector<std::int32_t>& now = filler_->tokens();
    for (std::size_t i = 0; i < now.size(); ++i) {
        const auto position = static_cast<nn::Index>(i);
        const auto order = std::find(fillOrder_.begin(), fillOrder_.end(), position);
        const bool filled = order != fillOrder_.end();
        const bool open = now[i] == model->specials.mask;
        const QString colour = filled ? (order + 1 == fillOrder_.end() ? QStringLiteral("#6baed6") : newChip)
                                      : open ? lossChip : plainChip;
        html += chip(fromStd(model->name(now[i])), colour, filled || open,
                     filled ? QString::number(order - fillOrder_.begin() + 1) : QString()) +
                QLatin1Char(' ');
    }
    html += chip(QStringLiteral("[SEP]"), plainChip);
    filledView_->setText(html);
}

QString AttentionPage::filledText() const {
    const auto model = encoder();
    QStringList words;
    if (model && filler_) {
        for (const std::int32_t id : filler_->tokens()) words << fromStd(model->name(id));
    }
    return words.join(QLatin1Char(' '));
}

// ---- Zero-shot ---------------------------------------------------------------------------------

QWidget* AttentionPage::buildZeroShotTab() {
    auto* page = new QWidget;
    const auto box = [](const QString& title, const QString& explanation) {
        auto* group = new QGroupBox(title);
        auto* layout = new QVBoxLayout(group);
        layout->addWidget(wrapped(explanation, true));
        return group;
    };
    auto* sentiment = box(tr("Sentiment"), tr("Which continuation is more likely, the positive word or the "
                                              "negative one? log p(word | text) decides."));
    sentimentText_ = new QLineEdit(QStringLiteral("the boy found his dog , so he is"));
    sentimentText_->setObjectName(QStringLiteral("sentimentText"));
    positiveWord_ = new QLineEdit(QStringLiteral("happy"));
    positiveWord_->setObjectName(QStringLiteral("positiveWord"));
    negativeWord_ = new QLineEdit(QStringLiteral("sad"));
    negativeWord_->setObjectName(QStringLiteral("negativeWord"));
    auto* words = new QFormLayout;
    words->addRow(tr("Text"), sentimentText_);
    words->addRow(tr("Positive"), positiveWord_);
    words->addRow(tr("Negative"), negativeWord_);
    static_cast<QVBoxLayout*>(sentiment->layout())->addLayout(words);

    auto* choice = box(tr("Multiple choice"), tr("Each answer appended to the question; the answer with the "
                                                 "highest log-probability wins."));
    question_ = new QLineEdit(QStringLiteral("the capital of velland is"));
    question_->setObjectName(QStringLiteral("question"));
    choices_ = new QLineEdit(QStringLiteral("dorima, elsin, mirren, torvik"));
    choices_->setObjectName(QStringLiteral("choices"));
    auto* choiceForm = new QFormLayout;
    choiceForm->addRow(tr("Question"), question_);
    choiceForm->addRow(tr("Answers"), choices_);
    static_cast<QVBoxLayout*>(choice->layout())->addLayout(choiceForm);

    auto* acceptable = box(tr("Acceptability"), tr("A sentence is accepted when its mean log-probability per token "
                                                   "(from the second token on) is above the threshold."));
    sentences_ = new QPlainTextEdit(QStringLiteral("the cats that are raised by my sister are sleeping .\n"
                                                   "the cats that are raised by my sister is sleeping .\n"
                                                   "sleeping sister the are my by cats raised ."));
    sentences_->setObjectName(QStringLiteral("sentences"));
    sentences_->setMaximumHeight(sentences_->fontMetrics().height() * 5);
    threshold_ = new QDoubleSpinBox;
    threshold_->setObjectName(QStringLiteral("threshold"));
    threshold_->setRange(-50, 0);
    threshold_->setSingleStep(0.25);
    threshold_->setValue(-1.2);
    auto* thresholdRow = new QFormLayout;
    thresholdRow->addRow(tr("Sentences (one a line)"), sentences_);
    thresholdRow->addRow(tr("Threshold"), threshold_);
    static_cast<QVBoxLayout*>(acceptable->layout())->addLayout(thresholdRow);

    const std::array<QGroupBox*, 3> groups{sentiment, choice, acceptable};
    for (std::size_t i = 0; i < groups.size(); ++i) {
        zeroShotBars_[i] = new widgets::ScoreBars;
        zeroShotBars_[i]->setObjectName(QStringLiteral("zeroShot%1").arg(i));
        zeroShotBars_[i]->setKind(widgets::ScoreBars::Kind::LogProbability);
        verdicts_[i] = wrapped({});
        auto* layout = static_cast<QVBoxLayout*>(groups[i]->layout());
        layout->addWidget(zeroShotBars_[i], 1);
        layout->addWidget(verdicts_[i]);
    }
    auto* score = button(tr("Score"), QStringLiteral("scoreZeroShot"), tr("Score again with the current decoder"));
    auto* intro = wrapped(tr("Zero-shot prediction, as in GPT-2: no finetuning, the decoder only scores texts. "
                             "Each number sums the model's log-probabilities of the tokens, log p(w<sub>i</sub> | "
                             "w<sub>1</sub> … w<sub>i−1</sub>) (acceptability: their mean per token)."),
                          true);
    auto* head = new QHBoxLayout;
    head->addWidget(intro, 1);
    head->addWidget(score);
    auto* row = new QHBoxLayout;
    for (QGroupBox* group : groups) row->addWidget(group, 1);
    auto* layout = new QVBoxLayout(page);
    layout->addLayout(head);
    layout->addLayout(row, 1);

    connect(score, &QPushButton::clicked, this, &AttentionPage::scoreZeroShot);
    for (QLineEdit* edit : {sentimentText_, positiveWord_, negativeWord_, question_, choices_}) {
        connect(edit, &QLineEdit::editingFinished, this, &AttentionPage::scoreZeroShot);
    }
    connect(threshold_, &QDoubleSpinBox::valueChanged, this, &AttentionPage::scoreZeroShot);
    return page;
}

void AttentionPage::scoreZeroShot() {
    const auto model = decoder();
    if (!model) {
        for (std::size_t i = 0; i < zeroShotBars_.size(); ++i) {
            zeroShotBars_[i]->setMessage(tr("Needs a decoder: train the tiny models, or take a decoder from the "
                                            "Training lab."));
            verdicts_[i]->clear();
        }
        return;
    }
    struct Request {
        std::string sentiment, positive, negative, question;
        std::vector<std::string> choices, sentences;
        double threshold = 0;
    } request;
    request.sentiment = sentimentText_->text().toStdString();
    request.positive = positiveWord_->text().trimmed().toStdString();
    request.negative = negativeWord_->text().trimmed().toStdString();
    request.question = question_->text().toStdString();
    for (const QString& c : choices_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!c.trimmed().isEmpty()) request.choices.push_back(c.trimmed().toStdString());
    }
    for (const QString& s : sentences_->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (!s.trimmed().isEmpty()) request.sentences.push_back(s.trimmed().toStdString());
    }
    request.threshold = threshold_->value();
    compute(ZeroShotChannel, [this, model, request]() -> Apply {
        struct Scored {
            QStringList labels;
            std::vector<double> values;
            QString verdict;
            int best = -1;
        };
        std::array<Scored, 3> out;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        // The continuation's tokens as they come in running text after the context (with its
        // space, for byte-level BPE), when the context's tokens are a prefix of the whole's.
        const auto score = [&](const std::string& context, const std::string& continuation) {
            try {
                const std::vector<std::int32_t> before = model->encode(context);
                const std::vector<std::int32_t> whole = model->encode(context + " " + continuation);
                std::vector<std::int32_t> ids;
                if (whole.size() > before.size() && std::equal(before.begin(), before.end(), whole.begin())) {
                    ids.assign(whole.begin() + std::ptrdiff_t(before.size()), whole.end());
                } else {
                    ids = model->encode(continuation);
                }
                if (ids.empty()) return nan;
                return train::scoreContinuation(*model, before, ids).logProbability;
            } catch (const std::exception&) {
                return nan;  // too long for the model, or not text it can read: no bar
            }
        };
        const auto best = [](const std::vector<double>& values) {
            int at = -1;
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (std::isfinite(values[i]) && (at < 0 || values[i] > values[std::size_t(at)])) at = int(i);
            }
            return at;
        };
        // Sentiment
        out[0].labels << fromStd(request.positive) << fromStd(request.negative);
        out[0].values = {score(request.sentiment, request.positive), score(request.sentiment, request.negative)};
        out[0].best = best(out[0].values);
        if (out[0].best >= 0 && std::isfinite(out[0].values[0]) && std::isfinite(out[0].values[1])) {
            out[0].verdict = out[0].best == 0 ? QObject::tr("→ <b>positive</b>: “%1” is more likely by a factor of %2")
                                              : QObject::tr("→ <b>negative</b>: “%1” is more likely by a factor of %2");
            out[0].verdict = out[0].verdict.arg(out[0].labels[out[0].best].toHtmlEscaped())
                                 .arg(std::exp(std::abs(out[0].values[0] - out[0].values[1])), 0, 'f', 1);
        }
        // Multiple choice
        for (const std::string& c : request.choices) {
            out[1].labels << fromStd(c);
            out[1].values.push_back(score(request.question, c));
        }
        out[1].best = best(out[1].values);
        if (out[1].best >= 0) out[1].verdict = QObject::tr("→ <b>%1</b>").arg(out[1].labels[out[1].best].toHtmlEscaped());
        // Acceptability: mean log-probability per token of each sentence on its own.
        int acceptedCount = 0;
        for (const std::string& s : request.sentences) {
            double mean = nan;
            try {
                const train::ContinuationScore scored = train::scoreContinuation(*model, {}, model->encode(s));
                if (!scored.tokens.empty()) mean = scored.mean();
            } catch (const std::exception&) {
                // longer than the model reads: left without a bar
            }
            const bool accepted = std::isfinite(mean) && mean >= request.threshold;
            out[2].labels << (accepted ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + fromStd(s);
            out[2].values.push_back(mean);
            acceptedCount += accepted ? 1 : 0;
        }
        out[2].best = best(out[2].values);
        out[2].verdict = QObject::tr("%1 of %2 accepted (✓) at the threshold, the dashed line")
                             .arg(acceptedCount).arg(request.sentences.size());
        return [this, out] {
            setStatus({});
            const std::array<QString, 3> titles{tr("log p(word | text)"), tr("log p(answer | question)"),
                                                tr("mean log p per token")};
            for (std::size_t i = 0; i < out.size(); ++i) {
                zeroShotBars_[i]->setBars(out[i].labels, out[i].values, out[i].best);
                zeroShotBars_[i]->setTitle(titles[i]);
                verdicts_[i]->setText(out[i].verdict);
            }
            zeroShotBars_[2]->setThreshold(threshold_->value(), true);
        };
    });
}

// ---- Loss per token ----------------------------------------------------------------------------

QWidget* AttentionPage::buildLossTab() {
    auto* page = new QWidget;
    lossText_ = new QPlainTextEdit(QStringLiteral("the cats that are raised by my sister are sleeping .\n"
                                                  "jane is happy that john invited her friends to his birthday party .\n"
                                                  "the capital of velland is dorima ."));
    lossText_->setObjectName(QStringLiteral("lossText"));
    lossText_->setMaximumHeight(lossText_->fontMetrics().height() * 4 + 12);
    lossRate_ = new QSpinBox;
    lossRate_->setObjectName(QStringLiteral("lossRate"));
    lossRate_->setRange(1, 100);
    lossRate_->setValue(15);
    lossRate_->setSuffix(QStringLiteral("%"));
    lossRate_->setToolTip(tr("The share of tokens BERT picks to predict"));
    lossSeed_ = new QSpinBox;
    lossSeed_->setObjectName(QStringLiteral("lossSeed"));
    lossSeed_->setRange(0, 1'000'000);
    lossSeed_->setValue(1);
    auto* redraw = button(tr("Pick again"), QStringLiteral("pickAgain"), tr("Another random choice of masked tokens"));
    auto* compare = button(tr("Compare in the Training lab"), QStringLiteral("compareInLab"),
                           tr("Runs a tiny encoder and then a tiny decoder with the same corpus, sizes and seed, the loss "
                              "plotted against the tokens that produced loss"));
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Mask rate")));
    controls->addWidget(lossRate_);
    controls->addWidget(new QLabel(tr("seed")));
    controls->addWidget(lossSeed_);
    controls->addWidget(redraw);
    controls->addStretch(1);
    controls->addWidget(compare);

    QFont big = font();
    big.setBold(true);
    maskedCountLabel_ = new QLabel;
    maskedCountLabel_->setObjectName(QStringLiteral("maskedCount"));
    maskedCountLabel_->setFont(big);
    maskedView_ = wrapped({});
    maskedView_->setObjectName(QStringLiteral("maskedView"));
    nextCountLabel_ = new QLabel;
    nextCountLabel_->setObjectName(QStringLiteral("nextCount"));
    nextCountLabel_->setFont(big);
    nextView_ = wrapped({});
    nextView_->setObjectName(QStringLiteral("nextView"));
    efficiencyNote_ = wrapped({}, true);

    auto* inner = new QWidget;
    auto* innerLayout = new QVBoxLayout(inner);
    innerLayout->addWidget(maskedCountLabel_);
    innerLayout->addWidget(maskedView_);
    innerLayout->addSpacing(10);
    innerLayout->addWidget(nextCountLabel_);
    innerLayout->addWidget(nextView_);
    innerLayout->addSpacing(10);
    innerLayout->addWidget(efficiencyNote_);
    innerLayout->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto* layout = new QVBoxLayout(page);
    layout->addWidget(lossText_);
    layout->addLayout(controls);
    layout->addWidget(scroll, 1);

    connect(lossText_, &QPlainTextEdit::textChanged, this, &AttentionPage::refreshLoss);
    connect(lossRate_, &QSpinBox::valueChanged, this, &AttentionPage::refreshLoss);
    connect(lossSeed_, &QSpinBox::valueChanged, this, &AttentionPage::refreshLoss);
    connect(redraw, &QPushButton::clicked, this, [this] { lossSeed_->setValue(lossSeed_->value() + 1); });
    connect(compare, &QPushButton::clicked, this, &AttentionPage::comparisonWanted);
    return page;
}

void AttentionPage::setLossText(const QString& text) { lossText_->setPlainText(text); }

void AttentionPage::refreshLoss() {
    // Masking a few sentences is quick enough for the UI thread (no model runs here).
    const std::vector<std::int32_t> tokens = train::tokenIds(tokenizer_, lossText_->toPlainText().toStdString());
    const train::LossTokens loss = train::lossTokens(tokens, tokenizer_, lossRate_->value() / 100.0,
                                                     static_cast<std::uint64_t>(lossSeed_->value()));
    maskedCount_ = int(loss.maskedCount);
    nextCount_ = int(loss.nextTokenCount);
    const int n = int(loss.text.size());
    const auto share = [n](int count) { return n ? 100.0 * count / n : 0.0; };
    maskedCountLabel_->setText(tr("Masked LM (BERT): %1 of %2 tokens produce loss (%3%)")
                                   .arg(maskedCount_).arg(n).arg(share(maskedCount_), 0, 'f', 1));
    nextCountLabel_->setText(tr("Next token (GPT): %1 of %2 tokens produce loss (%3%)")
                                 .arg(nextCount_).arg(n).arg(share(nextCount_), 0, 'f', 1));
    QString masked = chip(QStringLiteral("[CLS]"), plainChip) + QLatin1Char(' ');
    QString next;
    for (int i = 0; i < n; ++i) {
        const QString word = fromStd(loss.text[std::size_t(i)]);
        if (loss.masked[std::size_t(i)]) {
            masked += chip(fromStd(loss.maskedInput[std::size_t(i)]), lossChip, true, word) + QLatin1Char(' ');
        } else {
            masked += chip(word, plainChip) + QLatin1Char(' ');
        }
        next += chip(word, i == 0 ? plainChip : lossChip, false) + QLatin1Char(' ');
    }
    masked += chip(QStringLiteral("[SEP]"), plainChip);
    maskedView_->setText(masked);
    nextView_->setText(next);
    efficiencyNote_->setText(
        tr("Orange tokens produce loss. BERT's encoder reads what is shown (picked tokens become [MASK] 80% of the "
           "time, a random token 10%, stay 10%; the small word is the token it must predict) and learns from "
           "the picked ones only. GPT's decoder predicts every token after the first from those before it. For the same tokens "
           "read, the decoder gets about %1× as many predictions to learn from; “Compare in the Training lab” "
           "runs both and plots their loss against the tokens that produced it.")
            .arg(maskedCount_ ? double(nextCount_) / maskedCount_ : 0.0, 0, 'f', 1));
}

}  // namespace pretrainlab::app
