#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <memory>
#include <vector>

namespace pretrainlab::widgets {

// A candidate pair before the next merge, with the numbers that rank it.
struct CandidateRow {
    QString left;
    QString right;
    quint64 count = 0;       // count(ab)
    quint64 leftCount = 0;   // count(a)
    quint64 rightCount = 0;  // count(b)
    double score = 0;        // WordPiece: count(ab) / (count(a) count(b))
    bool isNext = false;     // the pair the next step merges
    bool isTied = false;     // ties with it
};

// A merge rule learned so far.
struct RuleRow {
    int rank = 0;
    QString left;
    QString right;
    QString merged;
    quint64 count = 0;
    double score = 0;
    bool wasTie = false;
};

// Pair counts for BPE (pair, count) or WordPiece (pair, count(ab), count(a), count(b), score).
class CandidateTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Mark, Pair, Count, LeftCount, RightCount, Score };
    CandidateTableModel(bool likelihood, QObject* parent = nullptr);

    void setRows(std::vector<CandidateRow> rows);
    const std::vector<CandidateRow>& rows() const { return rows_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    Column columnAt(int column) const;
    bool likelihood_;
    std::vector<CandidateRow> rows_;
};

// The merge rules in rank order. The rows live in a shared vector that the page grows and shrinks
// as it steps; the model follows with row insertions and removals, not a reset.
class RuleTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    RuleTableModel(bool likelihood, QObject* parent = nullptr);

    void setRules(std::shared_ptr<const std::vector<RuleRow>> rules);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    bool likelihood_;
    std::shared_ptr<const std::vector<RuleRow>> rules_;
    int shownRows_ = 0;
};

// "0.0278" for a score, with enough digits to tell close scores apart.
QString scoreText(double score);

}  // namespace pretrainlab::widgets
