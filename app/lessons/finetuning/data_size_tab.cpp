#include "app/lessons/finetuning/data_size_tab.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/lessons/finetuning/finetune_form.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {

DataSizeTab::DataSizeTab(FinetuningState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("dataSizeTab"));
    form_ = new FinetuneForm(FinetuneForm::Task | FinetuneForm::Steps);
    form_->setTask(finetune::DataSizePlan().task);
    seeds_ = new QSpinBox;
    seeds_->setObjectName(QStringLiteral("dataSizeSeeds"));
    seeds_->setRange(1, 10);
    seeds_->setValue(int(finetune::DataSizePlan().seeds));
    seeds_->setToolTip(tr("Runs per point (each draws its own labelled examples)"));
    auto* run = new QPushButton(tr("&Measure"));
    run->setObjectName(QStringLiteral("measureDataSize"));
    run->setToolTip(tr("Finetune at 16, 64, 256, 1,024 and 4,096 labelled examples, pretrained and from scratch"));
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(new QLabel(tr("Seeds")));
    seedRow->addWidget(seeds_, 1);
    auto* left = new SideColumn(tr("Where does pretraining matter most? The same number of steps at every size; only "
                                   "the labelled examples change."),
                                {form_, asWidget(seedRow), run});

    widgets::LiveChart::Options options;
    options.legend = true;
    options.legendOnTop = true;
    options.logX = true;
    options.valueRange = std::make_pair(0.0, 1.0);
    chart_ = new widgets::LiveChart(tr("Held-out accuracy by labelled examples"), tr("accuracy"), options);
    chart_->setObjectName(QStringLiteral("dataSizeChart"));
    chart_->setXLabel(tr("labelled examples (log scale)"));
    summary_ = wrappedLabel({});
    summary_->setObjectName(QStringLiteral("dataSizeSummary"));
    auto* right = new QVBoxLayout;
    right->addWidget(chart_, 1);
    right->addWidget(summary_);
    placeBeside(this, left, right);

    connect(run, &QPushButton::clicked, this, &DataSizeTab::measure);
    connect(&state_, &FinetuningState::dataSizeChanged, this, &DataSizeTab::redraw);
    redraw();
}

void DataSizeTab::measure() {
    finetune::DataSizePlan plan;
    const finetune::FinetuneSettings settings = form_->settings();
    plan.task = settings.task;
    plan.finetune.steps = settings.steps;
    plan.seeds = std::size_t(seeds_->value());
    state_.startDataSize(plan);
}

void DataSizeTab::redraw() {
    for (const int series : series_) chart_->removeSeries(series);
    series_.clear();
    const widgets::ViewPalette& palette = widgets::viewPalette();
    for (std::size_t c = 0; c < state_.dataSize().size(); ++c) {
        const finetune::Curve& curve = state_.dataSize()[c];
        const int series = chart_->addSeries(QString::fromStdString(curve.name), palette.seriesColour(curve.pretrained ? 0 : 1),
                                             false, curve.auxLm > 0 ? Qt::DashLine : Qt::SolidLine);
        std::vector<double> x, y;
        for (const finetune::CurvePoint& p : curve.points) {
            x.push_back(p.x);
            y.push_back(p.mean);
        }
        chart_->setPoints(series, x, y);
        series_.push_back(series);
    }
    chart_->followNewPoints();
    chart_->refresh();
    const std::string words = finetune::dataSizeInWords(state_.dataSize());
    summary_->setText(words.empty() ? tr("Measure to draw the curves (about a minute).") : QString::fromStdString(words));
}

}  // namespace pretrainlab::app
