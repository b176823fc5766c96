#include "app/lessons/optimization/accumulation_tab.hpp"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/jobs/background_job.hpp"
#include "app/lessons/optimization/experiment_view.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/side_column.hpp"
#include "app/lessons/token_html.hpp"

namespace pretrainlab::app {
namespace {

QString megabytes(std::size_t bytes) { return QObject::tr("%1 MB").arg(QLocale().toString(double(bytes) / 1e6, 'f', 1)); }

}  // namespace

AccumulationTab::AccumulationTab(OptimizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("accumulationTab"));
    run_ = new QPushButton(tr("&Check and run"));
    run_->setObjectName(QStringLiteral("runAccumulation"));
    run_->setToolTip(tr("Compare the gradients on one batch, then train both ways (about 15 s)"));
    words_ = wrappedLabel({});
    words_->setObjectName(QStringLiteral("accumulationWords"));
    experiment_ = new ExperimentView(state_, {"accumulation"}, ExperimentView::Second::GradientNorm);
    experiment_->runButton()->hide();  // this tab's button runs the check and the pair together
    auto* side = new SideColumn(tr("A large batch that does not fit: add the gradients of smaller micro-batches before "
                                   "one optimizer step."),
                                {run_, words_, experiment_->choiceBox(), experiment_->questionLabel(), experiment_->runButton(), experiment_->verdictLabel()}, 26);
    table_ = new QTableWidget(6, 2);
    table_->setObjectName(QStringLiteral("accumulationTable"));
    table_->setHorizontalHeaderLabels({tr("batch of 32"), tr("4 × 8 accumulated")});
    table_->setVerticalHeaderLabels({tr("max |Δ gradient|"), tr("relative"), tr("naive mean of means"),
                                     tr("targets per micro-batch"), tr("activations"), tr("time")});
    table_->setToolTip(tr("Against the gradient of the whole batch in one pass: the largest difference of any entry, "
                          "and relative to the largest entry; the naive average of each micro-batch's own mean loss; "
                          "masked tokens per micro-batch; activations kept for backward; forward and backward time"));
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* views = new QVBoxLayout;
    views->addWidget(table_, 0);
    views->addWidget(experiment_, 1);
    placeBeside(this, side, views);
    connect(run_, &QPushButton::clicked, this, [this] { state_.startAccumulation(); });
    connect(&state_, &OptimizationState::accumulationChanged, this, &AccumulationTab::redraw);
    connect(&state_.job(), &BackgroundJob::started, this, [this] { run_->setEnabled(false); });
    connect(&state_.job(), &BackgroundJob::finished, this, [this] { run_->setEnabled(true); });
    redraw();
}

void AccumulationTab::redraw() {
    const std::optional<optimlab::AccumulationCheck>& c = state_.accumulation();
    if (!c) {
        words_->clear();
        return;
    }
    const auto cell = [this](int row, int column, const QString& text) {
        auto* item = new QTableWidgetItem(text);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(row, column, item);
    };
    cell(0, 0, QStringLiteral("0"));
    cell(0, 1, QString::number(c->accumulatedMaxDifference, 'g', 2));
    cell(1, 0, QStringLiteral("0"));
    cell(1, 1, QString::number(c->accumulatedRelative, 'g', 2));
    cell(2, 0, QStringLiteral("–"));
    cell(2, 1, tr("%1 (relative %2)").arg(QString::number(c->naiveMaxDifference, 'g', 2), QString::number(c->naiveRelative, 'g', 2)));
    cell(3, 0, QStringLiteral("–"));
    cell(3, 1, c->fewestTargets == c->mostTargets ? QString::number(c->fewestTargets)
                                                  : tr("%1 to %2").arg(c->fewestTargets).arg(c->mostTargets));
    cell(4, 0, megabytes(c->largeActivationBytes));
    cell(4, 1, megabytes(c->microActivationBytes));
    cell(5, 0, tr("%1 ms").arg(QLocale().toString(c->largeSeconds * 1e3, 'f', 1)));
    cell(5, 1, tr("%1 ms").arg(QLocale().toString(c->microSeconds * 1e3, 'f', 1)));
    QString text = tr("On one batch of the tiny encoder's masked LM: the accumulated gradient equals the large batch's to %1 (float rounding: the sums are added in "
                      "another order), with %2× less activation memory.")
                       .arg(QString::number(c->accumulatedRelative, 'g', 2))
                       .arg(QLocale().toString(double(c->largeActivationBytes) / double(std::max<std::size_t>(1, c->microActivationBytes)), 'f', 1));
    if (c->fewestTargets != c->mostTargets)
        text += tr(" Averaging each micro-batch's own mean instead differs by %1 of the largest entry: its micro-batches hold "
                   "%2 to %3 target tokens, so their tokens weigh differently. The fix: divide every token's loss by the "
                   "whole batch's target count.")
                    .arg(QString::number(c->naiveRelative, 'g', 2))
                    .arg(c->fewestTargets)
                    .arg(c->mostTargets);
    else
        text += tr(" Next-token prediction gives every micro-batch the same number of targets, so the mean of means is "
                   "also right here; with masked LM or padding it is not.");
    words_->setText(text);
}

}  // namespace pretrainlab::app
