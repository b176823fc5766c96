#pragma once

#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "core/tokenize/bpe_stepper.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/tokenize/tradeoff.hpp"
#include "widgets/merge_tables.hpp"

namespace pretrainlab::app {

class BackgroundJob;
class LatestJob;

// What the Tokenization lesson holds: the corpus (an example, typed text or a file), the two
// trainers on it (BPE and WordPiece, each a BpeStepper), the vocabulary/length curve, and a real
// tokenizer to compare with. Long work (a large file, a far jump) runs in a BackgroundJob with
// progress and Cancel; the curve is computed in the background for each corpus.
class TokenizationState : public QObject {
    Q_OBJECT
public:
    enum class Side { Both, Bpe, WordPiece };
    // What changed, for the tabs to redraw: a step forward animates; the rest redraw as they are.
    enum class Change { Corpus, StepForward, Position, Curve, LoadedTokenizer };
    Q_ENUM(Change)

    struct Corpus {
        QString name;
        QString preview;  // the text itself, or a file's beginning
        bool fromFile = false;
        std::uint64_t bytes = 0;
        std::shared_ptr<const WordCounts> characterWords;  // words and punctuation apart
        std::shared_ptr<const WordCounts> byteWords;       // GPT-2's pre-tokenizer
    };

    explicit TokenizationState(QObject* parent = nullptr);
    ~TokenizationState() override;

    // The corpus: a built-in example, typed text, or a file (read and counted in the background).
    void chooseExample(int index);
    void setCorpus(const QString& text);
    void openCorpusFile(const QString& path);
    void setByteLevel(bool on);
    void setTieBreak(TieBreak rule);

    // False when nothing moved (at the end, at the start, or busy).
    bool step(Side side = Side::Both);
    bool back(Side side = Side::Both);
    void reset();
    void goToMerge(int merges);
    void goToVocabularySize(int size);

    // A real tokenizer to compare with (tokenizer.json, vocab.json with merges.txt, tiktoken
    // ranks, vocab.txt), loaded in the background.
    void openTokenizerFile(const QString& path, const QString& mergesPath = {});
    // A tokenizer already in hand (a real model's own) to compare with, under `name`; nothing
    // changes while the lesson is busy.
    void showTokenizer(const Tokenizer& tokenizer, const QString& name);

    // What a session file keeps of the lesson: the corpus as its counted words (a file's text is
    // not kept, only its words and beginning), the settings, each trainer's merges and the two
    // trained tokenizers as tokenizer.json (to check a rebuilt lesson against).
    struct Saved {
        int exampleIndex = -1;
        QString name;  // a file's path, an example's name, "the typed text"
        QString preview;
        bool fromFile = false;
        std::uint64_t bytes = 0;
        std::shared_ptr<const WordCounts> characterWords, byteWords;
        bool byteLevel = false;
        TieBreak tieRule = TieBreak::HuggingFace;
        std::size_t bpeMerges = 0, wordPieceMerges = 0;
        std::string bpeTokenizerJson, wordPieceTokenizerJson;
    };
    // Nothing before the first corpus is counted.
    std::optional<Saved> saved() const;
    // The lesson rebuilt from what was saved, on a worker thread: the trainers replay their merges.
    // Throws std::invalid_argument when the parts do not fit (fewer merges possible than saved,
    // trained tokenizers other than those saved), Cancelled when `progress` asks.
    struct Rebuilt;
    static std::shared_ptr<Rebuilt> rebuild(const Saved& saved, const Progress& progress);
    // Takes the rebuilt lesson in place of the one here (on the UI thread, when nothing runs).
    void restore(std::shared_ptr<Rebuilt> rebuilt);

    bool isBusy() const;
    void cancelWork();
    // Blocks until the running background work (and the curve) is done. For tests and shutdown.
    void waitForIdle();
    BackgroundJob& job() { return *job_; }

    const Corpus& corpus() const { return corpus_; }
    QString corpusName() const { return corpusName_; }
    int exampleIndex() const { return exampleIndex_; }  // -1 for typed text or a file
    const BpeStepper* bpe() const { return bpe_.get(); }
    const BpeStepper* wordPiece() const { return wordPiece_.get(); }
    BpeStepper* bpe() { return bpe_.get(); }
    BpeStepper* wordPiece() { return wordPiece_.get(); }
    bool byteLevel() const { return byteLevel_; }
    TieBreak tieRule() const { return tieRule_; }
    bool atEnd() const;
    // Every rule made so far, as the merge tables show it (kept in step with the trainers).
    std::shared_ptr<const std::vector<widgets::RuleRow>> bpeRules() const { return bpeRules_; }
    std::shared_ptr<const std::vector<widgets::RuleRow>> wordPieceRules() const { return wordPieceRules_; }
    const std::vector<TradeoffPoint>& curve() const { return curve_; }
    const std::optional<Tokenizer>& loadedTokenizer() const { return loaded_; }
    QString loadedName() const { return loadedName_; }
    std::optional<Tokenizer> trainedBpeTokenizer() const;
    std::optional<Tokenizer> trainedWordPieceTokenizer() const;

signals:
    void changed(pretrainlab::app::TokenizationState::Change change);
    void busyChanged(bool busy);
    // Something the user asked for did not work (empty text clears it); and short news for the
    // status bar.
    void problem(const QString& text);
    void message(const QString& text);
    // A real tokenizer could not be loaded (empty text: it could).
    void tokenizerProblem(const QString& text);

private:
    struct Trainers {
        std::unique_ptr<BpeStepper> bpe;
        std::unique_ptr<BpeStepper> wordPiece;
    };

    static Corpus countCorpus(QString name, QString preview, bool fromFile, const std::string& text,
                              const Progress& progress);
    static Trainers makeTrainers(const Corpus& corpus, bool byteLevel, TieBreak rule);
    void adopt(Corpus corpus, Trainers trainers);
    // Runs `move` on both trainers, here or in the background for a large corpus.
    void moveTrainers(const QString& what, std::function<void(BpeStepper&, const Progress&)> move);
    void moved(Change change);
    bool largeCorpus() const;
    void computeCurve();

    Corpus corpus_;
    QString corpusName_;
    int exampleIndex_ = -1;
    std::unique_ptr<BpeStepper> bpe_;
    std::unique_ptr<BpeStepper> wordPiece_;
    std::shared_ptr<std::vector<widgets::RuleRow>> bpeRules_;
    std::shared_ptr<std::vector<widgets::RuleRow>> wordPieceRules_;
    bool byteLevel_ = false;
    TieBreak tieRule_ = TieBreak::HuggingFace;
    std::vector<TradeoffPoint> curve_;
    std::optional<Tokenizer> loaded_;
    QString loadedName_;
    BackgroundJob* job_ = nullptr;
    LatestJob* curveJob_ = nullptr;
};

}  // namespace pretrainlab::app
