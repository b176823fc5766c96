#include "app/lessons/finetuning/pretraining_tab.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/lessons/finetuning/finetune_form.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {

PretrainingTab::PretrainingTab(FinetuningState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("pretrainingTab"));
    architecture_ = new QComboBox;
    architecture_->setObjectName(QStringLiteral("pretrainingArchitecture"));
    architecture_->addItem(tr("Tiny decoder (GPT)"), int(nn::Architecture::Decoder));
    architecture_->addItem(tr("Tiny encoder (BERT)"), int(nn::Architecture::Encoder));
    form_ = new FinetuneForm(FinetuneForm::Task | FinetuneForm::Labels | FinetuneForm::Steps);
    form_->setTask(finetune::PretrainingPlan().task);
    auto* run = new QPushButton(tr("Pretrain and &finetune"));
    run->setObjectName(QStringLiteral("measurePretraining"));
    run->setToolTip(tr("Pretrains a tiny model on the toy world and finetunes a copy at each checkpoint (about a "
                       "minute)"));
    auto* archRow = new QFormLayout;
    archRow->addRow(tr("Model"), architecture_);
    auto* left = new SideColumn(tr("Does more pretraining give a better start for finetuning? One pretraining run, "
                                   "finetuned from its checkpoints."),
                                {asWidget(archRow), form_, run});

    widgets::LiveChart::Options options;
    options.legend = true;
    options.legendOnTop = true;
    options.valueRange = std::make_pair(0.0, 1.0);
    accuracy_ = new widgets::LiveChart(tr("Held-out accuracy"), tr("accuracy"), options);
    accuracy_->setObjectName(QStringLiteral("pretrainingAccuracy"));
    accuracy_->setXLabel(tr("pretraining steps"));
    widgets::LiveChart::Options lossOptions;
    lossOptions.compact = true;
    loss_ = new widgets::LiveChart(tr("Pretraining held-out loss"), tr("loss"), lossOptions);
    loss_->setObjectName(QStringLiteral("pretrainingLoss"));
    loss_->setXLabel(tr("pretraining steps"));
    const widgets::ViewPalette& palette = widgets::viewPalette();
    finetuned_ = accuracy_->addSeries(tr("finetuned"), palette.seriesColour(0));
    zeroShot_ = accuracy_->addSeries(tr("zero-shot (no finetuning)"), palette.seriesColour(2), false, Qt::DashLine);
    heldOut_ = loss_->addSeries(tr("held-out loss"), palette.seriesColour(3));
    summary_ = wrappedLabel({});
    summary_->setObjectName(QStringLiteral("pretrainingSummary"));
    auto* charts = new QHBoxLayout;
    charts->addWidget(accuracy_, 3);
    charts->addWidget(loss_, 2);
    auto* right = new QVBoxLayout;
    right->addLayout(charts, 1);
    right->addWidget(summary_);
    placeBeside(this, left, right);

    connect(run, &QPushButton::clicked, this, &PretrainingTab::measure);
    connect(&state_, &FinetuningState::pretrainingChanged, this, &PretrainingTab::redraw);
    redraw();
}

finetune::PretrainingPlan PretrainingTab::plan() const {
    finetune::PretrainingPlan plan;
    plan.architecture = nn::Architecture(architecture_->currentData().toInt());
    plan.checkpoints = plan.architecture == nn::Architecture::Decoder ? std::vector<std::size_t>{0, 250, 500, 1000, 2000, 4000}
                                                                      : std::vector<std::size_t>{0, 500, 1000, 2000, 4000};
    const finetune::FinetuneSettings settings = form_->settings();
    plan.task = settings.task;
    plan.labels = settings.labels;
    plan.finetune.steps = settings.steps;
    return plan;
}

void PretrainingTab::measure() { state_.startPretraining(plan()); }

void PretrainingTab::redraw() {
    std::vector<double> steps, finetuned, zeroSteps, zeroShot, loss;
    for (const finetune::PretrainingPoint& p : state_.pretraining()) {
        steps.push_back(double(p.steps));
        finetuned.push_back(p.finetuned.mean);
        loss.push_back(p.heldOutLoss);
        if (p.zeroShot) {
            zeroSteps.push_back(double(p.steps));
            zeroShot.push_back(*p.zeroShot);
        }
    }
    accuracy_->setPoints(finetuned_, steps, finetuned);
    accuracy_->setPoints(zeroShot_, zeroSteps, zeroShot);
    loss_->setPoints(heldOut_, steps, loss);
    accuracy_->followNewPoints();
    loss_->followNewPoints();
    accuracy_->refresh();
    loss_->refresh();
    if (state_.pretraining().empty()) {
        summary_->setText(tr("Press the button to pretrain from step 0 and finetune along the way."));
        return;
    }
    const finetune::PretrainingPoint& first = state_.pretraining().front();
    const finetune::PretrainingPoint& last = state_.pretraining().back();
    QString text = tr("Finetuned from step %1: %2%; from step %3: %4%.")
                       .arg(first.steps)
                       .arg(qRound(100 * first.finetuned.mean))
                       .arg(last.steps)
                       .arg(qRound(100 * last.finetuned.mean));
    if (first.zeroShot && last.zeroShot) {
        text += tr(" Zero-shot, with no finetuning: %1% at step %2, %3% at step %4.")
                    .arg(qRound(100 * *first.zeroShot))
                    .arg(first.steps)
                    .arg(qRound(100 * *last.zeroShot))
                    .arg(last.steps);
    }
    summary_->setText(text);
}

}  // namespace pretrainlab::app
