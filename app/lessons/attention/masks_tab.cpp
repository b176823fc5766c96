#include "app/lessons/attention/masks_tab.hpp"

#include <QButtonGroup>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <array>

#include "app/lessons/side_column.hpp"
#include "app/lessons/token_html.hpp"
#include "core/data/objectives.hpp"
#include "core/train/probes.hpp"
#include "widgets/attention_heatmap.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

}  // namespace

MasksTab::MasksTab(AttentionState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("masksTab"));
    caption_ = wrappedLabel({});
    caption_->setObjectName(QStringLiteral("maskCaption"));
    QFont big = caption_->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    caption_->setFont(big);
    caption_->setMinimumHeight(QFontMetrics(big).height() * 2 + 6);
    caption_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    // T5's three: the encoder's full height on the left, the decoder's self-attention above its
    // cross-attention on the right (both have the decoder's few rows). Otherwise one map.
    mapsLayout_ = new QGridLayout;
    for (int i = 0; i < 3; ++i) {
        auto* map = new widgets::AttentionHeatmap;
        map->setObjectName(QStringLiteral("maskMap%1").arg(i));
        map->setMode(widgets::AttentionHeatmap::Mode::Mask);
        maps_.push_back(map);
    }
    mapsLayout_->addWidget(maps_[0], 0, 0, 2, 1);
    mapsLayout_->addWidget(maps_[1], 0, 1);
    mapsLayout_->addWidget(maps_[2], 1, 1);
    auto* right = new QVBoxLayout;
    right->addWidget(caption_);
    right->addLayout(mapsLayout_, 1);
    placeBeside(this, new SideColumn({}, {buildControls()}, 28), right);

    walkTimer_ = new QTimer(this);
    walkTimer_->setInterval(900);
    connect(walkTimer_, &QTimer::timeout, this, [this] {
        if (rows() == 0) return;
        row_ = (row_ + 1) % rows();
        updateRow();
    });
    connect(walk_, &QPushButton::toggled, this, &MasksTab::setWalking);
    connect(kinds_, &QButtonGroup::idClicked, this, &MasksTab::refresh);
    connect(prefixLength_, &QSpinBox::valueChanged, this, &MasksTab::refresh);
    connect(&state_, &AttentionState::sentenceChanged, this, &MasksTab::refresh);
    connect(&state_, &AttentionState::modelsChanged, this, &MasksTab::refresh);  // real models read with their own tokens
    refresh();
}

// The kinds down the left, with the prefix length, the walk and a note on the kind.
QWidget* MasksTab::buildControls() {
    kinds_ = new QButtonGroup(this);
    // The controls down the left, so that the matrices get the height.
    auto* controls = new QVBoxLayout;
    const std::array<QString, 4> names{tr("Encoder (BERT)"), tr("Decoder (GPT)"), tr("Encoder-decoder (T5)"), tr("Prefix LM")};
    const std::array<train::ModelKind, 4> values{train::ModelKind::Encoder, train::ModelKind::Decoder,
                                                 train::ModelKind::EncoderDecoder, train::ModelKind::PrefixLm};
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto* b = new QPushButton(names[i]);
        b->setObjectName(QStringLiteral("maskKind%1").arg(i));
        b->setCheckable(true);
        kinds_->addButton(b, int(values[i]));
        controls->addWidget(b);
    }
    kinds_->button(int(train::ModelKind::Decoder))->setChecked(true);
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
    walk_ = new QPushButton(tr("▶ Walk the rows"));
    walk_->setObjectName(QStringLiteral("walkRows"));
    walk_->setToolTip(tr("Highlight one query row after another"));
    walk_->setCheckable(true);
    auto* previous = new QPushButton(tr("◀"));
    previous->setObjectName(QStringLiteral("previousRow"));
    previous->setToolTip(tr("The row above"));
    auto* next = new QPushButton(tr("▶"));
    next->setObjectName(QStringLiteral("nextRow"));
    next->setToolTip(tr("The row below"));
    connect(previous, &QPushButton::clicked, this, [this] { showMaskRow(std::max(0, row_ - 1)); });
    connect(next, &QPushButton::clicked, this, [this] { showMaskRow(std::min(rows() - 1, row_ + 1)); });
    auto* walking = new QHBoxLayout;
    walking->addWidget(previous);
    walking->addWidget(walk_, 1);
    walking->addWidget(next);
    controls->addSpacing(8);
    controls->addLayout(walking);
    note_ = wrappedLabel({}, true);
    controls->addSpacing(8);
    controls->addWidget(note_);
    return asWidget(controls);
}

