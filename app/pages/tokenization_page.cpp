#include "app/pages/tokenization_page.hpp"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QSplitter>
#include <QTabWidget>
#include <QTextStream>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "app/background_job.hpp"
#include "app/pages/corpus_examples.hpp"
#include "app/pages/merge_snapshots.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/encode_trace.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "widgets/compare_view.hpp"
#include "widgets/corpus_bar.hpp"
#include "widgets/merge_controls.hpp"
#include "widgets/merge_panel.hpp"
#include "widgets/tokenize_view.hpp"
#include "widgets/tradeoff_chart.hpp"

namespace pretrainlab::app {
namespace {

constexpr TieBreak tieRules[] = {TieBreak::HuggingFace, TieBreak::Lexicographic, TieBreak::FirstOccurrence};
// Work on a corpus larger than this runs in the background, with progress and Cancel.
constexpr std::uint64_t largeCorpusBytes = 256 * 1024;
// The lesson tokenizes (and animates) the beginning of a text only.
constexpr qsizetype maxTokenizeCharacters = 600;

QString qt(const std::string& text) { return QString::fromStdString(text); }

QString sizeText(std::uint64_t bytes) {
    return QLocale().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeSIFormat);
}

// Progress of one part of a job that is itself a share [from, to) of the whole.
Progress share(const Progress& whole, double from, double to) {
    return Progress{whole.report ? std::function<void(double)>([whole, from, to](double done) {
                                       whole(from + (to - from) * done);
                                   })
                                 : std::function<void(double)>(),
                    whole.shouldStop};
}

QString csvField(const QString& field) {
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) && !field.contains(QLatin1Char('\n'))) {
        return field;
    }
    QString quoted = field;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace

TokenizationPage::TokenizationPage(QWidget* parent) : QWidget(parent) {
    job_ = new BackgroundJob(this);
    buildLayout();
    buildExportMenu();

    connect(job_, &BackgroundJob::progressed, corpusBar_, &widgets::CorpusBar::showProgress);
    connect(job_, &BackgroundJob::started, this, [this](const QString& what) {
        setBusy(true);
        emit message(what);
    });
    connect(job_, &BackgroundJob::finished, this, [this] {
        corpusBar_->hideProgress();
        setBusy(false);
    });
    connect(&curveWatcher_, &QFutureWatcher<std::vector<TradeoffPoint>>::finished, this, [this] {
        if (curveWatcher_.isCanceled()) return;
        std::vector<TradeoffPoint> points = curveWatcher_.result();
        if (points.empty()) return;  // stopped for a newer corpus
        curve_ = std::move(points);
        std::vector<widgets::TradeoffSample> samples;
        samples.reserve(curve_.size());
        for (const TradeoffPoint& point : curve_) {
            samples.push_back({double(point.vocabularySize), double(point.totalTokens), point.tokensPerWord});
        }
        chart_->setCurve(samples, tr("%1 BPE on %2").arg(byteLevel_ ? tr("Byte-level") : tr("Character"), corpusName_));
        updateControls();
    });

    connect(&playTimer_, &QTimer::timeout, this, [this] {
        if (!bpe_ || isBusy()) return;
        const bool moved = bpe_->stepForward() | wordPiece_->stepForward();
        if (!moved) {
            setPlaying(false);
            return;
        }
        refresh(true);
        if (bpe_->atEnd() && wordPiece_->atEnd()) setPlaying(false);
    });
    playTimer_.setInterval(500);

    QStringList names;
    for (const CorpusExample& example : corpusExamples()) names << example.name;
    corpusBar_->setExamples(names);
    QStringList ruleNames;
    QStringList explanations;
    for (const TieBreak rule : tieRules) {
        ruleNames << tieRuleTitle(rule);
        explanations << qt(std::string(tieBreakExplanation(rule)));
    }
    corpusBar_->setTieRules(ruleNames, explanations, 0);
    chooseExample(0);
}

TokenizationPage::~TokenizationPage() {
    playTimer_.stop();
    job_->waitForDone();
    if (curveStop_) curveStop_->store(true);
    curveWatcher_.waitForFinished();
}

