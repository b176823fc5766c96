#include "app/pages/tokenization_page.hpp"

#include <QVBoxLayout>
#include <algorithm>

#include "core/common/error.hpp"
#include "widgets/bpe_stepper_view.hpp"

namespace pretrainlab::app {
namespace {

constexpr TieBreak tieRules[] = {TieBreak::HuggingFace, TieBreak::Lexicographic,
                                 TieBreak::FirstOccurrence};
// The table shows the strongest pairs; a large corpus has tens of thousands.
constexpr std::size_t shownPairs = 300;
constexpr int shownWords = 400;

QString qt(const std::string& text) { return QString::fromStdString(text); }

QString tieRuleTitle(TieBreak rule) {
    switch (rule) {
        case TieBreak::HuggingFace: return TokenizationPage::tr("Smallest ids");
        case TieBreak::Lexicographic: return TokenizationPage::tr("Dictionary order");
        case TieBreak::FirstOccurrence: return TokenizationPage::tr("First in corpus");
    }
    return {};
}

}  // namespace

TokenizationPage::TokenizationPage(QWidget* parent) : QWidget(parent) {
    view_ = new widgets::BpeStepperView;
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);

    showTieRules();

    connect(view_, &widgets::BpeStepperView::stepRequested, this, &TokenizationPage::step);
    connect(view_, &widgets::BpeStepperView::backRequested, this, &TokenizationPage::back);
    connect(view_, &widgets::BpeStepperView::resetRequested, this, &TokenizationPage::reset);
    connect(view_, &widgets::BpeStepperView::playToggled, this, &TokenizationPage::setPlaying);
    connect(view_, &widgets::BpeStepperView::mergesPerSecondChanged, this,
            &TokenizationPage::setMergesPerSecond);
    connect(view_, &widgets::BpeStepperView::corpusEdited, this, &TokenizationPage::rebuild);
    connect(view_, &widgets::BpeStepperView::tieRuleChosen, this,
            [this](int index) { setTieBreak(tieRules[std::clamp(index, 0, 2)]); });

    connect(&playTimer_, &QTimer::timeout, this, [this] {
        if (!stepper_->stepForward()) {
            setPlaying(false);
            return;
        }
        refresh(true);
        if (stepper_->atEnd()) setPlaying(false);
    });
    setMergesPerSecond(2);

    setCorpus(QString::fromLatin1(defaultCorpus));
}

void TokenizationPage::setCorpus(const QString& text) {
    view_->setCorpusText(text);
    rebuild(text);
}

void TokenizationPage::rebuild(const QString& text) {
    setPlaying(false);
    const QByteArray bytes = text.toUtf8();
    WordCounts corpus;
    try {
        corpus = WordCounts::fromText(std::string_view(bytes.constData(), bytes.size()),
                                      "the corpus");
        view_->showProblem(corpus.empty() ? tr("The corpus is empty: type some words to train on.")
                                          : QString());
    } catch (const LocatedError& error) {
        view_->showProblem(qt(error.what()));
    }
    BpeOptions options;
    options.tieBreak = tieRule_;
    stepper_ = std::make_unique<BpeStepper>(std::move(corpus), options,
                                            TraceRequest{true, shownPairs, true});
    refresh(false);
}

void TokenizationPage::step() {
    if (stepper_->stepForward()) refresh(true);
}

void TokenizationPage::back() {
    if (stepper_->stepBack()) refresh(false);
}

void TokenizationPage::reset() {
    setPlaying(false);
    stepper_->reset();
    refresh(false);
}

void TokenizationPage::setTieBreak(TieBreak rule) {
    tieRule_ = rule;
    stepper_->setTieBreak(rule);
    showTieRules();
    refresh(false);
}

void TokenizationPage::showTieRules() {
    QStringList names;
    QStringList explanations;
    for (const TieBreak rule : tieRules) {
        names << tieRuleTitle(rule);
        explanations << qt(std::string(tieBreakExplanation(rule)));
    }
    const auto current = std::find(std::begin(tieRules), std::end(tieRules), tieRule_);
    view_->setTieRules(names, explanations, static_cast<int>(current - std::begin(tieRules)));
}

void TokenizationPage::setPlaying(bool playing) {
    if (playing && stepper_->atEnd()) playing = false;
    if (playing) {
        playTimer_.start();
    } else {
        playTimer_.stop();
    }
    view_->setPlaying(playing);
}

void TokenizationPage::setMergesPerSecond(int rate) {
    rate = std::clamp(rate, 1, 50);
    playTimer_.setInterval(1000 / rate);
    view_->chipsView()->setAnimationDuration(std::min(650, 1000 / rate * 8 / 10));
    view_->setMergesPerSecond(rate);
}

