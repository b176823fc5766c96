#include "app/lessons/optimization/network_tab.hpp"

#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "app/jobs/background_job.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/side_column.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/scatter_plot.hpp"

namespace pretrainlab::app {
namespace {

QString steps(const optimlab::GroupSteps& g) {
    return QStringLiteral("%1  [%2 – %3]").arg(QString::number(g.median, 'g', 2), QString::number(g.p10, 'g', 2), QString::number(g.p90, 'g', 2));
}

}  // namespace

NetworkTab::NetworkTab(OptimizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("networkTab"));
    const optimlab::StepSizeSettings defaults;
    steps_ = new QSpinBox;
    steps_->setObjectName(QStringLiteral("networkSteps"));
    steps_->setRange(10, 5000);
    steps_->setSingleStep(50);
    steps_->setValue(int(defaults.steps));
    auto* form = new QFormLayout;
    form->addRow(tr("Steps"), steps_);
    run_ = new QPushButton(tr("&Train Adam and SGD"));
    run_->setObjectName(QStringLiteral("runNetwork"));
    auto* how = wrappedLabel(tr("The tiny decoder on the toy world, trained twice from the same weights on the same "
                                "batches: Adam (η %1) and SGD (η %2), no weight decay, constant rate.")
                                 .arg(defaults.adamRate)
                                 .arg(defaults.sgdRate),
                             true);
    summary_ = wrappedLabel({});
    summary_->setObjectName(QStringLiteral("networkSummary"));
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* side = new SideColumn(tr("Adam's step is about η in every parameter; SGD's follows the gradient's size. "
                                   "What does that do inside a real network?"),
                                {asWidget(form), run_, how, summary_}, 26);
    table_ = new QTableWidget(0, 3);
    table_->setObjectName(QStringLiteral("stepTable"));
    table_->setHorizontalHeaderLabels({tr("parameters"), tr("Adam |Δθ|"), tr("SGD |Δθ|")});
    table_->setToolTip(tr("One step's |Δθ| over a group's entries: the median [10th – 90th percentile]"));
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    rows_ = new widgets::ScatterPlot;
    rows_->setObjectName(QStringLiteral("rowMovement"));
    rows_->setTitle(tr("Each word's embedding row: how far it moved over the run, against how often the word occurs"));
    rows_->setAxisLabels(tr("occurrences in the training text (log₁₀)"), tr("‖row_T − row_0‖ (log₁₀)"));
    auto* views = new QVBoxLayout;
    views->addWidget(table_, 2);
    views->addWidget(rows_, 3);
    rows_->setMinimumHeight(12 * fontMetrics().height());
    placeBeside(this, side, views);

    connect(run_, &QPushButton::clicked, this, [this] {
        optimlab::StepSizeSettings settings;
        settings.steps = static_cast<std::size_t>(steps_->value());
        settings.threads = state_.threads();
        state_.startStepSizes(settings);
    });
    connect(&state_, &OptimizationState::stepSizesChanged, this, &NetworkTab::redraw);
    connect(&state_.job(), &BackgroundJob::started, this, [this] { run_->setEnabled(false); });
    connect(&state_.job(), &BackgroundJob::finished, this, [this] { run_->setEnabled(true); });
    redraw();
}

QString NetworkTab::summary() const { return summary_->text(); }

void NetworkTab::redraw() {
    const std::optional<optimlab::StepSizeStudy>& study = state_.stepSizes();
    if (!study) {
        summary_->setText(tr("Not run yet (about 10 s)."));
        return;
    }
    summary_->setText(QString::fromStdString(study->summary()));
    table_->setRowCount(int(study->adam.groups.size()));
    QStringList names;
    for (std::size_t i = 0; i < study->adam.groups.size(); ++i) {
        const optimlab::GroupSteps& a = study->adam.groups[i];
        const optimlab::GroupSteps& s = study->sgd.groups.at(i);
        names << QString::fromStdString(a.group);
        const QString cells[] = {QLocale().toString(qulonglong(a.parameters)), steps(a), steps(s)};
        for (int c = 0; c < 3; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(int(i), c, item);
        }
    }
    table_->setVerticalHeaderLabels(names);
    std::vector<double> x, y;
    std::vector<int> classOf;
    for (const auto& [index, rows] : {std::pair{0, &study->adam.rows}, std::pair{1, &study->sgd.rows}}) {
        for (const optimlab::RowMovement& r : *rows) {
            if (r.moved <= 0) continue;
            x.push_back(std::log10(double(r.count)));
            y.push_back(std::log10(r.moved));
            classOf.push_back(index);
        }
    }
    rows_->setPoints(x, y, classOf, {tr("Adam"), tr("SGD")});
}

}  // namespace pretrainlab::app