void MasksTab::setMaskKind(train::ModelKind kind) {
    kinds_->button(int(kind))->setChecked(true);
    refresh();
}

train::ModelKind MasksTab::maskKind() const { return train::ModelKind(kinds_->checkedId()); }

void MasksTab::setPrefixLength(int length) { prefixLength_->setValue(length); }

void MasksTab::setWalking(bool walking) {
    {
        const QSignalBlocker blocker(walk_);
        walk_->setChecked(walking);
    }
    walk_->setText(walking ? tr("❚❚ Pause") : tr("▶ Walk the rows"));
    if (walking) {
        if (row_ < 0) {
            row_ = 0;
            updateRow();
        }
        walkTimer_->start();
    } else {
        walkTimer_->stop();
    }
}

void MasksTab::showMaskRow(int row) {
    setWalking(false);
    row_ = row;
    updateRow();
}

int MasksTab::rows() const {
    int rows = 0;
    for (const train::MaskPattern& p : patterns_) rows = std::max(rows, int(p.queries));
    return rows;
}

std::vector<widgets::AttentionHeatmap*> MasksTab::heatmaps() const {
    std::vector<widgets::AttentionHeatmap*> shown;
    for (std::size_t i = 0; i < patterns_.size() && i < maps_.size(); ++i) shown.push_back(maps_[i]);
    return shown;
}

QString MasksTab::caption() const { return caption_->text(); }

