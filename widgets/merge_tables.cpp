#include "widgets/merge_tables.hpp"
#include "widgets/view_palette.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

namespace pretrainlab::widgets {
namespace {

QString number(quint64 value) { return QLocale().toString(value); }

}  // namespace

QString scoreText(double score) { return QString::number(score, 'g', 4); }

CandidateTableModel::CandidateTableModel(bool likelihood, QObject* parent)
    : QAbstractTableModel(parent), likelihood_(likelihood) {}

void CandidateTableModel::setRows(std::vector<CandidateRow> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

int CandidateTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int CandidateTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : likelihood_ ? 6 : 3;  // the mark, then the pair and its numbers
}

CandidateTableModel::Column CandidateTableModel::columnAt(int column) const {
    if (likelihood_) return static_cast<Column>(column);
    return column == 0 ? Mark : column == 1 ? Pair : Count;
}

QVariant CandidateTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const CandidateRow& row = rows_[static_cast<std::size_t>(index.row())];
    const Column column = columnAt(index.column());
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Pair: return row.left + QStringLiteral(" + ") + row.right;
                case Count: return number(row.count);
                case LeftCount: return number(row.leftCount);
                case RightCount: return number(row.rightCount);
                case Score: return scoreText(row.score);
                case Mark: return row.isNext ? QStringLiteral("▶") : row.isTied ? QStringLiteral("=") : QString();
            }
            break;
        case Qt::TextAlignmentRole:
            return column == Pair ? int(Qt::AlignLeft | Qt::AlignVCenter)
                   : column == Mark ? int(Qt::AlignCenter)
                                    : int(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::BackgroundRole:
            if (row.isNext) return QBrush(viewPalette().nextPair);
            if (row.isTied) return QBrush(viewPalette().tiedPair);
            break;
        case Qt::FontRole:
            if (row.isNext) {
                QFont bold;
                bold.setBold(true);
                return bold;
            }
            break;
        case Qt::ToolTipRole:
            if (column == Mark) {
                return row.isNext ? tr("▶ the next merge") : row.isTied ? tr("= ties with the next merge") : QVariant();
            }
            if (likelihood_) {
                return tr("%1 + %2: score = count(ab) / (count(a) × count(b)) = %3 / (%4 × %5) = %6")
                    .arg(row.left, row.right, number(row.count), number(row.leftCount),
                         number(row.rightCount), scoreText(row.score));
            }
            return tr("%1 + %2 occurs %3 times").arg(row.left, row.right, number(row.count));
        default:
            break;
    }
    return {};
}

QVariant CandidateTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    const Column column = columnAt(section);
    if (role == Qt::DisplayRole) {
        switch (column) {
            case Pair: return tr("Pair");
            case Count: return likelihood_ ? tr("ab") : tr("Count");
            case LeftCount: return tr("a");
            case RightCount: return tr("b");
            case Score: return tr("Score");
            case Mark: return QString();
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
            case Count: return tr("count(ab): how often the pair occurs, each word counted as often as it appears");
            case LeftCount: return tr("count(a): how often the left token occurs");
            case RightCount: return tr("count(b): how often the right token occurs");
            case Score:
                return tr("WordPiece's score: log p(a,b) − log p(a)p(b) grows with count(ab) / (count(a) × count(b))");
            default: break;
        }
    }
    return {};
}

RuleTableModel::RuleTableModel(bool likelihood, QObject* parent)
    : QAbstractTableModel(parent), likelihood_(likelihood) {}

void RuleTableModel::setRules(std::shared_ptr<const std::vector<RuleRow>> rules) {
    const int size = rules ? static_cast<int>(rules->size()) : 0;
    if (rules != rules_) {
        beginResetModel();
        rules_ = std::move(rules);
        shownRows_ = size;
        endResetModel();
        return;
    }
    if (size > shownRows_) {
        beginInsertRows({}, shownRows_, size - 1);
        shownRows_ = size;
        endInsertRows();
    } else if (size < shownRows_) {
        beginRemoveRows({}, size, shownRows_ - 1);
        shownRows_ = size;
        endRemoveRows();
    }
    // The last row's highlight moves with the end.
    if (shownRows_ > 0) emit dataChanged(index(std::max(0, shownRows_ - 2), 0), index(shownRows_ - 1, 1));
}

int RuleTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : shownRows_; }

int RuleTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 2; }

QVariant RuleTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !rules_ || index.row() >= static_cast<int>(rules_->size())) return {};
    const RuleRow& rule = (*rules_)[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case 0: return rule.rank;
                case 1: return rule.left + QStringLiteral(" + ") + rule.right + QStringLiteral(" → ") + rule.merged;
                default: break;
            }
            break;
        case Qt::TextAlignmentRole:
            return index.column() == 1 ? int(Qt::AlignLeft | Qt::AlignVCenter) : int(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::BackgroundRole:
            if (index.row() + 1 == shownRows_) return QBrush(viewPalette().latestRule);
            break;
        case Qt::ToolTipRole: {
            const QString numbers = likelihood_ ? tr("score %1").arg(scoreText(rule.score))
                                                : tr("count %1").arg(number(rule.count));
            return rule.wasTie ? tr("Merge %1 (%2) was a tie, broken by the tie rule").arg(rule.rank).arg(numbers)
                               : tr("Merge %1 (%2)").arg(rule.rank).arg(numbers);
        }
        default:
            break;
    }
    return {};
}

QVariant RuleTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case 0: return tr("#");
        case 1: return tr("Rule");
        default: return {};
    }
}

}  // namespace pretrainlab::widgets
