#include "widgets/bpe_stepper_view.hpp"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace pretrainlab::widgets {
namespace {

const QColor nextFill(255, 214, 102);    // the pair that will be merged
const QColor tiedFill(255, 237, 184);    // pairs that share its count
const QColor latestFill(214, 232, 255);  // the most recent rule

QString speedText(int rate) {
    return rate == 1 ? BpeStepperView::tr("1 merge/s") : BpeStepperView::tr("%1 merges/s").arg(rate);
}

QString pairText(const QString& left, const QString& right) {
    return left + QStringLiteral(" + ") + right;
}

QTableWidgetItem* item(const QString& text, Qt::Alignment alignment = Qt::AlignLeft) {
    auto* cell = new QTableWidgetItem(text);
    cell->setTextAlignment(alignment | Qt::AlignVCenter);
    cell->setFlags(Qt::ItemIsEnabled);
    return cell;
}

QTableWidget* makeTable(const QStringList& headers) {
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->setVisible(false);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideNone);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table->setFocusPolicy(Qt::StrongFocus);
    return table;
}

// Sizes come from the theme's style sheet through the "role" property, so they follow the
// View menu's text size.
QLabel* label(const QString& text, const char* role) {
    auto* created = new QLabel(text);
    created->setProperty("role", QString::fromLatin1(role));
    return created;
}

}  // namespace

BpeStepperView::BpeStepperView(QWidget* parent) : QWidget(parent) {
    buildLayout();

    corpusDebounce_ = new QTimer(this);
    corpusDebounce_->setSingleShot(true);
    corpusDebounce_->setInterval(400);
    connect(corpusEditor_, &QPlainTextEdit::textChanged, corpusDebounce_,
            qOverload<>(&QTimer::start));
    connect(corpusEditor_, &QPlainTextEdit::textChanged, this, &BpeStepperView::fitCorpusEditor);
    connect(corpusDebounce_, &QTimer::timeout, this,
            [this] { emit corpusEdited(corpusEditor_->toPlainText()); });

    connect(stepButton_, &QPushButton::clicked, this, &BpeStepperView::stepRequested);
    connect(backButton_, &QPushButton::clicked, this, &BpeStepperView::backRequested);
    connect(resetButton_, &QPushButton::clicked, this, &BpeStepperView::resetRequested);
    connect(playButton_, &QPushButton::toggled, this, [this](bool playing) {
        playButton_->setText(playing ? tr("Pause") : tr("Play"));
        emit playToggled(playing);
    });
    connect(speedSlider_, &QSlider::valueChanged, this, [this](int rate) {
        speedLabel_->setText(speedText(rate));
        emit mergesPerSecondChanged(rate);
    });
    connect(tieRuleCombo_, &QComboBox::activated, this, &BpeStepperView::tieRuleChosen);

    // Space and Backspace step from anywhere on the page except while typing in the corpus
    // (the editor claims those keys first).
    const auto shortcut = [this](const QKeySequence& keys, QPushButton* button) {
        auto* action = new QShortcut(keys, this);
        action->setContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QShortcut::activated, button, [button] {
            if (button->isEnabled()) button->click();
        });
    };
    shortcut(QKeySequence(Qt::Key_Space), stepButton_);
    shortcut(QKeySequence(Qt::Key_Right), stepButton_);
    shortcut(QKeySequence(Qt::Key_Backspace), backButton_);
    shortcut(QKeySequence(Qt::Key_Left), backButton_);
    shortcut(QKeySequence(Qt::Key_P), playButton_);
    shortcut(QKeySequence(Qt::Key_Home), resetButton_);
}

