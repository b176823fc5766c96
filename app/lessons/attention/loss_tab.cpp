#include "app/lessons/attention/loss_tab.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/lessons/token_html.hpp"
#include "core/data/objectives.hpp"
#include "core/train/inspect_masks.hpp"
#include "core/train/probes.hpp"
#include "widgets/row_reflow.hpp"

namespace pretrainlab::app {

LossTab::LossTab(AttentionState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("lossTab"));
    QStringList lines;
    for (const QJsonValue& line : state_.texts().value(QLatin1String("loss")).toArray()) lines << line.toString();
    text_ = new QPlainTextEdit(lines.join(QLatin1Char('\n')));
    text_->setObjectName(QStringLiteral("lossText"));
    text_->setAccessibleName(tr("Text"));
    text_->setMaximumHeight(text_->fontMetrics().height() * 4 + 12);
    rate_ = new QSpinBox;
    rate_->setObjectName(QStringLiteral("lossRate"));
    rate_->setRange(1, 100);
    rate_->setValue(15);
    rate_->setSuffix(QStringLiteral("%"));
    rate_->setToolTip(tr("The share of tokens BERT picks to predict"));
    seed_ = new QSpinBox;
    seed_->setObjectName(QStringLiteral("lossSeed"));
    seed_->setRange(0, 1'000'000);
    seed_->setValue(1);
    auto* redraw = new QPushButton(tr("Pick again"));
    redraw->setObjectName(QStringLiteral("pickAgain"));
    redraw->setToolTip(tr("Another random choice of masked tokens"));
    corruption_ = new QComboBox;
    corruption_->setObjectName(QStringLiteral("lossCorruption"));
    corruption_->addItems({tr("BERT: 80% [MASK], 10% random, 10% kept"), tr("[MASK] only")});
    corruption_->setToolTip(tr("What the encoder reads in place of a picked token. BERT mixes in random and unchanged "
                               "tokens so that the model cannot rely on seeing [MASK], which never occurs when it is "
                               "finetuned."));
    auto* eachCase = new QPushButton(tr("Show each case"));
    eachCase->setObjectName(QStringLiteral("showEachCase"));
    eachCase->setToolTip(tr("Pick again until the example shows a [MASK], a random token and a kept one"));
    auto* compare = new QPushButton(tr("Compare in the Training lab"));
    compare->setObjectName(QStringLiteral("compareInLab"));
    compare->setToolTip(tr("Runs a tiny encoder and then a tiny decoder with the same corpus, sizes and seed, the loss "
                           "plotted against the tokens that produced loss"));
    // One row, or one above the other where the page is too narrow (the largest text sizes).
    auto* controls = new QBoxLayout(QBoxLayout::LeftToRight);
    controls->addLayout(widgets::labelledField(tr("Mask rate"), rate_));
    controls->addLayout(widgets::labelledField(tr("seed"), seed_));
    controls->addWidget(redraw);
    controls->addStretch(1);
    controls->addWidget(compare);
    widgets::stackWhenNarrow(this, controls);
    auto* corruptionRow = new QHBoxLayout;
    corruptionRow->addWidget(new QLabel(tr("Picked tokens")));
    corruptionRow->addWidget(corruption_);
    corruptionRow->addWidget(eachCase);
    corruptionRow->addStretch(1);

    QFont big = font();
    big.setBold(true);
    maskedCountLabel_ = new QLabel;
    maskedCountLabel_->setObjectName(QStringLiteral("maskedCount"));
    maskedCountLabel_->setFont(big);
    legend_ = wrappedLabel({});
    legend_->setObjectName(QStringLiteral("maskedLegend"));
    maskedView_ = wrappedLabel({});
    maskedView_->setObjectName(QStringLiteral("maskedView"));
    nextCountLabel_ = new QLabel;
    nextCountLabel_->setObjectName(QStringLiteral("nextCount"));
    nextCountLabel_->setFont(big);
    nextView_ = wrappedLabel({});
    nextView_->setObjectName(QStringLiteral("nextView"));
    efficiencyNote_ = wrappedLabel({}, true);

    auto* inner = new QWidget;
    auto* innerLayout = new QVBoxLayout(inner);
    innerLayout->addWidget(maskedCountLabel_);
    innerLayout->addWidget(legend_);
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
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(text_);
    layout->addLayout(controls);
    layout->addLayout(corruptionRow);
    layout->addWidget(scroll, 1);

    connect(text_, &QPlainTextEdit::textChanged, this, &LossTab::refresh);
    connect(rate_, &QSpinBox::valueChanged, this, &LossTab::refresh);
    connect(seed_, &QSpinBox::valueChanged, this, &LossTab::refresh);
    connect(redraw, &QPushButton::clicked, this, [this] { seed_->setValue(seed_->value() + 1); });
    connect(corruption_, &QComboBox::currentIndexChanged, this, &LossTab::refresh);
    connect(eachCase, &QPushButton::clicked, this, &LossTab::showEachCase);
    connect(compare, &QPushButton::clicked, this, &LossTab::comparisonWanted);
    refresh();
}

