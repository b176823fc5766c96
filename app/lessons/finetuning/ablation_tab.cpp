#include "app/lessons/finetuning/ablation_tab.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/jobs/background_job.hpp"
#include "app/lessons/finetuning/finetune_form.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/row_reflow.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

}  // namespace

AblationTab::AblationTab(FinetuningState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("ablationTab"));
    auto* intro = wrappedLabel(tr("GPT's ablation, measured here: held-out accuracy in %, mean ± spread over seeds."), true);
    intro->setToolTip(tr("Does pretraining matter, does the auxiliary LM help, and what do prompting and simple features "
                         "reach? Each seed draws its own labelled examples, initialises its own head and shuffles its own "
                         "order; the pretrained and the from-scratch runs of a seed see the same examples in the same "
                         "order."));
    // Rows that stand one above the other at the largest text sizes (widgets/row_reflow).
    auto* taskRow = new QBoxLayout(QBoxLayout::LeftToRight);
    taskRow->addWidget(new QLabel(tr("Tasks")));
    const finetune::AblationPlan defaults;
    for (const std::string& name : finetune::taskNames()) {
        auto* box = new QCheckBox(fromStd(name));
        box->setObjectName(QStringLiteral("ablationTask_") + fromStd(name));
        box->setToolTip(taskTitle(name) + QStringLiteral(": ") + fromStd(finetune::taskNamed(name).needs));
        box->setChecked(std::find(defaults.tasks.begin(), defaults.tasks.end(), name) != defaults.tasks.end());
        tasks_.push_back(box);
        taskRow->addWidget(box);
    }
    labels_ = new QSpinBox;
    labels_->setObjectName(QStringLiteral("ablationLabels"));
    labels_->setRange(16, 4096);
    labels_->setValue(int(defaults.labels.front()));
    labels_->setToolTip(tr("Labelled examples per task"));
    seeds_ = new QSpinBox;
    seeds_->setObjectName(QStringLiteral("ablationSeeds"));
    seeds_->setRange(1, 10);
    seeds_->setValue(int(defaults.seeds));
    seeds_->setToolTip(tr("Runs per cell: the cell shows their mean ± standard deviation"));
    steps_ = new QSpinBox;
    steps_->setObjectName(QStringLiteral("ablationSteps"));
    steps_->setRange(10, 100000);
    steps_->setSingleStep(50);
    steps_->setValue(int(defaults.finetune.steps));
    steps_->setToolTip(tr("Optimizer steps of every finetuning run"));
    run_ = new QPushButton(tr("&Run the table"));
    run_->setObjectName(QStringLiteral("runTable"));
    run_->setToolTip(tr("Every row on every task, seed by seed (Cancel stops it; finished cells stay)"));
    auto* copy = new QPushButton(tr("Copy as Markdown"));
    copy->setObjectName(QStringLiteral("copyTable"));
    taskRow->addStretch(1);
    widgets::stackWhenNarrow(this, taskRow);
    auto* numbers = new QBoxLayout(QBoxLayout::LeftToRight);
    numbers->addLayout(widgets::labelledField(tr("Labels per task"), labels_));
    numbers->addLayout(widgets::labelledField(tr("Seeds"), seeds_));
    numbers->addLayout(widgets::labelledField(tr("Steps"), steps_));
    widgets::stackWhenNarrow(this, numbers);
    auto* controls = new QBoxLayout(QBoxLayout::LeftToRight);
    controls->addLayout(numbers);
    controls->addStretch(1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run_);
    buttons->addWidget(copy);
    controls->addLayout(buttons);
    widgets::stackWhenNarrow(this, controls);

    table_ = new QTableWidget;
    table_->setObjectName(QStringLiteral("ablationTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    summary_ = wrappedLabel({});
    summary_->setObjectName(QStringLiteral("ablationSummary"));
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(taskRow);
    layout->addLayout(controls);
    layout->addWidget(table_, 1);
    layout->addWidget(summary_);

    connect(run_, &QPushButton::clicked, this, &AblationTab::runTable);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(markdown()); });
    connect(&state_, &FinetuningState::ablationChanged, this, &AblationTab::fill);
    connect(&state_.job(), &BackgroundJob::finished, this, &AblationTab::fill);
    shownPlan_ = plan();
    layOut();
    fill();
}