void TokenizationPage::buildLayout() {
    corpusBar_ = new widgets::CorpusBar;

    controls_ = new widgets::MergeControls;
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
    auto* mergeTab = new QWidget;
    auto* mergeLayout = new QVBoxLayout(mergeTab);
    mergeLayout->setContentsMargins(0, 8, 0, 0);
    mergeLayout->addWidget(controls_);
    mergeLayout->addWidget(sides, 1);

    tokenizeView_ = new widgets::TokenizeView;
    chart_ = new widgets::TradeoffChart;
    auto* chartTab = new QWidget;
    auto* chartLayout = new QVBoxLayout(chartTab);
    chartLayout->setContentsMargins(0, 8, 0, 0);
    auto* chartIntro = new QLabel(tr("Every merge adds one token to the vocabulary and makes the corpus "
                                     "shorter: a bigger vocabulary means shorter sequences, but more "
                                     "embeddings to learn. Real models use 32-64K tokens."));
    chartIntro->setWordWrap(true);
    chartLayout->addWidget(chartIntro);
    chartLayout->addWidget(chart_, 1);
    compareView_ = new widgets::CompareView;

    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("tokenizationTabs"));
    tabs_->addTab(mergeTab, tr("&Merge by merge"));
    tabs_->addTab(tokenizeView_, tr("Tokenize &new text"));
    tabs_->addTab(chartTab, tr("&Vocabulary vs length"));
    tabs_->addTab(compareView_, tr("&Real tokenizers"));
    tabs_->setTabToolTip(MergeTab, tr("Step through BPE and WordPiece side by side"));
    tabs_->setTabToolTip(TokenizeTab, tr("Apply the merges learned so far to any text"));
    tabs_->setTabToolTip(TradeoffTab, tr("The trade-off between vocabulary size and sequence length"));
    tabs_->setTabToolTip(CompareTab, tr("GPT-2's, BERT's or any tokenizer beside the ones trained here"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 8);
    layout->setSpacing(8);
    layout->addWidget(corpusBar_);
    layout->addWidget(tabs_, 1);

    controls_->addShortcutsTo(this);
    connect(controls_, &widgets::MergeControls::stepRequested, this, [this] { step(Side::Both); });
    connect(controls_, &widgets::MergeControls::backRequested, this, [this] { back(Side::Both); });
    connect(controls_, &widgets::MergeControls::resetRequested, this, &TokenizationPage::reset);
    connect(controls_, &widgets::MergeControls::playToggled, this, &TokenizationPage::setPlaying);
    connect(controls_, &widgets::MergeControls::mergesPerSecondChanged, this, [this](int rate) {
        playTimer_.setInterval(1000 / std::max(1, rate));
        const int animation = std::min(650, 1000 / std::max(1, rate) * 8 / 10);
        bpePanel_->setAnimationDuration(animation);
        wordPiecePanel_->setAnimationDuration(animation);
    });
    controls_->setMergesPerSecond(2);
    connect(controls_, &widgets::MergeControls::mergeNumberRequested, this, &TokenizationPage::goToMerge);
    connect(controls_, &widgets::MergeControls::vocabularySizeRequested, this, &TokenizationPage::goToVocabularySize);
    connect(bpePanel_, &widgets::MergePanel::stepRequested, this, [this] { step(Side::Bpe); });
    connect(bpePanel_, &widgets::MergePanel::backRequested, this, [this] { back(Side::Bpe); });
    connect(wordPiecePanel_, &widgets::MergePanel::stepRequested, this, [this] { step(Side::WordPiece); });
    connect(wordPiecePanel_, &widgets::MergePanel::backRequested, this, [this] { back(Side::WordPiece); });

    connect(corpusBar_, &widgets::CorpusBar::exampleChosen, this, &TokenizationPage::chooseExample);
    connect(corpusBar_, &widgets::CorpusBar::textEdited, this, [this](const QString& text) {
        corpusBar_->showOwnText();
        setCorpus(text);
    });
    connect(corpusBar_, &widgets::CorpusBar::openRequested, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a text file to train on"), {},
                                                          tr("Text files (*.txt *.md *.csv *.json *.py *.cpp);;All files (*)"));
        if (!path.isEmpty()) openCorpusFile(path);
    });
    connect(corpusBar_, &widgets::CorpusBar::byteLevelToggled, this, &TokenizationPage::setByteLevel);
    connect(corpusBar_, &widgets::CorpusBar::tieRuleChosen, this,
            [this](int index) { setTieBreak(tieRules[std::clamp(index, 0, 2)]); });
    connect(corpusBar_, &widgets::CorpusBar::cancelRequested, this, &TokenizationPage::cancelWork);

    connect(tokenizeView_, &widgets::TokenizeView::textEdited, this, [this] { refreshTokenizeTab(false); });
    connect(tokenizeView_, &widgets::TokenizeView::animateRequested, this, [this] { refreshTokenizeTab(true); });
    connect(compareView_, &widgets::CompareView::textEdited, this, [this] { refreshCompareTab(); });
    connect(compareView_, &widgets::CompareView::openRequested, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a tokenizer"), {},
            tr("Tokenizers (*.json *.tiktoken *.txt *.model);;All files (*)"));
        if (path.isEmpty()) return;
        QString merges;
        try {
            if (detectTokenizerFile(path.toStdString()) == TokenizerFileKind::VocabJson &&
                !QFileInfo::exists(QFileInfo(path).dir().filePath(QStringLiteral("merges.txt")))) {
                merges = QFileDialog::getOpenFileName(this, tr("Open the merges.txt that goes with %1")
                                                                .arg(QFileInfo(path).fileName()),
                                                      QFileInfo(path).path(), tr("Merges (*.txt);;All files (*)"));
                if (merges.isEmpty()) return;
            }
        } catch (const std::exception& error) {
            compareView_->showProblem(QString::fromUtf8(error.what()));
            return;
        }
        openTokenizerFile(path, merges);
    });
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab == TokenizeTab) refreshTokenizeTab(false);
        if (tab == CompareTab) refreshCompareTab();
    });
}

