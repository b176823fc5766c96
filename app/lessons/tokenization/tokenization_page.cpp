#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"

#include <QAction>
#include <QFileInfo>
#include <QLocale>
#include <QMenu>
#include <QTabWidget>
#include <QVBoxLayout>

#include "app/lessons/side_column.hpp"
#include "app/jobs/background_job.hpp"
#include "app/lessons/csv_file.hpp"
#include "app/lessons/tokenization/compare_tab.hpp"
#include "app/lessons/tokenization/corpus_examples.hpp"
#include "app/lessons/tokenization/exports.hpp"
#include "app/lessons/tokenization/merge_snapshots.hpp"
#include "app/lessons/tokenization/merge_tab.hpp"
#include "app/lessons/tokenization/tokenize_tab.hpp"
#include "app/lessons/tokenization/tradeoff_tab.hpp"
#include "widgets/corpus_bar.hpp"

namespace pretrainlab::app {
namespace {

constexpr TieBreak tieRules[] = {TieBreak::HuggingFace, TieBreak::Lexicographic, TieBreak::FirstOccurrence};

QString sizeText(std::uint64_t bytes) {
    return QLocale().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeSIFormat);
}

}  // namespace

TokenizationPage::TokenizationPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("tokenizationPage"));
    state_ = new TokenizationState(this);
    corpusBar_ = new widgets::CorpusBar;
    mergeTab_ = new MergeTab(*state_);
    tokenizeTab_ = new TokenizeTab(*state_);
    tradeoffTab_ = new TradeoffTab(*state_);
    compareTab_ = new CompareTab(*state_);

    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("tokenizationTabs"));
    tabs_->addTab(mergeTab_, tr("&Merge by merge"));
    tabs_->addTab(tokenizeTab_, tr("Tokenize &new text"));
    tabs_->addTab(tradeoffTab_, tr("Vocabulary vs &length"));
    tabs_->addTab(compareTab_, tr("&Real tokenizers"));
    tabs_->setTabToolTip(MergeTabIndex, tr("Step through BPE and WordPiece side by side"));
    tabs_->setTabToolTip(TokenizeTabIndex, tr("Apply the merges learned so far to any text"));
    tabs_->setTabToolTip(TradeoffTabIndex, tr("The trade-off between vocabulary size and sequence length"));
    tabs_->setTabToolTip(CompareTabIndex, tr("GPT-2's, BERT's or any tokenizer beside the ones trained here"));

    // The corpus bar and the tabs scroll together when the largest text sizes need more room than
    // a projector's 1280×720: the window never grows past the screen.
    auto* content = new QWidget;
    auto* inner = new QVBoxLayout(content);
    inner->setContentsMargins(14, 10, 14, 8);
    inner->setSpacing(8);
    inner->addWidget(corpusBar_);
    inner->addWidget(tabs_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scrolledTab(content));
    mergeTab_->addShortcutsTo(this);
    buildFileActions();

    connect(corpusBar_, &widgets::CorpusBar::exampleChosen, state_, &TokenizationState::chooseExample);
    connect(corpusBar_, &widgets::CorpusBar::textEdited, this, [this](const QString& text) {
        corpusBar_->showOwnText();
        state_->setCorpus(text);
    });
    connect(corpusBar_, &widgets::CorpusBar::openRequested, this, [this] {
        const QString path = openFileName(this, tr("Open a text file to train on"),
                                             tr("Text files (*.txt *.md *.csv *.json *.py *.cpp);;All files (*)"), FileKind::Corpus);
        if (!path.isEmpty()) state_->openCorpusFile(path);
    });
    connect(corpusBar_, &widgets::CorpusBar::byteLevelToggled, this, [this](bool on) {
        state_->setByteLevel(on);
        corpusBar_->setByteLevel(state_->byteLevel());  // refused while busy
    });
    connect(corpusBar_, &widgets::CorpusBar::tieRuleChosen, this,
            [this](int index) { state_->setTieBreak(tieRules[std::clamp(index, 0, 2)]); });
    connect(corpusBar_, &widgets::CorpusBar::cancelRequested, state_, &TokenizationState::cancelWork);

    connect(&state_->job(), &BackgroundJob::progressed, corpusBar_, &widgets::CorpusBar::showProgress);
    connect(&state_->job(), &BackgroundJob::finished, corpusBar_, &widgets::CorpusBar::hideProgress);
    connect(state_, &TokenizationState::busyChanged, corpusBar_, &widgets::CorpusBar::setBusy);
    connect(state_, &TokenizationState::problem, this, &TokenizationPage::showProblem);
    connect(state_, &TokenizationState::message, this, &TokenizationPage::message);
    connect(state_, &TokenizationState::changed, this, [this](TokenizationState::Change change) {
        if (change == TokenizationState::Change::Corpus) showCorpus();
        if (change == TokenizationState::Change::Corpus || change == TokenizationState::Change::Position) {
            corpusBar_->setByteLevel(state_->byteLevel());  // a session opened sets both
            showTieRule();  // a rule replayed, or put back
        }  // a rule replayed, or put back
    });

    QStringList names;
    for (const CorpusExample& example : corpusExamples()) names << example.name;
    corpusBar_->setExamples(names);
    showTieRule();
    state_->chooseExample(0);
}