void LossTab::setText(const QString& text) { text_->setPlainText(text); }

void LossTab::setBertCorruption(bool bert) { corruption_->setCurrentIndex(bert ? 0 : 1); }

void LossTab::showEachCase() {
    setBertCorruption(true);
    const Tokenizer& tokenizer = state_.toyTokenizer();
    const std::vector<std::int32_t> tokens = train::tokenIds(tokenizer, text_->toPlainText().toStdString());
    // With 15% of a few sentences picked, one case in ten is often missing: look a few seeds on.
    for (int seed = seed_->value() + 1; seed < seed_->value() + 2000 && seed <= seed_->maximum(); ++seed) {
        const train::LossTokens loss =
            train::lossTokens(tokens, tokenizer, rate_->value() / 100.0, static_cast<std::uint64_t>(seed));
        if (loss.maskCount > 0 && loss.randomCount > 0 && loss.keptCount > 0) {
            seed_->setValue(seed);
            return;
        }
    }
}

void LossTab::refresh() {
    // Masking a few sentences is quick enough for the UI thread (no model runs here).
    const Tokenizer& tokenizer = state_.toyTokenizer();
    const std::vector<std::int32_t> tokens = train::tokenIds(tokenizer, text_->toPlainText().toStdString());
    // BERT's shares come from the engine's masking defaults; "[MASK] only" is all [MASK].
    const bool bert = corruption_->currentIndex() == 0;
    const data::MaskingOptions defaults;
    const train::LossTokens loss = train::lossTokens(tokens, tokenizer, rate_->value() / 100.0,
                                                     static_cast<std::uint64_t>(seed_->value()),
                                                     bert ? defaults.maskShare : 1.0, bert ? defaults.randomShare : 0.0);
    maskedCount_ = int(loss.maskedCount);
    nextCount_ = int(loss.nextTokenCount);
    corruptionCounts_ = {int(loss.maskCount), int(loss.randomCount), int(loss.keptCount)};
    const int n = int(loss.text.size());
    const auto share = [n](int count) { return n ? 100.0 * count / n : 0.0; };
    maskedCountLabel_->setText(tr("Masked LM (BERT): %1 of %2 tokens produce loss (%3%)")
                                   .arg(maskedCount_)
                                   .arg(n)
                                   .arg(share(maskedCount_), 0, 'f', 1));
    nextCountLabel_->setText(tr("Next token (GPT): %1 of %2 tokens produce loss (%3%)").arg(nextCount_).arg(n).arg(share(nextCount_), 0, 'f', 1));
    // The legend is the three chips themselves, with this example's counts.
    legend_->setText(tr("%1 read as [MASK]: %2 &nbsp;·&nbsp; %3 replaced by a random token: %4 &nbsp;·&nbsp; %5 left as "
                        "it is, still predicted: %6 &nbsp;(the word after each is what it must predict)")
                         .arg(tokenChip(QStringLiteral("[MASK]"), ChipRole::Loss, true))
                         .arg(loss.maskCount)
                         .arg(tokenChip(tr("random"), ChipRole::New, true))
                         .arg(loss.randomCount)
                         .arg(tokenChip(tr("kept"), ChipRole::Newest, true))
                         .arg(loss.keptCount));
    QString masked = tokenChip(QStringLiteral("[CLS]"), ChipRole::Plain) + QLatin1Char(' ');
    QString next;
    for (int i = 0; i < n; ++i) {
        const QString word = QString::fromStdString(loss.text[std::size_t(i)]);
        const QString input = QString::fromStdString(loss.maskedInput[std::size_t(i)]);
        switch (loss.corruption[std::size_t(i)]) {
            case train::Corruption::None: masked += tokenChip(word, ChipRole::Plain); break;
            case train::Corruption::Mask: masked += tokenChip(input, ChipRole::Loss, true, word); break;
            case train::Corruption::Random: masked += tokenChip(input, ChipRole::New, true, word); break;
            case train::Corruption::Kept: masked += tokenChip(input, ChipRole::Newest, true, word); break;
        }
        masked += QLatin1Char(' ');
        next += tokenChip(word, i == 0 ? ChipRole::Plain : ChipRole::Loss) + QLatin1Char(' ');
    }
    masked += tokenChip(QStringLiteral("[SEP]"), ChipRole::Plain);
    maskedView_->setText(masked);
    nextView_->setText(next);
    efficiencyNote_->setText(
        tr("Coloured tokens produce loss. BERT's encoder reads what is shown and learns from the picked ones only. "
           "GPT's decoder predicts every token after the first from those before it. For the same tokens read, the "
           "decoder gets about %1× as many predictions to learn from; “Compare in the Training lab” runs both and plots "
           "their loss against the tokens that produced it.")
            .arg(maskedCount_ ? double(nextCount_) / maskedCount_ : 0.0, 0, 'f', 1));
}

}  // namespace pretrainlab::app