void TokenizationPage::buildExportMenu() {
    exportMenu_ = new QMenu(this);
    openCorpusAction_ = new QAction(tr("&Open a corpus file…"), this);
    openCorpusAction_->setShortcut(QKeySequence::Open);
    connect(openCorpusAction_, &QAction::triggered, corpusBar_, &widgets::CorpusBar::openRequested);
    saveBpeAction_ = exportMenu_->addAction(tr("Save the &BPE tokenizer as tokenizer.json…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the BPE tokenizer"),
                                                          QStringLiteral("tokenizer.json"), tr("JSON (*.json)"));
        if (!path.isEmpty()) saveTokenizer(path, false);
    });
    saveBpeAction_->setShortcut(QKeySequence::Save);
    exportMenu_->addAction(tr("Save the &WordPiece tokenizer as tokenizer.json…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the WordPiece tokenizer"),
                                                          QStringLiteral("wordpiece-tokenizer.json"), tr("JSON (*.json)"));
        if (!path.isEmpty()) saveTokenizer(path, true);
    });
    exportMenu_->addSeparator();
    exportMenu_->addAction(tr("Export the &merge tables (CSV)…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the merge tables"),
                                                          QStringLiteral("merges.csv"), tr("CSV (*.csv)"));
        if (!path.isEmpty()) exportMerges(path);
    });
    exportMenu_->addAction(tr("Export the &trade-off curve (CSV)…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the trade-off curve"),
                                                          QStringLiteral("vocabulary-vs-length.csv"), tr("CSV (*.csv)"));
        if (!path.isEmpty()) exportCurve(path);
    });
    exportMenu_->addAction(tr("Save the &chart (PNG or PDF)…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the chart"),
                                                          QStringLiteral("vocabulary-vs-length.png"),
                                                          tr("PNG image (*.png);;PDF document (*.pdf)"));
        if (!path.isEmpty()) saveChart(path);
    });
    corpusBar_->setExportMenu(exportMenu_);
    addAction(openCorpusAction_);
    addAction(saveBpeAction_);
}

QList<QAction*> TokenizationPage::fileActions() const {
    QList<QAction*> actions{openCorpusAction_};
    actions << exportMenu_->actions();
    return actions;
}

// ---- the corpus ----------------------------------------------------------------------------

TokenizationPage::Corpus TokenizationPage::countCorpus(QString name, QString preview, bool fromFile,
                                                       const std::string& text, const Progress& progress) {
    Corpus corpus;
    corpus.name = std::move(name);
    corpus.preview = std::move(preview);
    corpus.fromFile = fromFile;
    corpus.bytes = text.size();
    const std::string source = corpus.name.toStdString();
    if (fromFile) {
        // A file must hold words: say where it does not.
        corpus.characterWords = std::make_shared<const WordCounts>(
            countCorpusWords(text, source, {PreTokenizerKind::Whitespace, false, 0}, share(progress, 0.0, 0.5)));
    } else {
        corpus.characterWords = std::make_shared<const WordCounts>(
            countWords(text, PreTokenizer(PreTokenizerKind::Whitespace), 1, share(progress, 0.0, 0.5)));
    }
    corpus.byteWords = std::make_shared<const WordCounts>(
        countWords(text, PreTokenizer(PreTokenizerKind::ByteLevel), 0, share(progress, 0.5, 0.95)));
    return corpus;
}