finetune::AblationPlan AblationTab::plan() const {
    finetune::AblationPlan plan;
    plan.tasks.clear();
    for (std::size_t i = 0; i < tasks_.size(); ++i) {
        if (tasks_[i]->isChecked()) plan.tasks.push_back(finetune::taskNames()[i]);
    }
    plan.labels = {std::size_t(labels_->value())};
    plan.seeds = std::size_t(seeds_->value());
    plan.finetune.steps = std::size_t(steps_->value());
    return plan;
}

void AblationTab::runTable() {
    const finetune::AblationPlan next = plan();
    if (state_.startAblation(next)) {
        shownPlan_ = next;
        layOut();
        fill();
    }
}

void AblationTab::layOut() {
    const std::vector<finetune::AblationRow>& rows = finetune::ablationRows();
    table_->clear();
    table_->setRowCount(int(rows.size()));
    table_->setColumnCount(int(shownPlan_.tasks.size()));
    QStringList rowNames, columnNames;
    for (const finetune::AblationRow row : rows) rowNames << fromStd(std::string(finetune::rowName(row)));
    for (std::size_t t = 0; t < shownPlan_.tasks.size(); ++t) {
        columnNames << tr("%1\n(%2 labels)").arg(fromStd(shownPlan_.tasks[t])).arg(shownPlan_.labelsOf(t));
    }
    table_->setVerticalHeaderLabels(rowNames);
    table_->setHorizontalHeaderLabels(columnNames);
}

void AblationTab::fill() {
    const std::vector<finetune::AblationRow>& rows = finetune::ablationRows();
    const bool running = state_.job().busy();
    // Cells not measured yet: the one running, and those to come.
    std::size_t next = state_.ablation().size();
    for (int c = 0; c < table_->columnCount(); ++c) {
        for (int r = 0; r < table_->rowCount(); ++r) {
            const std::size_t order = std::size_t(c) * rows.size() + std::size_t(r);
            QString text = order == next && running ? tr("running…") : QString();
            QString tip;
            if (order < state_.ablation().size()) {
                const finetune::AblationCell& cell = state_.ablation()[order];
                if (!cell.ran()) {
                    text = QStringLiteral("—");
                    tip = fromStd(cell.notRun);
                } else {
                    text = QString::number(100 * cell.mean(), 'f', 0);
                    if (cell.accuracies.size() > 1) text += QStringLiteral(" ± ") + QString::number(100 * cell.spread(), 'f', 0);
                    QStringList each;
                    for (const double a : cell.accuracies) each << QString::number(100 * a, 'f', 1);
                    tip = tr("Each seed: %1").arg(each.join(QStringLiteral(", ")));
                    if (cell.diverged) text += tr(" (diverged)");
                }
            }
            auto* item = new QTableWidgetItem(text);
            item->setTextAlignment(Qt::AlignCenter);
            item->setToolTip(tip);
            table_->setItem(r, c, item);
        }
    }
    QString words = fromStd(finetune::pretrainingGapInWords(state_.ablation()));
    if (const std::string aux = finetune::auxLmInWords(state_.ablation()); !aux.empty()) words += QLatin1Char(' ') + fromStd(aux);
    summary_->setText(state_.ablation().empty() ? tr("Run the table to fill it (about a minute and a half for five tasks "
                                                     "and three seeds).")
                                                : words);
    run_->setEnabled(!running);
}

QString AblationTab::markdown() const { return fromStd(finetune::ablationMarkdown(state_.ablation())); }

}  // namespace pretrainlab::app
