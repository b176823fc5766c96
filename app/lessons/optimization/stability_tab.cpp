#include "app/lessons/optimization/stability_tab.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <memory>
#include <vector>

#include "app/lessons/optimization/experiment_view.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/side_column.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/row_reflow.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {

StabilityTab::StabilityTab(OptimizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("stabilityTab"));
    kind_ = new QComboBox;
    kind_->setObjectName(QStringLiteral("scheduleKind"));
    kind_->addItem(tr("Warmup, then constant"), int(optim::ScheduleKind::Constant));
    kind_->addItem(tr("Linear decay (BERT)"), int(optim::ScheduleKind::Linear));
    kind_->addItem(tr("Cosine"), int(optim::ScheduleKind::Cosine));
    kind_->addItem(tr("Exponential"), int(optim::ScheduleKind::Exponential));
    kind_->addItem(tr("Inverse square root"), int(optim::ScheduleKind::InverseSqrt));
    kind_->setCurrentIndex(1);
    peak_ = new QDoubleSpinBox;
    peak_->setObjectName(QStringLiteral("schedulePeak"));
    peak_->setDecimals(5);
    peak_->setRange(1e-5, 10);
    peak_->setSingleStep(1e-4);
    peak_->setValue(1e-4);
    peak_->setToolTip(tr("The peak learning rate (BERT: 1e-4)"));
    warmup_ = new QSpinBox;
    warmup_->setObjectName(QStringLiteral("scheduleWarmup"));
    warmup_->setRange(0, 1'000'000);
    warmup_->setSingleStep(1000);
    warmup_->setValue(10000);
    warmup_->setToolTip(tr("Steps of linear warmup (BERT: 10,000)"));
    total_ = new QSpinBox;
    total_->setObjectName(QStringLiteral("scheduleTotal"));
    total_->setRange(1, 10'000'000);
    total_->setSingleStep(10000);
    total_->setValue(1'000'000);
    total_->setToolTip(tr("Steps in the run (BERT: 1,000,000)"));
    floor_ = new QDoubleSpinBox;
    floor_->setObjectName(QStringLiteral("scheduleFloor"));
    floor_->setDecimals(6);
    floor_->setRange(0, 10);
    floor_->setSingleStep(1e-5);
    floor_->setToolTip(tr("Cosine: where it ends"));
    auto* form = new QGridLayout;
    auto pairs = std::make_shared<std::vector<std::pair<QLabel*, QWidget*>>>();
    const auto labelled = [&pairs](const QString& text, QWidget* field) {
        auto* label = new QLabel(text);
        label->setBuddy(field);
        pairs->emplace_back(label, field);
    };
    labelled(tr("&Schedule"), kind_);
    labelled(tr("Peak η"), peak_);
    labelled(tr("Warmup"), warmup_);
    labelled(tr("Steps"), total_);
    labelled(tr("Floor"), floor_);
    // Two settings a line, or one at the largest text sizes where two do not fit the page.
    const auto arrange = [form, pairs](int columns) {
        for (const auto& [label, field] : *pairs) form->removeWidget(label), form->removeWidget(field);
        for (std::size_t i = 0; i < pairs->size(); ++i) {
            const int row = int(i) / columns, column = 2 * (int(i) % columns);
            form->addWidget((*pairs)[i].first, row, column);
            form->addWidget((*pairs)[i].second, row, column + 1);
        }
    };
    arrange(2);
    auto columns = std::make_shared<int>(2);
    widgets::watchRoom(this, [this, form, pairs, arrange, columns] {
        int label = 0, field = 0;
        for (const auto& [l, f] : *pairs) {
            label = std::max(label, l->minimumSizeHint().width());
            field = std::max(field, f->minimumSizeHint().width());
        }
        const int twoWide = 2 * (label + field) + 3 * form->horizontalSpacing() + 40;
        const int wanted = widgets::roomFor(this) >= twoWide ? 2 : 1;
        if (wanted != *columns) arrange(*columns = wanted);
    });
    formula_ = wrappedLabel({});
    formula_->setObjectName(QStringLiteral("scheduleFormula"));
    formula_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    experiment_ = new ExperimentView(state_, {"warmup", "norm", "init", "clip"}, ExperimentView::Second::GradientNorm);
    auto* side = new SideColumn(tr("Pairs of tiny models on the toy world that differ in one thing, over seeds."),
                                {experiment_->choiceBox(), experiment_->questionLabel(), experiment_->runButton(), experiment_->verdictLabel()}, 26);

    widgets::LiveChart::Options options;
    options.legend = true;
    options.legendOnTop = true;
    options.compact = true;
    chart_ = new widgets::LiveChart(tr("The plan, and the rates the pair's runs used"), tr("η"), options);
    chart_->setObjectName(QStringLiteral("scheduleChart"));
    chart_->setMinimumHeight(8 * fontMetrics().height());
    auto* views = new QVBoxLayout;
    views->addLayout(form);
    views->addWidget(formula_);
    views->addWidget(chart_, 2);
    views->addWidget(experiment_, 5);
    placeBeside(this, side, views);

    for (QObject* control : std::initializer_list<QObject*>{kind_, peak_, warmup_, total_, floor_}) {
        if (auto* box = qobject_cast<QComboBox*>(control)) connect(box, &QComboBox::currentIndexChanged, this, &StabilityTab::redrawPlan);
        if (auto* spin = qobject_cast<QSpinBox*>(control)) connect(spin, &QSpinBox::valueChanged, this, &StabilityTab::redrawPlan);
        if (auto* spin = qobject_cast<QDoubleSpinBox*>(control))
            connect(spin, &QDoubleSpinBox::valueChanged, this, &StabilityTab::redrawPlan);
    }
    connect(&state_, &OptimizationState::experimentChanged, this, &StabilityTab::redrawPlan);
    connect(experiment_, &ExperimentView::currentChanged, this, &StabilityTab::redrawPlan);
    redrawPlan();
}

