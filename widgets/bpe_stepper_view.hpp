#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "widgets/token_chips_view.hpp"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QTableWidget;
class QTimer;

namespace pretrainlab::widgets {

struct PairRow {
    QString left;
    QString right;
    quint64 count = 0;
    bool isNext = false;  // the pair the next step merges
    bool isTied = false;  // shares the top count with it
};

struct RuleRow {
    int rank = 0;
    QString left;
    QString right;
    QString merged;
    quint64 count = 0;
    bool wasTie = false;
};

// Everything the stepper page shows for one state of BPE training.
struct BpeStepperSnapshot {
    int mergesDone = 0;
    int vocabularySize = 0;
    int alphabetSize = 0;
    bool finished = false;           // nothing left to merge
    QString nextLeft, nextRight, nextMerged;
    quint64 nextCount = 0;
    QString tieNote;                 // how the tie rule chose, when the next merge is a tie
    std::vector<PairRow> pairs;      // counts before the next merge, best first (may be capped)
    int pairsTotal = 0;
    std::vector<RuleRow> rules;      // merges learned so far, in rank order
    std::vector<ChipWord> words;     // the first words of the corpus (may be capped)
    std::size_t wordsTotal = 0;
};

// The BPE stepper: corpus, controls, the pair-count table, the merge rules and every word as
// token chips. It shows snapshots and reports what the user asks for; the page decides.
class BpeStepperView : public QWidget {
    Q_OBJECT
public:
    explicit BpeStepperView(QWidget* parent = nullptr);

    void showSnapshot(const BpeStepperSnapshot& snapshot, bool animateMerge);
    void setCorpusText(const QString& text);
    QString corpusText() const;
    void setTieRules(const QStringList& names, const QStringList& explanations, int current);
    void setPlaying(bool playing);
    void setMergesPerSecond(int rate);
    // An input problem (empty corpus, ...) shown in place of the data; empty text clears it.
    void showProblem(const QString& text);

    TokenChipsView* chipsView() const { return chips_; }

signals:
    void stepRequested();
    void backRequested();
    void resetRequested();
    void playToggled(bool playing);
    void mergesPerSecondChanged(int rate);
    void corpusEdited(const QString& text);  // after typing pauses
    void tieRuleChosen(int index);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildLayout();
    void fitCorpusEditor();
    void fitDecisionsWidth();
    void fillPairTable(const BpeStepperSnapshot& snapshot);
    void fillRuleTable(const BpeStepperSnapshot& snapshot);

    QPlainTextEdit* corpusEditor_ = nullptr;
    QTimer* corpusDebounce_ = nullptr;
    QComboBox* tieRuleCombo_ = nullptr;
    QPushButton* backButton_ = nullptr;
    QPushButton* stepButton_ = nullptr;
    QPushButton* playButton_ = nullptr;
    QPushButton* resetButton_ = nullptr;
    QSlider* speedSlider_ = nullptr;
    QLabel* speedLabel_ = nullptr;
    QLabel* statusLabel_ = nullptr;
    QLabel* nextMergeLabel_ = nullptr;
    QLabel* tieLabel_ = nullptr;
    QLabel* problemLabel_ = nullptr;
    QLabel* pairCaption_ = nullptr;
    QTableWidget* pairTable_ = nullptr;
    QTableWidget* ruleTable_ = nullptr;
    TokenChipsView* chips_ = nullptr;
    QWidget* decisions_ = nullptr;
};

}  // namespace pretrainlab::widgets
