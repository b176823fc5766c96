#include "widgets/merge_panel.hpp"

#include <QFontMetrics>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace pretrainlab::widgets {
namespace {

QTableView* makeTable(QAbstractItemModel* model, const QString& name) {
    auto* table = new QTableView;
    table->setObjectName(name);
    table->setModel(model);
    table->verticalHeader()->setVisible(false);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideNone);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Sizing columns to every row of a long table costs a frame; the first rows tell enough.
    table->horizontalHeader()->setResizeContentsPrecision(40);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table->setFocusPolicy(Qt::StrongFocus);
    table->setProperty("role", QStringLiteral("compact"));
    // The numbers always show in full; a long pair or rule gives way in its middle instead of
    // pushing the numbers behind a horizontal scroll bar.
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->setTextElideMode(Qt::ElideMiddle);
    return table;
}

// The rule table's rank column as wide as its largest rank, whatever rows are in view.
void fitRankColumn(QTableView* table, int largestRank) {
    const QFontMetrics metrics(table->font());
    const int digits = metrics.horizontalAdvance(QLocale().toString(std::max(largestRank, 10)));
    table->horizontalHeader()->resizeSection(0, digits + 2 * metrics.averageCharWidth());
}

}  // namespace

MergePanel::MergePanel(bool likelihood, const QString& name, const QString& title,
                       const QString& explanation, QWidget* parent)
    : QWidget(parent), likelihood_(likelihood) {
    setObjectName(name + QStringLiteral("Panel"));
    auto* heading = new QLabel(title);
    heading->setTextFormat(Qt::RichText);
    heading->setToolTip(explanation);
    backButton_ = new QPushButton(tr("◀"));
    backButton_->setObjectName(name + QStringLiteral("BackButton"));
    backButton_->setToolTip(tr("Undo this side's last merge"));
    backButton_->setProperty("role", QStringLiteral("small"));
    stepButton_ = new QPushButton(tr("▶"));
    stepButton_->setObjectName(name + QStringLiteral("StepButton"));
    stepButton_->setToolTip(tr("Make this side's next merge, leaving the other side where it is"));
    stepButton_->setProperty("role", QStringLiteral("small"));
    statusLabel_ = new QLabel;
    statusLabel_->setObjectName(name + QStringLiteral("Status"));
    statusLabel_->setProperty("role", QStringLiteral("muted"));
    auto* header = new QHBoxLayout;
    header->addWidget(heading);
    header->addStretch(1);
    header->addWidget(statusLabel_);
    header->addWidget(backButton_);
    header->addWidget(stepButton_);

    nextLabel_ = new QLabel;
    nextLabel_->setObjectName(name + QStringLiteral("Next"));
    nextLabel_->setTextFormat(Qt::RichText);
    nextLabel_->setWordWrap(true);
    nextLabel_->setProperty("role", QStringLiteral("banner"));
    nextLabel_->setMinimumWidth(100);
    tieLabel_ = new QLabel;
    tieLabel_->setObjectName(name + QStringLiteral("Tie"));
    tieLabel_->setWordWrap(true);
    tieLabel_->setProperty("role", QStringLiteral("note"));
    tieLabel_->hide();

    candidateModel_ = new CandidateTableModel(likelihood, this);
    candidateTable_ = makeTable(candidateModel_, name + QStringLiteral("Candidates"));
    candidateTable_->setToolTip(explanation);
    candidateTable_->horizontalHeader()->setStretchLastSection(false);
    candidateTable_->horizontalHeader()->setSectionResizeMode(CandidateTableModel::Pair, QHeaderView::Stretch);
    candidateCaption_ = new QLabel;
    candidateCaption_->setObjectName(name + QStringLiteral("CandidateCaption"));
    ruleModel_ = new RuleTableModel(likelihood, this);
    ruleTable_ = makeTable(ruleModel_, name + QStringLiteral("Rules"));
    ruleTable_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Fixed);
    ruleTable_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    ruleTable_->setToolTip(tr("The merge rules learned so far, in order. Tokenizing new text "
                              "applies them in this order."));

    chips_ = new TokenChipsView;
    chips_->setObjectName(name + QStringLiteral("Chips"));
    chips_->setToolTip(tr("Every word of the corpus as its current tokens. Each token keeps its "
                          "colour; the ring marks the token the last merge made."));
    auto* chipScroll = new QScrollArea;
    chipScroll->setWidget(chips_);
    chipScroll->setWidgetResizable(true);
    chipScroll->setFrameShape(QFrame::StyledPanel);
    chipScroll->viewport()->setBackgroundRole(QPalette::Base);
    chipScroll->viewport()->setAutoFillBackground(true);

    auto* candidateBox = new QWidget;
    auto* candidateLayout = new QVBoxLayout(candidateBox);
    candidateLayout->setContentsMargins(0, 0, 0, 0);
    candidateLayout->setSpacing(2);
    candidateLayout->addWidget(candidateCaption_);
    candidateLayout->addWidget(candidateTable_, 1);

    // The decision (pairs, then the rules they made) on top; its effect on every word below.
    auto* tables = new QSplitter(Qt::Horizontal);
    tables->setChildrenCollapsible(false);
    tables->addWidget(candidateBox);
    tables->addWidget(ruleTable_);
    tables->setStretchFactor(0, 2);
    tables->setStretchFactor(1, 1);
    tables->setSizes({400, 200});

    auto* parts = new QSplitter(Qt::Vertical);
    parts->setObjectName(name + QStringLiteral("Splitter"));
    parts->setChildrenCollapsible(false);
    parts->addWidget(tables);
    parts->addWidget(chipScroll);
    parts->setStretchFactor(0, 2);
    parts->setStretchFactor(1, 3);
    parts->setSizes({300, 300});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(nextLabel_);
    layout->addWidget(tieLabel_);
    layout->addWidget(parts, 1);

    connect(stepButton_, &QPushButton::clicked, this, &MergePanel::stepRequested);
    connect(backButton_, &QPushButton::clicked, this, &MergePanel::backRequested);
}