optim::Schedule StabilityTab::schedule() const {
    optim::Schedule s;
    s.kind = static_cast<optim::ScheduleKind>(kind_->currentData().toInt());
    s.peak = peak_->value();
    s.warmup = static_cast<std::size_t>(warmup_->value());
    s.total = static_cast<std::size_t>(total_->value());
    s.floor = floor_->value();
    return s;
}

QString StabilityTab::formula() const { return formula_->text(); }

void StabilityTab::redrawPlan() {
    const optim::Schedule plan = schedule();
    floor_->setEnabled(plan.kind == optim::ScheduleKind::Cosine);
    if (plan.warmup >= plan.total) {
        formula_->setText(tr("The warmup (%1 steps) must be shorter than the run (%2 steps).").arg(plan.warmup).arg(plan.total));
    } else {
        formula_->setText(QString::fromStdString(plan.formula()).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    }
    for (const int handle : series_) chart_->removeSeries(handle);
    series_.clear();
    const widgets::ViewPalette& palette = widgets::viewPalette();
    const optim::Schedule::Curve curve = plan.sampled(400);
    const int planned = chart_->addSeries(tr("plan (%1 steps)").arg(plan.total), palette.planned, false, Qt::SolidLine, 3.0);
    chart_->setPoints(planned, curve.steps, curve.rates);
    series_.push_back(planned);
    // The rates the current pair's runs used (seed 0 of each variant), on their own step scale.
    if (const optimlab::ExperimentResult* result = state_.experiment(experiment_->current())) {
        for (const optimlab::RunCurve& run : result->runs) {
            if (run.seed != 0 || run.points.empty()) continue;
            std::vector<double> x, y;
            const double stretch = double(plan.total) / double(result->experiment.variants.at(run.variant).settings.steps);
            for (const optimlab::RunPoint& p : run.points) {
                x.push_back(double(p.step) * stretch);
                y.push_back(p.learningRate / result->experiment.variants.at(run.variant).settings.trainer.schedule.peak * plan.peak);
            }
            const int handle = chart_->addSeries(
                tr("%1 (as used, scaled to the plan)").arg(QString::fromStdString(result->experiment.variants.at(run.variant).label)),
                palette.seriesColour(int(run.variant)), false, Qt::DashLine, 2.0);
            chart_->setPoints(handle, x, y);
            series_.push_back(handle);
        }
    }
    chart_->refresh();
}

}  // namespace pretrainlab::app
