#pragma once

#include <QFutureWatcher>
#include <QString>
#include <QTimer>
#include <QWidget>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "core/tokenize/bpe_stepper.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/tokenize/tradeoff.hpp"
#include "widgets/merge_tables.hpp"

class QAction;
class QMenu;
class QTabWidget;

namespace pretrainlab::widgets {
class CompareView;
class CorpusBar;
class MergeControls;
class MergePanel;
class TokenizeView;
class TradeoffChart;
}  // namespace pretrainlab::widgets

namespace pretrainlab::app {

class BackgroundJob;

// The Tokenization lesson. It owns the two trainers (BPE and WordPiece, each a BpeStepper on the
// same corpus), runs long work (a large file, a far jump) in a BackgroundJob, and feeds the
// widgets: the merge-by-merge stepper, tokenizing new text, the vocabulary/length trade-off, and
// real tokenizers for comparison.
class TokenizationPage : public QWidget {
    Q_OBJECT
public:
    enum class Side { Both, Bpe, WordPiece };
    enum Tab { MergeTab, TokenizeTab, TradeoffTab, CompareTab };

    explicit TokenizationPage(QWidget* parent = nullptr);
    ~TokenizationPage() override;

    // The corpus: a built-in example, typed text, or a file (read and counted in the background).
    void chooseExample(int index);
    void setCorpus(const QString& text);
    void openCorpusFile(const QString& path);
    void setByteLevel(bool on);
    void setTieBreak(TieBreak rule);

    void step(Side side = Side::Both);
    void back(Side side = Side::Both);
    void reset();
    void goToMerge(int merges);
    void goToVocabularySize(int size);
    void setPlaying(bool playing);
    bool isPlaying() const { return playTimer_.isActive(); }

    // A real tokenizer to compare with (tokenizer.json, vocab.json with merges.txt, tiktoken
    // ranks, vocab.txt), loaded in the background.
    void openTokenizerFile(const QString& path, const QString& mergesPath = {});
    void setTokenizeText(const QString& text);
    void showTab(Tab tab);

    bool isBusy() const;
    void cancelWork();
    // Blocks until the running background work (and the curve) is done. For tests and shutdown.
    void waitForIdle();

    const BpeStepper* bpe() const { return bpe_.get(); }
    const BpeStepper* wordPiece() const { return wordPiece_.get(); }
    bool byteLevel() const { return byteLevel_; }
    const std::vector<TradeoffPoint>& curve() const { return curve_; }
    QString corpusName() const { return corpusName_; }
    const std::optional<Tokenizer>& loadedTokenizer() const { return loaded_; }
    std::optional<Tokenizer> trainedBpeTokenizer() const;
    std::optional<Tokenizer> trainedWordPieceTokenizer() const;

    widgets::CorpusBar* corpusBar() const { return corpusBar_; }
    widgets::MergeControls* controls() const { return controls_; }
    widgets::MergePanel* bpePanel() const { return bpePanel_; }
    widgets::MergePanel* wordPiecePanel() const { return wordPiecePanel_; }
    widgets::TokenizeView* tokenizeView() const { return tokenizeView_; }
    widgets::TradeoffChart* tradeoffChart() const { return chart_; }
    widgets::CompareView* compareView() const { return compareView_; }
    QList<QAction*> fileActions() const;

    // Export, as the menu does; each returns false and shows why when it cannot write.
    bool saveTokenizer(const QString& path, bool wordPiece);
    bool exportMerges(const QString& path);
    bool exportCurve(const QString& path);
    bool saveChart(const QString& path);

signals:
    // Long work started or ended, and a short line for the status bar.
    void busyChanged(bool busy);
    void message(const QString& text);

private:
    struct Corpus {
        QString name;
        QString preview;  // the text itself, or a file's beginning
        bool fromFile = false;
        std::uint64_t bytes = 0;
        std::shared_ptr<const WordCounts> characterWords;  // words and punctuation apart
        std::shared_ptr<const WordCounts> byteWords;       // GPT-2's pre-tokenizer
    };
    struct Trainers {
        std::unique_ptr<BpeStepper> bpe;
        std::unique_ptr<BpeStepper> wordPiece;
    };

    void buildLayout();
    void buildExportMenu();
    static Corpus countCorpus(QString name, QString preview, bool fromFile, const std::string& text,
                              const Progress& progress);
    static Trainers makeTrainers(const Corpus& corpus, bool byteLevel, TieBreak rule);
    void adopt(Corpus corpus, Trainers trainers);
    void refresh(bool animate);
    void refreshTokenizeTab(bool animate);
    void refreshCompareTab();
    void updateControls();
    void computeCurve();
    // Runs `move` on both trainers, here or in the background for a large corpus.
    void moveTrainers(const QString& what, std::function<void(BpeStepper&, const Progress&)> move);
    bool largeCorpus() const;
    void setBusy(bool busy);
    void showProblem(const QString& text);
    // Writes a CSV atomically and says so, or shows what went wrong.
    bool writeCsv(const QString& path, const QString& csv);

    Corpus corpus_;
    QString corpusName_;
    std::unique_ptr<BpeStepper> bpe_;
    std::unique_ptr<BpeStepper> wordPiece_;
    std::shared_ptr<std::vector<widgets::RuleRow>> bpeRules_;
    std::shared_ptr<std::vector<widgets::RuleRow>> wordPieceRules_;
    bool byteLevel_ = false;
    TieBreak tieRule_ = TieBreak::HuggingFace;
    QTimer playTimer_;

    std::vector<TradeoffPoint> curve_;
    QFutureWatcher<std::vector<TradeoffPoint>> curveWatcher_;
    std::shared_ptr<std::atomic<bool>> curveStop_;

    std::optional<Tokenizer> loaded_;
    QString loadedName_;

    BackgroundJob* job_ = nullptr;
    widgets::CorpusBar* corpusBar_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    widgets::MergeControls* controls_ = nullptr;
    widgets::MergePanel* bpePanel_ = nullptr;
    widgets::MergePanel* wordPiecePanel_ = nullptr;
    widgets::TokenizeView* tokenizeView_ = nullptr;
    widgets::TradeoffChart* chart_ = nullptr;
    widgets::CompareView* compareView_ = nullptr;
    QMenu* exportMenu_ = nullptr;
    QAction* openCorpusAction_ = nullptr;
    QAction* saveBpeAction_ = nullptr;
};

}  // namespace pretrainlab::app