void MergePanel::setAnimationDuration(int milliseconds) { chips_->setAnimationDuration(milliseconds); }

void MergePanel::setBusy(bool busy) {
    stepButton_->setEnabled(!busy && !finished_);
    backButton_->setEnabled(!busy && mergesDone_ > 0);
}

void MergePanel::showSnapshot(const MergePanelSnapshot& snapshot, bool animateMerge) {
    const QLocale locale;
    finished_ = snapshot.finished;
    mergesDone_ = snapshot.mergesDone;
    statusLabel_->setText(tr("%1 merges · %2 tokens").arg(locale.toString(snapshot.mergesDone),
                                                           locale.toString(snapshot.vocabularySize)));
    statusLabel_->setToolTip(tr("The vocabulary holds %1 starting symbols and %2 merged tokens; the "
                                "corpus takes %3 tokens.")
                                 .arg(locale.toString(snapshot.alphabetSize),
                                      locale.toString(snapshot.vocabularySize - snapshot.alphabetSize),
                                      locale.toString(snapshot.totalTokens)));
    if (snapshot.finished) {
        nextLabel_->setText(snapshot.wordsTotal == 0
                                ? tr("No words yet.")
                                : tr("<b>Done.</b> No pair is left: every word is one token."));
    } else if (likelihood_) {
        nextLabel_->setText(
            tr("Next: <b>%1 + %2 → %3</b> &nbsp;%5/(%6×%7) = %4")
                .arg(snapshot.nextLeft.toHtmlEscaped(), snapshot.nextRight.toHtmlEscaped(),
                     snapshot.nextMerged.toHtmlEscaped(), scoreText(snapshot.nextScore),
                     locale.toString(snapshot.nextCount), locale.toString(snapshot.nextLeftCount),
                     locale.toString(snapshot.nextRightCount)));
        nextLabel_->setToolTip(tr("WordPiece's score: count(ab) / (count(a) × count(b))"));
    } else {
        nextLabel_->setText(tr("Next: <b>%1 + %2 → %3</b> &nbsp;count %4")
                                .arg(snapshot.nextLeft.toHtmlEscaped(), snapshot.nextRight.toHtmlEscaped(),
                                     snapshot.nextMerged.toHtmlEscaped(), locale.toString(snapshot.nextCount)));
    }
    tieLabel_->setText(snapshot.tieNote);
    tieLabel_->setVisible(!snapshot.tieNote.isEmpty());

    candidateModel_->setRows(snapshot.candidates);
    const int shown = static_cast<int>(snapshot.candidates.size());
    candidateCaption_->setText(shown < snapshot.candidatesTotal
                                   ? tr("Top %1 of %2 pairs").arg(shown).arg(locale.toString(snapshot.candidatesTotal))
                               : snapshot.candidatesTotal == 1 ? tr("1 pair")
                                                               : tr("%1 pairs, best first").arg(snapshot.candidatesTotal));
    ruleModel_->setRules(snapshot.rules);
    fitRankColumn(ruleTable_, ruleModel_->rowCount());
    if (ruleModel_->rowCount() > 0) ruleTable_->scrollToBottom();
    chips_->setWords(snapshot.words, snapshot.wordsTotal, animateMerge);
    setBusy(false);
}

}  // namespace pretrainlab::widgets
