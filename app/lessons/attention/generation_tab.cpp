#include "app/lessons/attention/generation_tab.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <stdexcept>
#include <algorithm>
#include <utility>

#include "app/jobs/latest_job.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/attention_heatmap.hpp"
#include "widgets/score_bars.hpp"
#include "widgets/row_reflow.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

QPushButton* button(const QString& text, const char* name) {
    auto* b = new QPushButton(text);
    b->setObjectName(QLatin1String(name));
    return b;
}

}  // namespace

GenerationTab::GenerationTab(AttentionState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("generationTab"));
    generation_ = new LatestJob(this);
    filling_ = new LatestJob(this);

    // GPT's generation beside BERT's filling, or above it where the page is too narrow for both.
    auto* layout = new QBoxLayout(QBoxLayout::LeftToRight, this);
    layout->addWidget(buildGenerator(), 3);
    layout->addWidget(buildFiller(), 2);
    widgets::stackWhenNarrow(this, layout);

    connect(prompt_, &QLineEdit::textChanged, this, &GenerationTab::restartGeneration);
    connect(method_, &QComboBox::currentIndexChanged, this, &GenerationTab::restartGeneration);
    connect(temperature_, &QDoubleSpinBox::valueChanged, this, &GenerationTab::restartGeneration);
    connect(topK_, &QSpinBox::valueChanged, this, &GenerationTab::restartGeneration);
    connect(seed_, &QSpinBox::valueChanged, this, &GenerationTab::restartGeneration);
    connect(method_, &QComboBox::currentIndexChanged, this, [this](int index) {
        temperature_->setEnabled(index == 1);
        topK_->setEnabled(index == 1);
        seed_->setEnabled(index == 1);
    });
    temperature_->setEnabled(false);
    topK_->setEnabled(false);
    seed_->setEnabled(false);
    connect(maskedText_, &QLineEdit::textChanged, this, &GenerationTab::restartFilling);
    connect(&state_, &AttentionState::modelsChanged, this, [this] {
        followModels();
        restartGeneration();
        restartFilling();
    });
    followModels();
    restartGeneration();
    restartFilling();
}

void GenerationTab::followModels() {
    // A real GPT-2 or BERT starts from the lecture's English, a tiny model from the toy world's
    // words (unless the text is the user's own).
    const bool decoderReal = state_.isReal(state_.decoder()), encoderReal = state_.isReal(state_.encoder());
    const auto follow = [this](QLineEdit* edit, const QString& key, bool wasReal, bool real) {
        const QString text = state_.followDefault(edit->text(), key, wasReal, real);
        const QSignalBlocker quiet(edit);  // the caller restarts
        if (text != edit->text()) edit->setText(text);
    };
    follow(prompt_, QStringLiteral("prompt"), decoderReal_, decoderReal);
    follow(maskedText_, QStringLiteral("masked"), encoderReal_, encoderReal);
    decoderReal_ = decoderReal;
    encoderReal_ = encoderReal;
}

QGroupBox* GenerationTab::buildGenerator() {
    const QJsonObject& texts = state_.texts();
    auto* gpt = new QGroupBox(tr("GPT: generate the next token, again and again"));
    prompt_ = new QLineEdit(texts.value(QLatin1String("prompt")).toString());
    prompt_->setObjectName(QStringLiteral("prompt"));
    prompt_->setAccessibleName(tr("Prompt"));
    method_ = new QComboBox;
    method_->setObjectName(QStringLiteral("method"));
    method_->setAccessibleName(tr("Decoding"));
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
    auto* settings = new QBoxLayout(QBoxLayout::LeftToRight);
    settings->addWidget(method_);
    settings->addLayout(widgets::labelledField(tr("temperature"), temperature_));
    settings->addLayout(widgets::labelledField(tr("top-k"), topK_));
    settings->addLayout(widgets::labelledField(tr("seed"), seed_));
    settings->addStretch(1);
    widgets::stackWhenNarrow(this, settings);
    auto* nextToken = button(tr("Next token"), "nextToken");
    auto* tenTokens = button(tr("10 tokens"), "tenTokens");
    auto* restart = button(tr("Restart"), "restartGeneration");
    connect(nextToken, &QPushButton::clicked, this, [this] { generate(1); });
    connect(tenTokens, &QPushButton::clicked, this, [this] { generate(10); });
    connect(restart, &QPushButton::clicked, this, &GenerationTab::restartGeneration);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(nextToken);
    buttons->addWidget(tenTokens);
    buttons->addWidget(restart);
    buttons->addStretch(1);
    generatedView_ = wrappedLabel({});
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

    return gpt;
}

