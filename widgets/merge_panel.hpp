#pragma once

#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

#include "widgets/merge_tables.hpp"
#include "widgets/token_chips_view.hpp"

class QLabel;
class QPushButton;
class QTableView;

namespace pretrainlab::widgets {

// Everything one side of the stepper shows for one state of training.
struct MergePanelSnapshot {
    int mergesDone = 0;
    int vocabularySize = 0;
    int alphabetSize = 0;
    quint64 totalTokens = 0;
    bool finished = false;  // nothing left to merge
    QString nextLeft, nextRight, nextMerged;
    quint64 nextCount = 0, nextLeftCount = 0, nextRightCount = 0;
    double nextScore = 0;
    QString tieNote;  // how the tie rule chose, when the next merge is a tie
    std::vector<CandidateRow> candidates;  // best first, maybe capped
    int candidatesTotal = 0;
    std::shared_ptr<const std::vector<RuleRow>> rules;
    std::vector<ChipWord> words;  // the first words of the corpus
    std::size_t wordsTotal = 0;
};

// One algorithm's view of training: what it merges next and why (the pair counts, or
// WordPiece's scores with the counts that make them), the rules so far, and every word as
// token chips. Its own Step and Back move this side alone.
class MergePanel : public QWidget {
    Q_OBJECT
public:
    // `likelihood`: WordPiece's columns and wording. Child object names start with `name`
    // ("bpe" -> "bpeCandidates", "bpeStepButton", ...).
    MergePanel(bool likelihood, const QString& name, const QString& title, const QString& explanation,
               QWidget* parent = nullptr);

    void showSnapshot(const MergePanelSnapshot& snapshot, bool animateMerge);
    void setBusy(bool busy);
    void setAnimationDuration(int milliseconds);

    TokenChipsView* chipsView() const { return chips_; }
    const CandidateTableModel* candidates() const { return candidateModel_; }
    const RuleTableModel* rules() const { return ruleModel_; }

signals:
    void stepRequested();
    void backRequested();

private:
    bool likelihood_;
    QLabel* nextLabel_ = nullptr;
    QLabel* tieLabel_ = nullptr;
    QLabel* statusLabel_ = nullptr;
    QLabel* candidateCaption_ = nullptr;
    QPushButton* stepButton_ = nullptr;
    QPushButton* backButton_ = nullptr;
    QTableView* candidateTable_ = nullptr;
    QTableView* ruleTable_ = nullptr;
    CandidateTableModel* candidateModel_ = nullptr;
    RuleTableModel* ruleModel_ = nullptr;
    TokenChipsView* chips_ = nullptr;
    bool finished_ = false;
    int mergesDone_ = 0;
};

}  // namespace pretrainlab::widgets
