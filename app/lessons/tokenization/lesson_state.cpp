#include "app/lessons/tokenization/lesson_state.hpp"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include "app/jobs/background_job.hpp"
#include "app/jobs/latest_job.hpp"
#include "app/lessons/tokenization/corpus_examples.hpp"
#include "app/lessons/tokenization/merge_snapshots.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/input_file.hpp"
#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"

namespace pretrainlab::app {
namespace {

// Work on a corpus larger than this runs in the background, with progress and Cancel.
constexpr std::uint64_t largeCorpusBytes = 256 * 1024;

// Progress of one part of a job that is itself a share [from, to) of the whole.
Progress share(const Progress& whole, double from, double to) {
    return Progress{whole.report ? std::function<void(double)>([whole, from, to](double done) {
                                       whole(from + (to - from) * done);
                                   })
                                 : std::function<void(double)>(),
                    whole.shouldStop};
}

std::string utf8(const QString& text) {
    const QByteArray bytes = text.toUtf8();
    return std::string(bytes.constData(), static_cast<std::size_t>(bytes.size()));
}

}  // namespace

TokenizationState::TokenizationState(QObject* parent) : QObject(parent) {
    job_ = new BackgroundJob(this);
    curveJob_ = new LatestJob(this);
    connect(job_, &BackgroundJob::started, this, [this](const QString& what) {
        emit busyChanged(true);
        emit message(what);
    });
    connect(job_, &BackgroundJob::finished, this, [this] { emit busyChanged(false); });
}

TokenizationState::~TokenizationState() { job_->waitForDone(); }

// ---- the corpus ----------------------------------------------------------------------------

TokenizationState::Corpus TokenizationState::countCorpus(QString name, QString preview, bool fromFile,
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

TokenizationState::Trainers TokenizationState::makeTrainers(const Corpus& corpus, bool byteLevel, TieBreak rule) {
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

void TokenizationState::chooseExample(int index) {
    const std::vector<CorpusExample>& examples = corpusExamples();
    if (isBusy() || index < 0 || index >= static_cast<int>(examples.size())) return;
    const CorpusExample& example = examples[static_cast<std::size_t>(index)];
    Corpus corpus = countCorpus(example.name, example.text, false, utf8(example.text), {});
    Trainers trainers = makeTrainers(corpus, byteLevel_, tieRule_);
    exampleIndex_ = index;
    adopt(std::move(corpus), std::move(trainers));
}

void TokenizationState::setCorpus(const QString& text) {
    if (isBusy()) return;
    Corpus corpus = countCorpus(tr("the typed text"), text, false, utf8(text), {});
    Trainers trainers = makeTrainers(corpus, byteLevel_, tieRule_);
    exampleIndex_ = -1;
    adopt(std::move(corpus), std::move(trainers));
}

void TokenizationState::openCorpusFile(const QString& path) {
    if (isBusy()) return;
    const bool byteLevel = byteLevel_;
    const TieBreak rule = tieRule_;
    job_->start(
        tr("Reading and counting %1").arg(QFileInfo(path).fileName()),
        [this, path, byteLevel, rule](const Progress& progress) -> BackgroundJob::Apply {
            const std::string text = readInputFile(path.toStdString(), maxWholeFileBytes, share(progress, 0.0, 0.02));
            progress(0.02);
            QString preview = QString::fromUtf8(text.data(), static_cast<qsizetype>(std::min<std::size_t>(text.size(), 2000)));
            auto corpus = std::make_shared<Corpus>(countCorpus(path, preview, true, text, share(progress, 0.02, 0.9)));
            if (progress.stopRequested()) throw Cancelled();
            auto trainers = std::make_shared<Trainers>(makeTrainers(*corpus, byteLevel, rule));
            return [corpus, trainers, this]() mutable {
                exampleIndex_ = -1;
                adopt(std::move(*corpus), std::move(*trainers));
            };
        },
        [this](const QString& error) { emit problem(error); },
        [this] { emit message(tr("Loading cancelled; the previous corpus is still here.")); });
}

void TokenizationState::adopt(Corpus corpus, Trainers trainers) {
    corpus_ = std::move(corpus);
    corpusName_ = corpus_.fromFile ? QFileInfo(corpus_.name).fileName() : corpus_.name;
    bpe_ = std::move(trainers.bpe);
    wordPiece_ = std::move(trainers.wordPiece);
    bpeRules_ = std::make_shared<std::vector<widgets::RuleRow>>();
    wordPieceRules_ = std::make_shared<std::vector<widgets::RuleRow>>();
    curve_.clear();
    emit problem(corpus_.characterWords->empty() ? tr("The corpus is empty: type some words to train on.") : QString());
    moved(Change::Corpus);
    computeCurve();
}

void TokenizationState::setByteLevel(bool on) {
    if (isBusy() || on == byteLevel_ || !bpe_) return;
    byteLevel_ = on;
    // The BPE side starts again from bytes (or characters); WordPiece stays where it is.
    const TraceRequest trace{true, shownCandidates, true};
    BpeOptions options = bpe_->options();
    options.symbols = on ? InitialSymbols::Bytes : InitialSymbols::Characters;
    bpe_ = std::make_unique<BpeStepper>(on ? *corpus_.byteWords : *corpus_.characterWords, options, trace);
    bpeRules_ = std::make_shared<std::vector<widgets::RuleRow>>();
    curve_.clear();
    moved(Change::Position);
    computeCurve();
}

void TokenizationState::setTieBreak(TieBreak rule) {
    if (isBusy() || !bpe_) return;
    tieRule_ = rule;
    moveTrainers(tr("Replaying the merges under the new tie rule"),
                 [rule](BpeStepper& stepper, const Progress& progress) { stepper.setTieBreak(rule, progress); });
}

// ---- stepping ------------------------------------------------------------------------------

bool TokenizationState::step(Side side) {
    if (isBusy() || !bpe_) return false;
    bool stepped = false;
    if (side != Side::WordPiece) stepped |= bpe_->stepForward();
    if (side != Side::Bpe) stepped |= wordPiece_->stepForward();
    if (stepped) moved(Change::StepForward);
    return stepped;
}

bool TokenizationState::back(Side side) {
    if (isBusy() || !bpe_) return false;
    bool stepped = false;
    if (side != Side::WordPiece) stepped |= bpe_->stepBack();
    if (side != Side::Bpe) stepped |= wordPiece_->stepBack();
    if (stepped) moved(Change::Position);
    return stepped;
}

bool TokenizationState::atEnd() const { return !bpe_ || (bpe_->atEnd() && wordPiece_->atEnd()); }

void TokenizationState::reset() {
    moveTrainers(tr("Back to the start"), [](BpeStepper& stepper, const Progress& progress) { stepper.goTo(0, progress); });
}

void TokenizationState::goToMerge(int merges) {
    moveTrainers(tr("Training to merge %1").arg(merges), [merges](BpeStepper& stepper, const Progress& progress) {
        stepper.goTo(static_cast<std::size_t>(std::max(0, merges)), progress);
    });
}

void TokenizationState::goToVocabularySize(int size) {
    moveTrainers(tr("Training to %1 tokens").arg(QLocale().toString(size)),
                 [size](BpeStepper& stepper, const Progress& progress) {
                     stepper.goToVocabularySize(static_cast<std::size_t>(std::max(0, size)), progress);
                 });
}

bool TokenizationState::largeCorpus() const { return corpus_.bytes > largeCorpusBytes; }

void TokenizationState::moveTrainers(const QString& what, std::function<void(BpeStepper&, const Progress&)> move) {
    if (isBusy() || !bpe_) return;
    if (!largeCorpus()) {
        move(*bpe_, {});
        move(*wordPiece_, {});
        moved(Change::Position);
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
            QString failure;
            bool cancelled = false;
            try {
                move(*trainers->bpe, share(progress, 0.0, 0.5));
                move(*trainers->wordPiece, share(progress, 0.5, 1.0));
            } catch (const Cancelled&) {
                cancelled = true;
            } catch (const std::exception& error) {
                failure = QString::fromUtf8(error.what());
            }
            if (cancelled || !failure.isEmpty()) {  // back where they were
                for (BpeStepper* stepper : {trainers->bpe.get(), trainers->wordPiece.get()}) {
                    if (stepper->options().tieBreak != ruleWas) stepper->setTieBreak(ruleWas);
                    stepper->goTo(stepper == trainers->bpe.get() ? bpeWas : wordPieceWas);
                }
            }
            return [this, trainers, failure, cancelled] {
                bpe_ = std::move(trainers->bpe);
                wordPiece_ = std::move(trainers->wordPiece);
                tieRule_ = bpe_->options().tieBreak;
                if (cancelled) emit message(tr("Cancelled; training is where it was."));
                if (!failure.isEmpty()) emit problem(failure);
                moved(Change::Position);
            };
        },
        [this](const QString& error) { emit problem(error); });
}

void TokenizationState::moved(Change change) {
    syncRules(*bpe_, *bpeRules_);
    syncRules(*wordPiece_, *wordPieceRules_);
    emit changed(change);
}

std::optional<Tokenizer> TokenizationState::trainedBpeTokenizer() const {
    if (!bpe_) return std::nullopt;
    return tokenizerFromTrainer(bpe_->trainer(), byteLevel_ ? PreTokenizerKind::ByteLevel : PreTokenizerKind::Whitespace);
}

std::optional<Tokenizer> TokenizationState::trainedWordPieceTokenizer() const {
    if (!wordPiece_) return std::nullopt;
    return tokenizerFromTrainer(wordPiece_->trainer(), PreTokenizerKind::Whitespace);
}

// ---- the curve -----------------------------------------------------------------------------

void TokenizationState::computeCurve() {
    if (!bpe_ || corpus_.characterWords->empty()) {
        curveJob_->drop();
        emit changed(Change::Curve);
        return;
    }
    const std::shared_ptr<const WordCounts> words = byteLevel_ ? corpus_.byteWords : corpus_.characterWords;
    const BpeOptions options = bpe_->options();
    curveJob_->request([this, words, options](const Progress& progress) -> LatestJob::Apply {
        auto points = std::make_shared<std::vector<TradeoffPoint>>(tradeoffCurve(*words, options, progress));
        return [this, points] {
            curve_ = std::move(*points);
            emit changed(Change::Curve);
        };
    });
    emit changed(Change::Curve);  // "computing"
}

// ---- real tokenizers -----------------------------------------------------------------------

void TokenizationState::showTokenizer(const Tokenizer& tokenizer, const QString& name) {
    if (isBusy()) return;
    loaded_ = tokenizer;
    loadedName_ = name;
    emit tokenizerProblem({});
    emit changed(Change::LoadedTokenizer);
    emit message(tr("Loaded %1").arg(loadedName_));
}

void TokenizationState::openTokenizerFile(const QString& path, const QString& mergesPath) {
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
            return [this, tokenizer, path] {
                loaded_ = *tokenizer;
                loadedName_ = QFileInfo(path).fileName();
                emit tokenizerProblem({});
                emit changed(Change::LoadedTokenizer);
                emit message(tr("Loaded %1").arg(loadedName_));
            };
        },
        [this](const QString& error) { emit tokenizerProblem(error); });
}