QGroupBox* GenerationTab::buildFiller() {
    const QJsonObject& texts = state_.texts();
    auto* bert = new QGroupBox(tr("BERT: how to generate text from it?"));
    maskedText_ = new QLineEdit(texts.value(QLatin1String("masked")).toString());
    maskedText_->setObjectName(QStringLiteral("maskedText"));
    maskedText_->setAccessibleName(tr("Text with [MASK] positions"));
    auto* fill = button(tr("Fill one [MASK]"), "fillMask");
    auto* again = button(tr("Restart"), "restartFilling");
    connect(fill, &QPushButton::clicked, this, &GenerationTab::fillOneMask);
    connect(again, &QPushButton::clicked, this, &GenerationTab::restartFilling);
    auto* fillButtons = new QHBoxLayout;
    fillButtons->addWidget(fill);
    fillButtons->addWidget(again);
    fillButtons->addStretch(1);
    filledView_ = wrappedLabel({});
    filledView_->setObjectName(QStringLiteral("filled"));
    filledView_->setMinimumHeight(filledView_->fontMetrics().height() * 2 + 8);
    fillCandidates_ = new widgets::ScoreBars;
    fillCandidates_->setObjectName(QStringLiteral("fillCandidates"));
    auto* awkward = wrappedLabel(tr("Awkward: BERT learned to fill about 15% of a text, not to write one. The length (how "
                                    "many [MASK]s) and an order (here: most confident first) must be chosen; each token "
                                    "costs a pass over the whole text."),
                                 true);
    auto* bertLayout = new QVBoxLayout(bert);
    bertLayout->addWidget(maskedText_);
    bertLayout->addLayout(fillButtons);
    bertLayout->addWidget(filledView_);
    bertLayout->addWidget(fillCandidates_, 3);
    bertLayout->addWidget(awkward);
    bertLayout->addStretch(1);

    return bert;
}

bool GenerationTab::busy() const { return generation_->busy() || filling_->busy(); }

void GenerationTab::setPrompt(const QString& prompt) { prompt_->setText(prompt); }

void GenerationTab::setSampling(double temperature, int topK, quint64 seed) {
    method_->setCurrentIndex(temperature > 0 ? 1 : 0);
    if (temperature > 0) temperature_->setValue(temperature);
    topK_->setValue(topK);
    seed_->setValue(int(seed));
    restartGeneration();
}

void GenerationTab::restartGeneration() {
    generation_->drop();  // a generation still running is not shown
    generating_ = false;
    queuedTokens_ = 0;
    generator_.reset();
    generatedIds_.clear();
    newestAttention_->clear();
    newestAttention_->setTitle({});
    const auto model = state_.decoder();
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
    candidates_->setMessage(tr("“Next token” asks the decoder for a probability over its text tokens, and picks one (the "
                               "most likely, or a sample)."));
}

void GenerationTab::generate(int count) {
    if (!generator_ || count <= 0) return;
    if (generating_) {  // one request at a time: clicks meanwhile add to the next one
        queuedTokens_ += count;
        return;
    }
    generating_ = true;
    const auto start = std::make_shared<train::Generator>(*generator_);  // the worker steps a copy
    generation_->request(
        [this, start, count](const Progress&) -> LatestJob::Apply {
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
                const QString newest = fromStd(last.keyLabels.empty() ? std::string() : last.keyLabels.back());
                QStringList keys;
                for (const std::string& key : last.keyLabels) keys << fromStd(key);
                newestAttention_->setMatrix(1, int(last.attention.size()), last.attention, {newest}, keys);
                newestAttention_->setTitle(tr("Where “%1” looked (last layer, mean of heads)").arg(newest));
                showGeneration();
                if (queuedTokens_ > 0) generate(std::exchange(queuedTokens_, 0));
            };
        },
        [this](const QString& message) {
            generating_ = false;
            queuedTokens_ = 0;
            emit problem(message);
        });
}