void BpeStepperView::buildLayout() {
    auto* title = label(tr("Byte pair encoding, one merge at a time"), "title");
    auto* intro = new QLabel(
        tr("Every word starts as single characters. Count each pair of neighbouring tokens, "
           "merge the most frequent pair into a new token, and repeat: the merges become the "
           "tokenizer's rules."));
    intro->setWordWrap(true);
    intro->setObjectName(QStringLiteral("introLabel"));

    corpusEditor_ = new QPlainTextEdit;
    corpusEditor_->setObjectName(QStringLiteral("corpusEditor"));
    corpusEditor_->setPlaceholderText(tr("Type words separated by spaces, e.g. banana band ban"));
    corpusEditor_->setTabChangesFocus(true);
    corpusEditor_->setToolTip(
        tr("The training corpus: words separated by spaces or new lines. A word that appears "
           "several times counts several times. Editing it starts training again."));
    corpusEditor_->setLineWrapMode(QPlainTextEdit::WidgetWidth);

    tieRuleCombo_ = new QComboBox;
    tieRuleCombo_->setObjectName(QStringLiteral("tieRuleCombo"));
    tieRuleCombo_->setToolTip(tr("How to choose when several pairs have the same count."));
    auto* tieCaption = new QLabel(tr("&Tie rule"));
    tieCaption->setBuddy(tieRuleCombo_);

    auto* corpusCaption = new QLabel(tr("&Corpus"));
    corpusCaption->setBuddy(corpusEditor_);
    auto* corpusRow = new QHBoxLayout;
    corpusRow->addWidget(corpusCaption, 0, Qt::AlignTop);
    corpusRow->addWidget(corpusEditor_, 1);

    const auto button = [](const QString& text, const QString& name, const QString& tip) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        return b;
    };
    backButton_ = button(tr("◀  Back"), QStringLiteral("backButton"),
                         tr("Undo the last merge (Backspace or ←)"));
    stepButton_ = button(tr("Step  ▶"), QStringLiteral("stepButton"),
                         tr("Merge the most frequent pair (Space or →)"));
    stepButton_->setDefault(false);
    stepButton_->setProperty("role", QStringLiteral("accent"));
    playButton_ = button(tr("Play"), QStringLiteral("playButton"),
                         tr("Keep merging at the chosen speed (P)"));
    playButton_->setCheckable(true);
    resetButton_ = button(tr("Reset"), QStringLiteral("resetButton"),
                          tr("Back to single characters (Home)"));

    speedSlider_ = new QSlider(Qt::Horizontal);
    speedSlider_->setObjectName(QStringLiteral("speedSlider"));
    speedSlider_->setRange(1, 20);
    speedSlider_->setValue(2);
    speedSlider_->setFixedWidth(120);
    speedSlider_->setToolTip(tr("Merges per second while playing"));
    speedLabel_ = new QLabel(speedText(2));
    speedLabel_->setMinimumWidth(speedLabel_->fontMetrics().horizontalAdvance(speedText(20)) + 8);

    statusLabel_ = new QLabel;
    statusLabel_->setObjectName(QStringLiteral("statusLabel"));
    statusLabel_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* controls = new QHBoxLayout;
    controls->addWidget(backButton_);
    controls->addWidget(stepButton_);
    controls->addWidget(playButton_);
    controls->addWidget(speedSlider_);
    controls->addWidget(speedLabel_);
    controls->addWidget(resetButton_);
    controls->addStretch(1);
    controls->addWidget(tieCaption);
    controls->addWidget(tieRuleCombo_);

    nextMergeLabel_ = new QLabel;
    nextMergeLabel_->setObjectName(QStringLiteral("nextMergeLabel"));
    nextMergeLabel_->setTextFormat(Qt::RichText);
    nextMergeLabel_->setProperty("role", QStringLiteral("banner"));
    tieLabel_ = new QLabel;
    tieLabel_->setObjectName(QStringLiteral("tieLabel"));
    tieLabel_->setWordWrap(true);
    tieLabel_->setProperty("role", QStringLiteral("note"));
    problemLabel_ = new QLabel;
    problemLabel_->setObjectName(QStringLiteral("problemLabel"));
    problemLabel_->setWordWrap(true);
    problemLabel_->setProperty("role", QStringLiteral("problem"));
    problemLabel_->hide();
    auto* decisionRow = new QHBoxLayout;
    decisionRow->addWidget(nextMergeLabel_, 1);
    decisionRow->addWidget(statusLabel_);

    pairTable_ = makeTable({tr("Pair"), tr("Count"), QString()});
    pairTable_->setObjectName(QStringLiteral("pairTable"));
    pairTable_->setToolTip(tr("How often each pair of neighbouring tokens occurs in the corpus, "
                              "counting a word as often as it appears."));
    pairTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    pairTable_->horizontalHeader()->setStretchLastSection(true);
    pairCaption_ = new QLabel;
    pairCaption_->setObjectName(QStringLiteral("pairCaption"));

    ruleTable_ = makeTable({tr("#"), tr("Rule"), tr("Count")});
    ruleTable_->setObjectName(QStringLiteral("ruleTable"));
    ruleTable_->setToolTip(tr("The merge rules learned so far, in the order they were learned. "
                              "Tokenizing new text applies them in this order."));
    ruleTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    ruleTable_->horizontalHeader()->setStretchLastSection(true);

    chips_ = new TokenChipsView;
    chips_->setObjectName(QStringLiteral("chipsView"));
    chips_->setToolTip(tr("Every word of the corpus as its current tokens. Each token keeps its "
                          "colour; the ring marks the token the last merge made."));
    auto* chipScroll = new QScrollArea;
    chipScroll->setWidget(chips_);
    chipScroll->setWidgetResizable(true);
    chipScroll->setFrameShape(QFrame::NoFrame);
    chipScroll->setObjectName(QStringLiteral("chipScroll"));
    chipScroll->viewport()->setBackgroundRole(QPalette::Base);
    chipScroll->viewport()->setAutoFillBackground(true);

    const auto group = [](const QString& title, QWidget* content, QWidget* caption = nullptr) {
        auto* box = new QGroupBox(title);
        auto* layout = new QVBoxLayout(box);
        layout->setContentsMargins(8, 8, 8, 8);
        if (caption) layout->addWidget(caption);
        layout->addWidget(content, 1);
        return box;
    };
    // The decision on the left (pair counts, then the rules they produced), its effect on the
    // right (every word as tokens).
    auto* decisions = new QSplitter(Qt::Vertical);
    decisions->setChildrenCollapsible(false);
    decisions->addWidget(group(tr("Pair counts"), pairTable_, pairCaption_));
    decisions->addWidget(group(tr("Merge rules"), ruleTable_));
    decisions->setStretchFactor(0, 2);
    decisions->setStretchFactor(1, 1);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    decisions->setMinimumWidth(em * 16);
    decisions_ = decisions;

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("stepperSplitter"));
    splitter->setChildrenCollapsible(false);
    QWidget* wordsGroup = group(tr("Words as tokens"), chipScroll);
    wordsGroup->setMinimumWidth(em * 16);
    splitter->addWidget(decisions);
    splitter->addWidget(wordsGroup);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 14, 18, 14);
    layout->setSpacing(10);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addLayout(corpusRow);
    layout->addLayout(controls);
    layout->addLayout(decisionRow);
    layout->addWidget(tieLabel_);
    layout->addWidget(problemLabel_);
    layout->addWidget(splitter, 1);
}