TokenizationPage::Trainers TokenizationPage::makeTrainers(const Corpus& corpus, bool byteLevel, TieBreak rule) {
    const TraceRequest trace{true, shownCandidates, true};
    BpeOptions bpe;
    bpe.tieBreak = rule;
    bpe.symbols = byteLevel ? InitialSymbols::Bytes : InitialSymbols::Characters;
    BpeOptions wordPiece;
    wordPiece.tieBreak = rule;
    wordPiece.criterion = MergeCriterion::Likelihood;
    wordPiece.continuingPrefix = "##";
    wordPiece.specialTokens = {"[UNK]"};
    Trainers trainers;
    trainers.bpe = std::make_unique<BpeStepper>(byteLevel ? *corpus.byteWords : *corpus.characterWords, bpe, trace);
    trainers.wordPiece = std::make_unique<BpeStepper>(*corpus.characterWords, wordPiece, trace);
    return trainers;
}

void TokenizationPage::chooseExample(int index) {
    const std::vector<CorpusExample>& examples = corpusExamples();
    if (index < 0 || index >= static_cast<int>(examples.size())) return;
    corpusBar_->showExample(index);
    corpusBar_->setText(examples[static_cast<std::size_t>(index)].text, false);
    tokenizeView_->setText(examples[static_cast<std::size_t>(index)].sampleToTokenize);
    if (compareView_->text().isEmpty() || index > 0) {
        compareView_->setText(examples[static_cast<std::size_t>(index)].sampleToTokenize);
    }
    setCorpus(examples[static_cast<std::size_t>(index)].text);
    corpusName_ = examples[static_cast<std::size_t>(index)].name;
}