widgets::BpeStepperSnapshot TokenizationPage::snapshot() {
    const BpeTrainer& trainer = stepper_->trainer();
    const Vocabulary& vocabulary = trainer.vocabulary();
    widgets::BpeStepperSnapshot shot;
    shot.mergesDone = static_cast<int>(stepper_->position());
    shot.vocabularySize = static_cast<int>(vocabulary.size());
    shot.alphabetSize = static_cast<int>(trainer.alphabetSize());
    shot.pairsTotal = static_cast<int>(trainer.distinctPairs());
    shot.wordsTotal = trainer.wordCount();

    const MergeStep* next = stepper_->next();
    shot.finished = next == nullptr;
    if (next) {
        shot.nextLeft = qt(next->left);
        shot.nextRight = qt(next->right);
        shot.nextMerged = qt(next->newToken);
        shot.nextCount = next->count;
        for (const PairCount& pair : next->pairCounts) {
            widgets::PairRow row;
            row.left = qt(vocabulary.token(pair.pair.left));
            row.right = qt(vocabulary.token(pair.pair.right));
            row.count = pair.count;
            row.isNext = pair.pair == next->pair;
            row.isTied = !row.isNext && std::find(next->ties.begin(), next->ties.end(),
                                                  pair.pair) != next->ties.end();
            shot.pairs.push_back(row);
        }
        shot.tieNote = tieNote(*next);
    }

    for (const MergeStep& made : stepper_->history()) {
        shot.rules.push_back({static_cast<int>(made.step), qt(made.left), qt(made.right),
                              qt(made.newToken), made.count, made.ties.size() > 1});
    }

    const MergeStep* last = stepper_->history().empty() ? nullptr : &stepper_->history().back();
    const std::size_t firstMergedId = trainer.options().specialTokens.size() + trainer.alphabetSize();
    const std::size_t words = std::min<std::size_t>(trainer.wordCount(), shownWords);
    for (std::size_t w = 0; w < words; ++w) {
        widgets::ChipWord word;
        word.word = qt(trainer.wordText(w));
        word.count = trainer.wordFrequency(w);
        for (const TokenId id : trainer.wordTokens(w)) {
            widgets::TokenChip chip;
            chip.text = qt(vocabulary.token(id));
            chip.tokenId = static_cast<int>(id);
            chip.isMerged = id >= firstMergedId;
            if (last && id == last->newId) {
                chip.justMerged = true;
                chip.leftPart = qt(last->left);
                chip.rightPart = qt(last->right);
            }
            word.chips.push_back(std::move(chip));
        }
        shot.words.push_back(std::move(word));
    }
    return shot;
}

// Why the tie rule picked this pair, with the numbers it compared: the ids, the strings, or
// the word where the pair first appears.
QString TokenizationPage::tieNote(const MergeStep& next) const {
    if (next.ties.size() < 2) return {};
    const BpeTrainer& trainer = stepper_->trainer();
    const Vocabulary& vocabulary = trainer.vocabulary();
    constexpr std::size_t listed = 4;
    const std::size_t shown = std::min(next.ties.size(), listed);
    const QString more = next.ties.size() > listed ? QStringLiteral(" < …") : QString();
    QStringList keys;
    for (std::size_t i = 0; i < shown; ++i) {
        const TokenPair pair = next.ties[i];
        if (next.tieRule == TieBreak::HuggingFace) {
            keys << QStringLiteral("(%1, %2)").arg(pair.left).arg(pair.right);
        } else {
            keys << QStringLiteral("(%1, %2)").arg(qt(vocabulary.token(pair.left)),
                                                 qt(vocabulary.token(pair.right)));
        }
    }
    const QString winner = qt(next.left) + QStringLiteral(" + ") + qt(next.right);
    const QString head = tr("Tie: %1 pairs have count %2.").arg(next.ties.size()).arg(next.count);
    switch (next.tieRule) {
        case TieBreak::HuggingFace:
            return head + QLatin1Char(' ') +
                   tr("Smallest ids first: %1%2, so %3 is merged.")
                       .arg(keys.join(QStringLiteral(" < ")), more, winner);
        case TieBreak::Lexicographic:
            return head + QLatin1Char(' ') +
                   tr("Dictionary order: %1%2, so %3 is merged.")
                       .arg(keys.join(QStringLiteral(" < ")), more, winner);
        case TieBreak::FirstOccurrence: {
            const std::optional<std::size_t> word = trainer.firstWordWith(next.pair);
            return head + QLatin1Char(' ') +
                   tr("%1 appears first in the corpus (in “%2”), so it is merged.")
                       .arg(winner, word ? qt(trainer.wordText(*word)) : QString());
        }
    }
    return head;
}

void TokenizationPage::refresh(bool animateMerge) {
    view_->showSnapshot(snapshot(), animateMerge);
}

}  // namespace pretrainlab::app