void BpeStepperView::setCorpusText(const QString& text) {
    {
        const QSignalBlocker blocker(corpusEditor_);
        corpusEditor_->setPlainText(text);
    }
    corpusDebounce_->stop();
    fitCorpusEditor();
}

// One line for a few words, growing to four for a paragraph; beyond that it scrolls.
void BpeStepperView::fitCorpusEditor() {
    const QFontMetrics metrics(corpusEditor_->font());
    const int width = std::max(100, corpusEditor_->viewport()->width() - 8);
    const QRect bounds = metrics.boundingRect(QRect(0, 0, width, 100000), Qt::TextWordWrap,
                                              corpusEditor_->toPlainText());
    const int lines = std::clamp(bounds.height() / std::max(1, metrics.lineSpacing()), 1, 4);
    const int frame = 2 * corpusEditor_->frameWidth() +
                      static_cast<int>(2 * corpusEditor_->document()->documentMargin());
    corpusEditor_->setFixedHeight(lines * metrics.lineSpacing() + frame + 10);
}

void BpeStepperView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitCorpusEditor();
}

QString BpeStepperView::corpusText() const { return corpusEditor_->toPlainText(); }

void BpeStepperView::setTieRules(const QStringList& names, const QStringList& explanations,
                                 int current) {
    const QSignalBlocker blocker(tieRuleCombo_);
    tieRuleCombo_->clear();
    for (int i = 0; i < names.size(); ++i) {
        tieRuleCombo_->addItem(names[i]);
        if (i < explanations.size()) tieRuleCombo_->setItemData(i, explanations[i], Qt::ToolTipRole);
    }
    tieRuleCombo_->setCurrentIndex(current);
}

void BpeStepperView::setPlaying(bool playing) {
    const QSignalBlocker blocker(playButton_);
    playButton_->setChecked(playing);
    playButton_->setText(playing ? tr("Pause") : tr("Play"));
}

void BpeStepperView::setMergesPerSecond(int rate) {
    const QSignalBlocker blocker(speedSlider_);
    speedSlider_->setValue(rate);
    speedLabel_->setText(speedText(rate));
}

void BpeStepperView::showProblem(const QString& text) {
    problemLabel_->setText(text);
    problemLabel_->setVisible(!text.isEmpty());
}

void BpeStepperView::showSnapshot(const BpeStepperSnapshot& snapshot, bool animateMerge) {
    const QLocale locale;
    statusLabel_->setText(tr("Merges <b>%1</b> &nbsp;·&nbsp; Vocabulary <b>%2</b>")
                              .arg(locale.toString(snapshot.mergesDone),
                                   locale.toString(snapshot.vocabularySize)));
    statusLabel_->setToolTip(tr("The vocabulary holds %1 characters and %2 merged tokens.")
                                 .arg(locale.toString(snapshot.alphabetSize),
                                      locale.toString(snapshot.vocabularySize - snapshot.alphabetSize)));

    if (snapshot.finished) {
        nextMergeLabel_->setText(
            snapshot.wordsTotal == 0
                ? tr("No words yet.")
                : tr("<b>Done.</b> No pair is left to merge: every word is a single token."));
    } else {
        nextMergeLabel_->setText(
            tr("Next merge: <b>%1 + %2 → %3</b> &nbsp;(count %4)")
                .arg(snapshot.nextLeft.toHtmlEscaped(), snapshot.nextRight.toHtmlEscaped(),
                     snapshot.nextMerged.toHtmlEscaped(), locale.toString(snapshot.nextCount)));
    }
    tieLabel_->setText(snapshot.tieNote);
    tieLabel_->setVisible(!snapshot.tieNote.isEmpty());

    stepButton_->setEnabled(!snapshot.finished);
    playButton_->setEnabled(!snapshot.finished || playButton_->isChecked());
    backButton_->setEnabled(snapshot.mergesDone > 0);
    resetButton_->setEnabled(snapshot.mergesDone > 0);

    fillPairTable(snapshot);
    fillRuleTable(snapshot);
    chips_->setWords(snapshot.words, snapshot.wordsTotal, animateMerge);
}