void TokenizationPage::setCorpus(const QString& text) {
    if (isBusy()) return;
    setPlaying(false);
    if (corpusBar_->text() != text) corpusBar_->setText(text, false);
    const QByteArray bytes = text.toUtf8();
    const std::string content(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    Corpus corpus = countCorpus(tr("the typed text"), text, false, content, {});
    Trainers trainers = makeTrainers(corpus, byteLevel_, tieRule_);
    adopt(std::move(corpus), std::move(trainers));
}

void TokenizationPage::openCorpusFile(const QString& path) {
    if (isBusy()) return;
    setPlaying(false);
    const bool byteLevel = byteLevel_;
    const TieBreak rule = tieRule_;
    job_->start(
        tr("Reading and counting %1").arg(QFileInfo(path).fileName()),
        [this, path, byteLevel, rule](const Progress& progress) -> BackgroundJob::Apply {
            const std::string text = readFileBytes(path.toStdString());
            progress(0.02);
            QString preview = QString::fromUtf8(text.data(), static_cast<qsizetype>(std::min<std::size_t>(text.size(), 2000)));
            auto corpus = std::make_shared<Corpus>(countCorpus(path, preview, true, text, share(progress, 0.02, 0.9)));
            if (progress.stopRequested()) throw Cancelled();
            auto trainers = std::make_shared<Trainers>(makeTrainers(*corpus, byteLevel, rule));
            return [corpus, trainers, this]() mutable { adopt(std::move(*corpus), std::move(*trainers)); };
        },
        [this](const QString& error) { showProblem(error); },
        [this] { emit message(tr("Loading cancelled; the previous corpus is still here.")); });
}

void TokenizationPage::adopt(Corpus corpus, Trainers trainers) {
    corpus_ = std::move(corpus);
    corpusName_ = corpus_.fromFile ? QFileInfo(corpus_.name).fileName() : corpus_.name;
    bpe_ = std::move(trainers.bpe);
    wordPiece_ = std::move(trainers.wordPiece);
    bpeRules_ = std::make_shared<std::vector<widgets::RuleRow>>();
    wordPieceRules_ = std::make_shared<std::vector<widgets::RuleRow>>();
    curve_.clear();

    const QLocale locale;
    const WordCounts& words = *corpus_.characterWords;
    if (corpus_.fromFile) {
        corpusBar_->showFile(corpusName_);
        corpusBar_->setText(corpus_.preview, true);
    }
    corpusBar_->setStatus(tr("%1\n%2 words, %3 distinct")
                              .arg(sizeText(corpus_.bytes),
                                   locale.toString(static_cast<qulonglong>(words.totalOccurrences())),
                                   locale.toString(static_cast<qulonglong>(words.size()))));
    showProblem(words.empty() ? tr("The corpus is empty: type some words to train on.") : QString());
    refresh(false);
    computeCurve();
}

void TokenizationPage::setByteLevel(bool on) {
    if (isBusy() || on == byteLevel_) {
        corpusBar_->setByteLevel(byteLevel_);
        return;
    }
    setPlaying(false);
    byteLevel_ = on;
    corpusBar_->setByteLevel(on);
    // The BPE side starts again from bytes (or characters); WordPiece stays where it is.
    const TraceRequest trace{true, shownCandidates, true};
    BpeOptions options = bpe_->options();
    options.symbols = on ? InitialSymbols::Bytes : InitialSymbols::Characters;
    bpe_ = std::make_unique<BpeStepper>(on ? *corpus_.byteWords : *corpus_.characterWords, options, trace);
    bpeRules_ = std::make_shared<std::vector<widgets::RuleRow>>();
    curve_.clear();
    refresh(false);
    computeCurve();
}

void TokenizationPage::setTieBreak(TieBreak rule) {
    if (isBusy()) return;
    setPlaying(false);
    tieRule_ = rule;
    const int index = static_cast<int>(std::find(std::begin(tieRules), std::end(tieRules), rule) - std::begin(tieRules));
    QStringList names;
    QStringList explanations;
    for (const TieBreak each : tieRules) {
        names << tieRuleTitle(each);
        explanations << qt(std::string(tieBreakExplanation(each)));
    }
    corpusBar_->setTieRules(names, explanations, index);
    moveTrainers(tr("Replaying the merges under the new tie rule"),
                 [rule](BpeStepper& stepper, const Progress& progress) { stepper.setTieBreak(rule, progress); });
}

// ---- stepping ------------------------------------------------------------------------------

void TokenizationPage::step(Side side) {
    if (isBusy() || !bpe_) return;
    bool moved = false;
    if (side != Side::WordPiece) moved |= bpe_->stepForward();
    if (side != Side::Bpe) moved |= wordPiece_->stepForward();
    if (moved) refresh(true);
}

void TokenizationPage::back(Side side) {
    if (isBusy() || !bpe_) return;
    setPlaying(false);
    bool moved = false;
    if (side != Side::WordPiece) moved |= bpe_->stepBack();
    if (side != Side::Bpe) moved |= wordPiece_->stepBack();
    if (moved) refresh(false);
}

void TokenizationPage::reset() {
    setPlaying(false);
    moveTrainers(tr("Back to the start"), [](BpeStepper& stepper, const Progress& progress) { stepper.goTo(0, progress); });
}

void TokenizationPage::goToMerge(int merges) {
    setPlaying(false);
    moveTrainers(tr("Training to merge %1").arg(merges), [merges](BpeStepper& stepper, const Progress& progress) {
        stepper.goTo(static_cast<std::size_t>(std::max(0, merges)), progress);
    });
}

void TokenizationPage::goToVocabularySize(int size) {
    setPlaying(false);
    moveTrainers(tr("Training to %1 tokens").arg(QLocale().toString(size)),
                 [size](BpeStepper& stepper, const Progress& progress) {
                     stepper.goToVocabularySize(static_cast<std::size_t>(std::max(0, size)), progress);
                 });
}

bool TokenizationPage::largeCorpus() const { return corpus_.bytes > largeCorpusBytes; }

void TokenizationPage::moveTrainers(const QString& what, std::function<void(BpeStepper&, const Progress&)> move) {
    if (isBusy() || !bpe_) return;
    if (!largeCorpus()) {
        move(*bpe_, {});
        move(*wordPiece_, {});
        refresh(false);
        return;
    }
    // The trainers go to the worker and come back, moved or (cancelled, failed) where they were.
    auto trainers = std::make_shared<Trainers>(Trainers{std::move(bpe_), std::move(wordPiece_)});
    job_->start(
        what,
        [this, trainers, move](const Progress& progress) -> BackgroundJob::Apply {
            const std::size_t bpeWas = trainers->bpe->position();
            const std::size_t wordPieceWas = trainers->wordPiece->position();
            const TieBreak ruleWas = trainers->bpe->options().tieBreak;
            QString problem;
            try {
                move(*trainers->bpe, share(progress, 0.0, 0.5));
                move(*trainers->wordPiece, share(progress, 0.5, 1.0));
            } catch (const Cancelled&) {
                problem = QStringLiteral("cancelled");
            } catch (const std::exception& error) {
                problem = QString::fromUtf8(error.what());
            }
            if (!problem.isEmpty()) {  // back where they were
                for (BpeStepper* stepper : {trainers->bpe.get(), trainers->wordPiece.get()}) {
                    if (stepper->options().tieBreak != ruleWas) stepper->setTieBreak(ruleWas);
                    stepper->goTo(stepper == trainers->bpe.get() ? bpeWas : wordPieceWas);
                }
            }
            return [this, trainers, problem] {
                bpe_ = std::move(trainers->bpe);
                wordPiece_ = std::move(trainers->wordPiece);
                tieRule_ = bpe_->options().tieBreak;
                if (problem == QStringLiteral("cancelled")) {
                    emit message(tr("Cancelled; training is where it was."));
                } else if (!problem.isEmpty()) {
                    showProblem(problem);
                }
                refresh(false);
            };
        },
        [this](const QString& error) { showProblem(error); });
}

void TokenizationPage::setPlaying(bool playing) {
    if (playing && (!bpe_ || isBusy() || (bpe_->atEnd() && wordPiece_->atEnd()))) playing = false;
    if (playing) {
        playTimer_.start();
    } else {
        playTimer_.stop();
    }
    controls_->setPlaying(playing);
}

// ---- showing the state ---------------------------------------------------------------------

void TokenizationPage::refresh(bool animate) {
    if (!bpe_) return;
    syncRules(*bpe_, *bpeRules_);
    syncRules(*wordPiece_, *wordPieceRules_);
    bpePanel_->showSnapshot(panelSnapshot(*bpe_, bpeRules_), animate);
    wordPiecePanel_->showSnapshot(panelSnapshot(*wordPiece_, wordPieceRules_), animate);
    updateControls();
    if (tabs_->currentIndex() == TokenizeTab) refreshTokenizeTab(false);
    if (tabs_->currentIndex() == CompareTab) refreshCompareTab();
}

void TokenizationPage::updateControls() {
    if (!bpe_) return;
    const BpeTrainer& trainer = bpe_->trainer();
    const int vocabulary = static_cast<int>(trainer.vocabulary().size());
    const int start = static_cast<int>(trainer.alphabetSize() + trainer.options().specialTokens.size());
    // How far training can go is known once the curve is.
    const int lastMerge = curve_.empty() ? static_cast<int>(bpe_->position()) + 1000 : static_cast<int>(curve_.back().merges);
    const int largest = curve_.empty() ? vocabulary + 1000 : static_cast<int>(curve_.back().vocabularySize);
    controls_->setPosition(static_cast<int>(bpe_->position()), lastMerge, vocabulary, start, largest,
                           !bpe_->atEnd() || !wordPiece_->atEnd(), bpe_->position() > 0 || wordPiece_->position() > 0);
    chart_->setMarker(vocabulary);
}

std::optional<Tokenizer> TokenizationPage::trainedBpeTokenizer() const {
    if (!bpe_) return std::nullopt;
    return tokenizerFromTrainer(bpe_->trainer(), byteLevel_ ? PreTokenizerKind::ByteLevel : PreTokenizerKind::Whitespace);
}

std::optional<Tokenizer> TokenizationPage::trainedWordPieceTokenizer() const {
    if (!wordPiece_) return std::nullopt;
    return tokenizerFromTrainer(wordPiece_->trainer(), PreTokenizerKind::Whitespace);
}

void TokenizationPage::refreshTokenizeTab(bool animate) {
    if (!bpe_ || isBusy()) return;
    const QString text = tokenizeView_->text().left(maxTokenizeCharacters);
    const QByteArray bytes = text.toUtf8();
    const std::string content(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    try {
        const Tokenizer bpe = *trainedBpeTokenizer();
        const Tokenizer wordPiece = *trainedWordPieceTokenizer();
        const EncodingTrace trace = traceEncoding(bpe, content);
        const QString bpeLabel = tr("BPE");
        std::vector<widgets::EncodingFrame> frames = encodingFrames(bpe, trace, bpeLabel);
        const widgets::ChipWord wordPieceRow = tokenRow(wordPiece, content, tr("WordPiece"), false);
        std::size_t bpeTokens = 0;
        for (const auto& piece : trace.final()) bpeTokens += piece.size();
        const std::size_t wordPieceTokens = static_cast<std::size_t>(
            std::count_if(wordPieceRow.chips.begin(), wordPieceRow.chips.end(), [](const widgets::TokenChip& chip) { return chip.tokenId >= 0; }));
        const QLocale locale;
        const QString counts = tr("%1 characters, %2 bytes → BPE: %3 tokens · WordPiece: %4 tokens")
                                   .arg(locale.toString(static_cast<qulonglong>(utf8::countCharacters(content))),
                                        locale.toString(static_cast<qulonglong>(content.size())),
                                        locale.toString(static_cast<qulonglong>(bpeTokens)),
                                        locale.toString(static_cast<qulonglong>(wordPieceTokens)));
        tokenizeView_->showEncoding(std::move(frames), wordPieceRow, counts, animate);
        tokenizeView_->setBytes(byteLevel_ ? byteCells(text) : std::vector<widgets::ByteCell>{}, byteLevel_);
        tokenizeView_->showProblem(text.size() < tokenizeView_->text().size()
                                       ? tr("Only the first %1 characters are tokenized here.").arg(maxTokenizeCharacters)
                                       : QString());
    } catch (const std::exception& error) {
        tokenizeView_->showProblem(QString::fromUtf8(error.what()));
    }
}

void TokenizationPage::refreshCompareTab() {
    if (!bpe_ || isBusy()) return;
    const QByteArray bytes = compareView_->text().left(2000).toUtf8();
    const std::string text(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    std::vector<widgets::ChipWord> rows;
    try {
        rows.push_back(tokenRow(*trainedBpeTokenizer(), text,
                                byteLevel_ ? tr("Here: byte-level BPE") : tr("Here: BPE"), false));
        rows.push_back(tokenRow(*trainedWordPieceTokenizer(), text, tr("Here: WordPiece"), false));
        if (loaded_) rows.push_back(tokenRow(*loaded_, text, loadedName_, true));
    } catch (const std::exception& error) {
        compareView_->showProblem(QString::fromUtf8(error.what()));
    }
    compareView_->showRows(std::move(rows));
}

void TokenizationPage::computeCurve() {
    if (curveStop_) curveStop_->store(true);
    curveStop_ = std::make_shared<std::atomic<bool>>(false);
    chart_->clear(tr("Computing the curve…"));
    if (!bpe_ || corpus_.characterWords->empty()) {
        chart_->clear(tr("No corpus yet."));
        return;
    }
    const std::shared_ptr<const WordCounts> words = byteLevel_ ? corpus_.byteWords : corpus_.characterWords;
    BpeOptions options = bpe_->options();
    auto stop = curveStop_;
    curveWatcher_.setFuture(QtConcurrent::run([words, options, stop]() -> std::vector<TradeoffPoint> {
        try {
            return tradeoffCurve(*words, options, Progress{{}, [stop] { return stop->load(); }});
        } catch (const std::exception&) {
            return {};
        }
    }));
}

// ---- real tokenizers -----------------------------------------------------------------------

void TokenizationPage::openTokenizerFile(const QString& path, const QString& mergesPath) {
    if (isBusy()) return;
    job_->start(
        tr("Loading %1").arg(QFileInfo(path).fileName()),
        [this, path, mergesPath](const Progress&) -> BackgroundJob::Apply {
            std::optional<std::filesystem::path> merges;
            if (!mergesPath.isEmpty()) {
                merges = mergesPath.toStdString();
            } else if (detectTokenizerFile(path.toStdString()) == TokenizerFileKind::VocabJson) {
                const QString beside = QFileInfo(path).dir().filePath(QStringLiteral("merges.txt"));
                if (QFileInfo::exists(beside)) merges = beside.toStdString();
            }
            auto tokenizer = std::make_shared<Tokenizer>(loadTokenizer(path.toStdString(), merges));
            // Runs on the UI thread.
            return [this, tokenizer, path] {
                loaded_ = *tokenizer;
                loadedName_ = QFileInfo(path).fileName();
                compareView_->setLoaded(tr("%1: %2, %3 tokens")
                                            .arg(loadedName_, qt(tokenizer->kindName()),
                                                 QLocale().toString(static_cast<qulonglong>(tokenizer->vocabulary().size()))));
                compareView_->showProblem({});
                refreshCompareTab();
                emit message(tr("Loaded %1").arg(loadedName_));
            };
        },
        [this](const QString& error) { compareView_->showProblem(error); });
}

bool TokenizationPage::isBusy() const { return job_->busy(); }

void TokenizationPage::cancelWork() {
    job_->cancel();
    emit message(tr("Cancelling…"));
}

void TokenizationPage::waitForIdle() {
    job_->waitForDone();
    curveWatcher_.waitForFinished();
}

void TokenizationPage::showTab(Tab tab) { tabs_->setCurrentIndex(tab); }

void TokenizationPage::setTokenizeText(const QString& text) {
    tokenizeView_->setText(text);
    compareView_->setText(text);
    refreshTokenizeTab(false);
    refreshCompareTab();
}

void TokenizationPage::setBusy(bool busy) {
    corpusBar_->setBusy(busy);
    controls_->setBusy(busy);
    bpePanel_->setBusy(busy);
    wordPiecePanel_->setBusy(busy);
    compareView_->setBusy(busy);
    emit busyChanged(busy);
}

void TokenizationPage::showProblem(const QString& text) { corpusBar_->showProblem(text); }

// ---- export --------------------------------------------------------------------------------

bool TokenizationPage::saveTokenizer(const QString& path, bool wordPiece) {
    try {
        const std::optional<Tokenizer> tokenizer = wordPiece ? trainedWordPieceTokenizer() : trainedBpeTokenizer();
        if (!tokenizer) return false;
        writeTokenizerJson(*tokenizer, path.toStdString());
        emit message(tr("Saved %1").arg(QFileInfo(path).fileName()));
        return true;
    } catch (const std::exception& error) {
        showProblem(QString::fromUtf8(error.what()));
        return false;
    }
}

bool TokenizationPage::exportMerges(const QString& path) {
    if (!bpe_) return false;
    QString csv = QStringLiteral("algorithm,rank,left,right,merged,count,score\n");
    const auto rows = [&](const QString& algorithm, const std::vector<widgets::RuleRow>& rules) {
        for (const widgets::RuleRow& rule : rules) {
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                       .arg(algorithm)
                       .arg(rule.rank)
                       .arg(csvField(rule.left), csvField(rule.right), csvField(rule.merged))
                       .arg(rule.count)
                       .arg(algorithm == QStringLiteral("wordpiece") ? QString::number(rule.score, 'g', 10) : QString());
        }
    };
    rows(QStringLiteral("bpe"), *bpeRules_);
    rows(QStringLiteral("wordpiece"), *wordPieceRules_);
    return writeCsv(path, csv);
}

bool TokenizationPage::writeCsv(const QString& path, const QString& csv) {
    try {
        const QByteArray bytes = csv.toUtf8();
        writeFileAtomically(path.toStdString(), std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
        emit message(tr("Saved %1").arg(QFileInfo(path).fileName()));
        return true;
    } catch (const std::exception& error) {
        showProblem(QString::fromUtf8(error.what()));
        return false;
    }
}

bool TokenizationPage::exportCurve(const QString& path) {
    if (curve_.empty()) {
        showProblem(tr("The trade-off curve is still being computed."));
        return false;
    }
    QString csv = QStringLiteral("merges,vocabulary_size,total_tokens,tokens_per_word\n");
    for (const TradeoffPoint& point : curve_) {
        csv += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(point.merges)
                   .arg(point.vocabularySize)
                   .arg(point.totalTokens)
                   .arg(point.tokensPerWord, 0, 'g', 10);
    }
    return writeCsv(path, csv);
}

bool TokenizationPage::saveChart(const QString& path) {
    const bool pdf = path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
    const bool saved = pdf ? chart_->savePdf(path) : chart_->savePng(path);
    if (!saved) showProblem(tr("%1: could not write the chart").arg(path));
    return saved;
}

}  // namespace pretrainlab::app
