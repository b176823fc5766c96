#include "app/lessons/tokenization/merge_tab.hpp"

#include <QSplitter>
#include <QVBoxLayout>

#include "app/lessons/tokenization/merge_snapshots.hpp"
#include "widgets/merge_controls.hpp"
#include "widgets/merge_panel.hpp"
#include "widgets/row_reflow.hpp"

namespace pretrainlab::app {

using Side = TokenizationState::Side;
using Change = TokenizationState::Change;

MergeTab::MergeTab(TokenizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("mergeTab"));
    controls_ = new widgets::MergeControls;
    controls_->setObjectName(QStringLiteral("mergeControls"));
    bpePanel_ = new widgets::MergePanel(
        false, QStringLiteral("bpe"), tr("<b>BPE</b>"),
        tr("BPE merges the most frequent pair: it counts every pair of neighbouring tokens and merges "
           "the most frequent one into a new token."));
    wordPiecePanel_ = new widgets::MergePanel(
        true, QStringLiteral("wordPiece"), tr("<b>WordPiece</b>"),
        tr("WordPiece merges the pair a, b that maximises log p(a,b) − log p(a)p(b), that is the "
           "largest count(ab) / (count(a) × count(b)). ## marks a piece inside a word."));
    auto* sides = new QSplitter(Qt::Horizontal);
    sides->setChildrenCollapsible(false);
    sides->addWidget(bpePanel_);
    sides->addWidget(wordPiecePanel_);
    // WordPiece's table has more columns.
    sides->setStretchFactor(0, 4);
    sides->setStretchFactor(1, 5);
    sides->setSizes({400, 500});
    // BPE beside WordPiece where the page's width holds both, above it at the largest text sizes.
    widgets::watchRoom(this, [this, sides] {
        const int beside =
            bpePanel_->minimumSizeHint().width() + wordPiecePanel_->minimumSizeHint().width() + sides->handleWidth();
        const Qt::Orientation wanted = widgets::roomFor(this) >= beside ? Qt::Horizontal : Qt::Vertical;
        if (sides->orientation() != wanted) sides->setOrientation(wanted);
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->addWidget(controls_);
    layout->addWidget(sides, 1);

    connect(&playTimer_, &QTimer::timeout, this, [this] {
        if (!state_.step(Side::Both) || state_.atEnd()) setPlaying(false);
    });
    playTimer_.setInterval(500);
    connect(controls_, &widgets::MergeControls::stepRequested, this, [this] { state_.step(Side::Both); });
    connect(controls_, &widgets::MergeControls::backRequested, this, [this] { state_.back(Side::Both); });
    connect(controls_, &widgets::MergeControls::resetRequested, &state_, &TokenizationState::reset);
    connect(controls_, &widgets::MergeControls::playToggled, this, &MergeTab::setPlaying);
    connect(controls_, &widgets::MergeControls::mergesPerSecondChanged, this, [this](int rate) {
        playTimer_.setInterval(1000 / std::max(1, rate));
        const int animation = std::min(650, 1000 / std::max(1, rate) * 8 / 10);
        bpePanel_->setAnimationDuration(animation);
        wordPiecePanel_->setAnimationDuration(animation);
    });
    controls_->setMergesPerSecond(2);
    connect(controls_, &widgets::MergeControls::mergeNumberRequested, &state_, &TokenizationState::goToMerge);
    connect(controls_, &widgets::MergeControls::vocabularySizeRequested, &state_, &TokenizationState::goToVocabularySize);
    connect(bpePanel_, &widgets::MergePanel::stepRequested, this, [this] { state_.step(Side::Bpe); });
    connect(bpePanel_, &widgets::MergePanel::backRequested, this, [this] { state_.back(Side::Bpe); });
    connect(wordPiecePanel_, &widgets::MergePanel::stepRequested, this, [this] { state_.step(Side::WordPiece); });
    connect(wordPiecePanel_, &widgets::MergePanel::backRequested, this, [this] { state_.back(Side::WordPiece); });

    connect(&state_, &TokenizationState::changed, this, &MergeTab::show);
    connect(&state_, &TokenizationState::busyChanged, this, [this](bool busy) {
        if (busy) setPlaying(false);
        controls_->setBusy(busy);
        bpePanel_->setBusy(busy);
        wordPiecePanel_->setBusy(busy);
    });
    if (state_.bpe()) show(Change::Corpus);
}

void MergeTab::addShortcutsTo(QWidget* scope) { controls_->addShortcutsTo(scope); }

void MergeTab::setPlaying(bool playing) {
    if (playing && (!state_.bpe() || state_.isBusy() || state_.atEnd())) playing = false;
    if (playing) {
        playTimer_.start();
    } else {
        playTimer_.stop();
    }
    controls_->setPlaying(playing);
}

void MergeTab::show(Change change) {
    if (change == Change::Curve) {
        updateControls();  // how far training can go is known once the curve is
        return;
    }
    if (change == Change::LoadedTokenizer || !state_.bpe()) return;
    if (change != Change::StepForward) setPlaying(false);  // a jump, a new corpus or rule: playing stops
    const bool animate = change == Change::StepForward;
    bpePanel_->showSnapshot(panelSnapshot(*state_.bpe(), state_.bpeRules()), animate);
    wordPiecePanel_->showSnapshot(panelSnapshot(*state_.wordPiece(), state_.wordPieceRules()), animate);
    updateControls();
}

void MergeTab::updateControls() {
    const BpeStepper* bpe = state_.bpe();
    if (!bpe) return;
    const BpeTrainer& trainer = bpe->trainer();
    const std::vector<TradeoffPoint>& curve = state_.curve();
    const int vocabulary = static_cast<int>(trainer.vocabulary().size());
    const int start = static_cast<int>(trainer.alphabetSize() + trainer.options().specialTokens.size());
    const int lastMerge = curve.empty() ? static_cast<int>(bpe->position()) + 1000 : static_cast<int>(curve.back().merges);
    const int largest = curve.empty() ? vocabulary + 1000 : static_cast<int>(curve.back().vocabularySize);
    controls_->setPosition(static_cast<int>(bpe->position()), lastMerge, vocabulary, start, largest, !state_.atEnd(),
                           bpe->position() > 0 || state_.wordPiece()->position() > 0);
}

}  // namespace pretrainlab::app