// ---- sessions ------------------------------------------------------------------------------

struct TokenizationState::Rebuilt {
    Corpus corpus;
    Trainers trainers;
    int exampleIndex = -1;
    bool byteLevel = false;
    TieBreak tieRule = TieBreak::HuggingFace;
};

std::optional<TokenizationState::Saved> TokenizationState::saved() const {
    if (!bpe_ || !corpus_.characterWords) return std::nullopt;
    Saved saved;
    saved.exampleIndex = exampleIndex_;
    saved.name = corpus_.name;
    saved.preview = corpus_.preview;
    saved.fromFile = corpus_.fromFile;
    saved.bytes = corpus_.bytes;
    saved.characterWords = corpus_.characterWords;
    saved.byteWords = corpus_.byteWords;
    saved.byteLevel = byteLevel_;
    saved.tieRule = tieRule_;
    saved.bpeMerges = bpe_->position();
    saved.wordPieceMerges = wordPiece_->position();
    saved.bpeTokenizerJson = tokenizerJson(*trainedBpeTokenizer());
    saved.wordPieceTokenizerJson = tokenizerJson(*trainedWordPieceTokenizer());
    return saved;
}

std::shared_ptr<TokenizationState::Rebuilt> TokenizationState::rebuild(const Saved& saved, const Progress& progress) {
    auto rebuilt = std::make_shared<Rebuilt>();
    rebuilt->corpus = Corpus{saved.name, saved.preview, saved.fromFile, saved.bytes, saved.characterWords, saved.byteWords};
    rebuilt->exampleIndex = saved.exampleIndex;
    rebuilt->byteLevel = saved.byteLevel;
    rebuilt->tieRule = saved.tieRule;
    if (saved.exampleIndex >= static_cast<int>(corpusExamples().size())) {
        throw std::invalid_argument("the tokenization corpus is example " + std::to_string(saved.exampleIndex + 1) +
                                    " of " + std::to_string(corpusExamples().size()));
    }
    rebuilt->trainers = makeTrainers(rebuilt->corpus, saved.byteLevel, saved.tieRule);
    const auto replay = [&](BpeStepper& stepper, std::size_t merges, const std::string& expected, PreTokenizerKind kind,
                            const char* name, double from, double to) {
        stepper.goTo(merges, share(progress, from, to));
        if (stepper.position() != merges) {
            throw std::invalid_argument(std::string("the ") + name + " trainer was saved at merge " + std::to_string(merges) +
                                        " but its corpus allows only " + std::to_string(stepper.position()));
        }
        if (!expected.empty() && tokenizerJson(tokenizerFromTrainer(stepper.trainer(), kind)) != expected) {
            throw std::invalid_argument(std::string("the saved ") + name +
                                        " tokenizer is not the one its corpus and merges make");
        }
    };
    replay(*rebuilt->trainers.bpe, saved.bpeMerges, saved.bpeTokenizerJson,
           saved.byteLevel ? PreTokenizerKind::ByteLevel : PreTokenizerKind::Whitespace, "BPE", 0.0, 0.5);
    replay(*rebuilt->trainers.wordPiece, saved.wordPieceMerges, saved.wordPieceTokenizerJson, PreTokenizerKind::Whitespace,
           "WordPiece", 0.5, 1.0);
    return rebuilt;
}

void TokenizationState::restore(std::shared_ptr<Rebuilt> rebuilt) {
    if (!rebuilt) return;
    curveJob_->drop();
    exampleIndex_ = rebuilt->exampleIndex;
    byteLevel_ = rebuilt->byteLevel;
    tieRule_ = rebuilt->tieRule;
    adopt(std::move(rebuilt->corpus), std::move(rebuilt->trainers));
}

bool TokenizationState::isBusy() const { return job_->busy(); }

void TokenizationState::cancelWork() {
    job_->cancel();
    emit message(tr("Cancelling…"));
}

void TokenizationState::waitForIdle() {
    job_->waitForDone();
    curveJob_->waitForDone();
}

}  // namespace pretrainlab::app