void BpeStepperView::fillPairTable(const BpeStepperSnapshot& snapshot) {
    pairTable_->setUpdatesEnabled(false);
    pairTable_->setRowCount(static_cast<int>(snapshot.pairs.size()));
    for (int row = 0; row < static_cast<int>(snapshot.pairs.size()); ++row) {
        const PairRow& pair = snapshot.pairs[static_cast<std::size_t>(row)];
        QTableWidgetItem* cells[] = {
            item(pairText(pair.left, pair.right)),
            item(QLocale().toString(pair.count), Qt::AlignRight),
            item(pair.isNext ? tr("next") : pair.isTied ? tr("tie") : QString()),
        };
        for (int column = 0; column < 3; ++column) {
            if (pair.isNext || pair.isTied) {
                cells[column]->setBackground(pair.isNext ? nextFill : tiedFill);
                QFont font = pairTable_->font();
                font.setBold(pair.isNext);
                cells[column]->setFont(font);
            }
            pairTable_->setItem(row, column, cells[column]);
        }
    }
    pairTable_->setUpdatesEnabled(true);
    fitDecisionsWidth();
    const int shown = static_cast<int>(snapshot.pairs.size());
    pairCaption_->setText(shown < snapshot.pairsTotal
                              ? tr("Top %1 of %2 pairs").arg(shown).arg(snapshot.pairsTotal)
                              : snapshot.pairsTotal == 1 ? tr("1 pair")
                                                         : tr("%1 pairs, most frequent first")
                                                               .arg(QLocale().toString(snapshot.pairsTotal)));
}

// The tables' pane is as wide as their widest content (longer tokens widen it), up to 45% of the
// page, so nothing in them is cut off; past that they scroll sideways.
void BpeStepperView::fitDecisionsWidth() {
    const auto contentWidth = [](const QTableWidget* table) {
        // QTableView hides sizeHintForColumn; QAbstractItemView offers it publicly.
        const QAbstractItemView* view = table;
        int total = 2 * table->frameWidth() + table->verticalScrollBar()->sizeHint().width();
        for (int column = 0; column < table->columnCount(); ++column) {
            total += std::max(view->sizeHintForColumn(column),
                              table->horizontalHeader()->sectionSizeHint(column));
        }
        return total;
    };
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const int margins = 2 * 8 + 4;  // the group boxes' content margins and border
    const int needed = std::max(contentWidth(pairTable_), contentWidth(ruleTable_)) + margins;
    const int widest = std::max(em * 16, static_cast<int>(width() * 0.45));
    decisions_->setMinimumWidth(std::clamp(needed, em * 16, widest));
}

void BpeStepperView::fillRuleTable(const BpeStepperSnapshot& snapshot) {
    ruleTable_->setUpdatesEnabled(false);
    ruleTable_->setRowCount(static_cast<int>(snapshot.rules.size()));
    for (int row = 0; row < static_cast<int>(snapshot.rules.size()); ++row) {
        const RuleRow& rule = snapshot.rules[static_cast<std::size_t>(row)];
        QTableWidgetItem* cells[] = {
            item(QString::number(rule.rank), Qt::AlignRight),
            item(rule.left + QStringLiteral(" + ") + rule.right + QStringLiteral(" → ") +
                 rule.merged),
            item(QLocale().toString(rule.count), Qt::AlignRight),
        };
        if (rule.wasTie) cells[1]->setToolTip(tr("Chosen by the tie rule"));
        for (int column = 0; column < 3; ++column) {
            if (row + 1 == static_cast<int>(snapshot.rules.size())) {
                cells[column]->setBackground(latestFill);
            }
            ruleTable_->setItem(row, column, cells[column]);
        }
    }
    ruleTable_->setUpdatesEnabled(true);
    fitDecisionsWidth();
    if (!snapshot.rules.empty()) ruleTable_->scrollToBottom();
}

}  // namespace pretrainlab::widgets