TokenizationPage::~TokenizationPage() { state_->waitForIdle(); }

void TokenizationPage::buildFileActions() {
    exportMenu_ = new QMenu(this);
    openCorpusAction_ = new QAction(tr("&Open a corpus file…"), this);
    openCorpusAction_->setShortcut(QKeySequence::Open);
    connect(openCorpusAction_, &QAction::triggered, corpusBar_, &widgets::CorpusBar::openRequested);
    const auto saveDialog = [this](const QString& title, const QString& name, const QString& filter,
                                   std::function<QString(const QString&)> save) {
        const QString path = saveFileName(this, title, name, filter, FileKind::Export);
        if (path.isEmpty()) return;
        const QString problem = save(path);
        if (problem.isEmpty()) {
            emit message(tr("Saved %1").arg(QFileInfo(path).fileName()));
        } else {
            showProblem(problem);
        }
    };
    QAction* saveBpe = exportMenu_->addAction(tr("Save the &BPE tokenizer…"), this, [=, this] {
        saveDialog(tr("Save the BPE tokenizer"), QStringLiteral("tokenizer.json"), tr("JSON (*.json)"),
                   [this](const QString& path) { return saveTrainedTokenizer(*state_, path, false); });
    });
    saveBpe->setShortcut(QKeySequence::Save);
    saveBpe->setToolTip(tr("As a tokenizer.json, which Hugging Face's tokenizers load"));
    QAction* saveWordPiece = exportMenu_->addAction(tr("Save the &WordPiece tokenizer…"), this, [=, this] {
        saveDialog(tr("Save the WordPiece tokenizer"), QStringLiteral("wordpiece-tokenizer.json"), tr("JSON (*.json)"),
                   [this](const QString& path) { return saveTrainedTokenizer(*state_, path, true); });
    });
    saveWordPiece->setToolTip(saveBpe->toolTip());
    exportMenu_->addSeparator();
    exportMenu_->addAction(tr("Export the &merge tables (CSV)…"), this, [=, this] {
        saveDialog(tr("Export the merge tables"), QStringLiteral("merges.csv"), tr("CSV (*.csv)"),
                   [this](const QString& path) { return writeCsvFile(mergeTables(*state_), path); });
    });
    exportMenu_->addAction(tr("Export the &trade-off curve (CSV)…"), this, [=, this] {
        if (state_->curve().empty()) {
            showProblem(tr("The trade-off curve is still being computed."));
            return;
        }
        saveDialog(tr("Export the trade-off curve"), QStringLiteral("vocabulary-vs-length.csv"), tr("CSV (*.csv)"),
                   [this](const QString& path) { return writeCsvFile(tradeoffCurve(*state_), path); });
    });
    exportMenu_->addAction(tr("Save the &chart (PNG or PDF)…"), this, [=, this] {
        saveDialog(tr("Save the chart"), QStringLiteral("vocabulary-vs-length.png"),
                   tr("PNG image (*.png);;PDF document (*.pdf)"),
                   [this](const QString& path) { return saveChart(tradeoffTab_->chart(), path); });
    });
    corpusBar_->setExportMenu(exportMenu_);
    addAction(openCorpusAction_);
    addAction(saveBpe);
}

QList<QAction*> TokenizationPage::fileActions() const {
    QList<QAction*> actions{openCorpusAction_};
    actions << exportMenu_->actions();
    return actions;
}

void TokenizationPage::showCorpus() {
    const TokenizationState::Corpus& corpus = state_->corpus();
    if (state_->exampleIndex() >= 0) {
        corpusBar_->showExample(state_->exampleIndex());
        corpusBar_->setText(corpus.preview, false);
    } else if (corpus.fromFile) {
        corpusBar_->showFile(state_->corpusName());
        corpusBar_->setText(corpus.preview, true);
    } else if (corpusBar_->text() != corpus.preview) {
        corpusBar_->showOwnText();
        corpusBar_->setText(corpus.preview, false);
    }
    const QLocale locale;
    corpusBar_->setStatus(tr("%1\n%2 words, %3 distinct")
                              .arg(sizeText(corpus.bytes),
                                   locale.toString(static_cast<qulonglong>(corpus.characterWords->totalOccurrences())),
                                   locale.toString(static_cast<qulonglong>(corpus.characterWords->size()))));
}

void TokenizationPage::showTieRule() {
    QStringList names;
    QStringList explanations;
    for (const TieBreak rule : tieRules) {
        names << tieRuleTitle(rule);
        explanations << QString::fromStdString(std::string(tieBreakExplanation(rule)));
    }
    const auto current = std::find(std::begin(tieRules), std::end(tieRules), state_->tieRule()) - std::begin(tieRules);
    corpusBar_->setTieRules(names, explanations, int(current));
}

void TokenizationPage::showProblem(const QString& text) { corpusBar_->showProblem(text); }

void TokenizationPage::showTab(Tab tab) { tabs_->setCurrentIndex(tab); }

void TokenizationPage::setTokenizeText(const QString& text) {
    tokenizeTab_->setText(text);
    compareTab_->setText(text);
}

}  // namespace pretrainlab::app