QString GenerationTab::generatedText() const {
    const auto model = state_.decoder();
    if (!model) return {};
    std::vector<TokenId> all(promptIds_.begin(), promptIds_.end());
    all.insert(all.end(), generatedIds_.begin(), generatedIds_.end());
    try {
        return fromStd(model->tokenizer.decode(all, true)).trimmed();
    } catch (const std::out_of_range&) {  // an id the tokenizer has no entry for: the chips say it
        return {};
    }
}

void GenerationTab::showGeneration() {
    const auto model = state_.decoder();
    if (!model || !generator_) return;
    QString html;
    for (const std::int32_t id : promptIds_) html += tokenChip(fromStd(model->name(id)), ChipRole::Prompt) + QLatin1Char(' ');
    for (std::size_t i = 0; i < generatedIds_.size(); ++i) {
        const bool newest = i + 1 == generatedIds_.size();
        html += tokenChip(fromStd(model->name(generatedIds_[i])), newest ? ChipRole::Newest : ChipRole::New, newest) +
                QLatin1Char(' ');
    }
    if (const QString text = generatedText(); !generatedIds_.empty() && !text.isEmpty()) {
        html += QStringLiteral("<br>") + tr("As text: “%1”").arg(text.toHtmlEscaped());
    }
    generatedView_->setText(html);
}

void GenerationTab::setMaskedText(const QString& text) {
    if (maskedText_->text() != text) {
        maskedText_->setText(text);  // comes back here through textChanged
        return;
    }
    restartFilling();
}

void GenerationTab::restartFilling() {
    filling_->drop();
    fillingNow_ = false;
    filler_.reset();
    fillOrder_.clear();
    fillCandidates_->setMessage({});
    const auto model = state_.encoder();
    if (!model) {
        filledView_->setText(tr("<i>Train the tiny models (or take an encoder from the Training lab) to fill [MASK]s.</i>"));
        return;
    }
    // [MASK] as typed becomes the encoder's mask token; the rest goes through the tokenizer.
    const std::vector<std::int32_t> tokens = model->encodeWithMasks(maskedText_->text().toStdString());
    try {
        filler_ = std::make_shared<train::MaskFiller>(model, tokens, 5);
    } catch (const std::exception& error) {
        filledView_->setText(QStringLiteral("<i>%1</i>").arg(QString::fromUtf8(error.what()).toHtmlEscaped()));
        return;
    }
    showFilling();
    if (filler_->done()) fillCandidates_->setMessage(tr("Put [MASK] where the encoder should fill in a token."));
}

void GenerationTab::fillOneMask() {
    if (!filler_ || filler_->done() || fillingNow_) return;
    fillingNow_ = true;
    const auto start = std::make_shared<train::MaskFiller>(*filler_);
    filling_->request(
        [this, start](const Progress&) -> LatestJob::Apply {
            const train::FilledToken filled = start->next();
            return [this, start, filled] {
                fillingNow_ = false;
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
        },
        [this](const QString& message) {
            fillingNow_ = false;
            emit problem(message);
        });
}

void GenerationTab::showFilling() {
    const auto model = state_.encoder();
    if (!model || !filler_) return;
    QString html = tokenChip(QStringLiteral("[CLS]"), ChipRole::Plain) + QLatin1Char(' ');
    const std::vector<std::int32_t>& now = filler_->tokens();
    for (std::size_t i = 0; i < now.size(); ++i) {
        const auto order = std::find(fillOrder_.begin(), fillOrder_.end(), static_cast<nn::Index>(i));
        const bool filled = order != fillOrder_.end();
        const bool open = now[i] == model->specials.mask;
        const ChipRole role = filled ? (order + 1 == fillOrder_.end() ? ChipRole::Newest : ChipRole::New)
                              : open ? ChipRole::Loss
                                     : ChipRole::Plain;
        html += tokenChip(fromStd(model->name(now[i])), role, filled || open,
                          filled ? QString::number(order - fillOrder_.begin() + 1) : QString()) +
                QLatin1Char(' ');
    }
    html += tokenChip(QStringLiteral("[SEP]"), ChipRole::Plain);
    filledView_->setText(html);
}

QString GenerationTab::filledText() const {
    const auto model = state_.encoder();
    QStringList words;
    if (model && filler_) {
        for (const std::int32_t id : filler_->tokens()) words << fromStd(model->name(id));
    }
    return words.join(QLatin1Char(' '));
}

}  // namespace pretrainlab::app