void MasksTab::refresh() {
    const auto kind = train::ModelKind(kinds_->checkedId());
    // The sentence as the model of this kind reads it (a real model's own tokens, when shown).
    const Tokenizer& tokenizer = state_.readingTokenizer(kind == train::ModelKind::Encoder ? nn::Architecture::Encoder
                                                                                          : nn::Architecture::Decoder);
    const std::vector<std::int32_t> tokens = train::tokenIds(tokenizer, state_.sentence().toStdString());
    const auto n = static_cast<nn::Index>(tokens.size());
    prefixLabel_->setVisible(kind == train::ModelKind::PrefixLm);
    prefixLength_->setVisible(kind == train::ModelKind::PrefixLm);
    prefixLength_->setMaximum(std::max<int>(1, int(n)));

    QStringList words;
    for (const std::int32_t id : tokens) words << fromStd(tokenizer.vocabulary().token(static_cast<TokenId>(id)));
    rowLabels_.clear();
    std::vector<QStringList> colLabels;
    if (kind == train::ModelKind::EncoderDecoder && n > 0) {
        nn::Index vocabulary = static_cast<nn::Index>(tokenizer.vocabulary().size());
        const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, nn::Architecture::EncoderDecoder);
        const train::SpanExample example = train::spanExample(tokens, specials);
        const auto names = [&](const std::vector<std::int32_t>& ids) {
            QStringList out;
            for (const std::int32_t id : ids) out << fromStd(train::tokenName(static_cast<TokenId>(id), tokenizer, specials));
            return out;
        };
        const QStringList input = names(example.encoderInput), output = names(example.decoderInput);
        patterns_ = train::maskPatterns(kind, nn::Index(input.size()), nn::Index(output.size()));
        rowLabels_ = {input, output, output};
        colLabels = {input, output, input};
        note_->setText(tr("T5 reads the sentence with a span replaced by the sentinel &lt;X_0&gt; (span corruption). Its "
                          "decoder reads &lt;s&gt; and writes the span back: &lt;X_0&gt; %1 &lt;X_1&gt;.")
                           .arg(words.mid(int(example.spanStart), int(example.spanLength)).join(QLatin1Char(' ')).toHtmlEscaped()));
    } else {
        patterns_ = n > 0 ? train::maskPatterns(kind, n, 0, std::min<nn::Index>(n, prefixLength_->value()))
                          : std::vector<train::MaskPattern>{};
        rowLabels_.assign(patterns_.size(), words);
        colLabels.assign(patterns_.size(), words);
        switch (kind) {
            case train::ModelKind::Encoder:
                note_->setText(tr("BERT's encoder: every position attends to every position, before and after it, so it "
                                  "sees the whole sentence; it also reads [CLS] first and [SEP] last, and learns by "
                                  "filling masked tokens."));
                break;
            case train::ModelKind::Decoder:
                note_->setText(tr("GPT's decoder: position i attends to positions 1 … i only. Decoders cannot look at the "
                                  "future, so every position can learn to predict the next token in one pass."));
                break;
            default:
                note_->setText(tr("A prefix LM (a decoder, as in UniLM or T5's prefix-LM variant): the prefix attends both "
                                  "ways like an encoder; the rest attends causally like a decoder, and only it produces "
                                  "loss."));
                break;
        }
    }
    if (n == 0) note_->setText(tr("Type a sentence above to see its masks."));
    mapsLayout_->setColumnStretch(0, 1);
    mapsLayout_->setColumnStretch(1, patterns_.size() > 1 ? 1 : 0);
    if (patterns_.size() > 2) {
        // The rows of the two on the right by their own rows: both have the decoder's.
        mapsLayout_->setRowStretch(0, int(patterns_[1].queries) + 4);
        mapsLayout_->setRowStretch(1, int(patterns_[2].queries) + 4);
    }
    for (std::size_t i = 0; i < maps_.size(); ++i) {
        widgets::AttentionHeatmap* map = maps_[i];
        map->setVisible(i < patterns_.size());
        if (i >= patterns_.size()) continue;
        const train::MaskPattern& p = patterns_[i];
        std::vector<float> values(p.allowed.begin(), p.allowed.end());
        map->setMatrix(int(p.queries), int(p.keys), std::move(values), rowLabels_[i], colLabels[i], p.hidden());
        map->setTitle(fromStd(p.title));
        map->setAxisNames(p.decoderQueries ? tr("query (decoder position)") : tr("query (position)"),
                          p.decoderKeys || kind != train::ModelKind::EncoderDecoder ? tr("key: what it may look at")
                                                                                   : tr("key (encoder position)"));
    }
    if (row_ >= rows()) row_ = rows() - 1;
    updateRow();
}

void MasksTab::updateRow() {
    const auto kind = train::ModelKind(kinds_->checkedId());
    for (std::size_t i = 0; i < patterns_.size() && i < maps_.size(); ++i) {
        const int rows = int(patterns_[i].queries);
        maps_[i]->setHighlightedRow(row_ < 0 || rows == 0 ? -1 : std::min(row_, rows - 1));
    }
    if (patterns_.empty() || row_ < 0) {
        caption_->setText(tr("Each row is a query position; the blue cells are the positions it may look at. “Walk the "
                             "rows” goes through them one by one."));
        return;
    }
    // The caption reads the row of the matrix that matters most for the kind.
    const std::size_t which = kind == train::ModelKind::EncoderDecoder ? 1 : 0;
    const train::MaskPattern& p = patterns_[which];
    const int row = std::min(row_, int(p.queries) - 1);
    const QStringList& labels = rowLabels_[which];
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
                       .arg(who)
                       .arg(row + 1)
                       .arg(visible);
            break;
        case train::ModelKind::PrefixLm:
            text = row < prefixLength_->value()
                       ? tr("Prefix LM: %1 is in the prefix, so it sees the whole prefix: %2").arg(who, visible)
                       : tr("Prefix LM: %1 is after the prefix, so it sees positions 1–%2: %3").arg(who).arg(row + 1).arg(visible);
            break;
        case train::ModelKind::EncoderDecoder:
            text = tr("Encoder-decoder: decoder %1 may look at the decoder's %2 and at every encoder position through "
                      "cross-attention.")
                       .arg(who, visible);
            break;
    }
    caption_->setText(text);
}

}  // namespace pretrainlab::app
