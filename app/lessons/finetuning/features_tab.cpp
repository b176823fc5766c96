#include "app/lessons/finetuning/features_tab.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/lessons/finetuning/finetune_form.hpp"
#include "app/lessons/token_html.hpp"
#include "core/finetune/projection.hpp"
#include "widgets/scatter_plot.hpp"

namespace pretrainlab::app {

FeaturesTab::FeaturesTab(FinetuningState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("featuresTab"));
    form_ = new FinetuneForm(FinetuneForm::Task | FinetuneForm::Labels | FinetuneForm::Steps);
    // Tagging and multiple choice have no one vector per example to draw.
    for (const char* name : {"tagging", "choice"}) {
        const int index = form_->taskBox()->findData(QLatin1String(name));
        if (index >= 0) form_->taskBox()->removeItem(index);
    }
    form_->setTask("acceptability");
    auto* run = new QPushButton(tr("&Draw the features"));
    run->setObjectName(QStringLiteral("measureFeatures"));
    run->setToolTip(tr("Finetunes once and trains two linear probes (a few seconds)"));
    auto* left = new SideColumn(tr("Good features need only a simple model: if the classes already sit apart, a "
                                   "linear probe separates them."),
                                {form_, run});
    auto* plots = new QHBoxLayout;
    for (std::size_t i = 0; i < plots_.size(); ++i) {
        plots_[i] = new widgets::ScatterPlot;
        plots_[i]->setObjectName(QStringLiteral("features%1").arg(i));
        plots_[i]->setAccessibleName(i == 0   ? tr("Features of the pretrained model")
                                     : i == 1 ? tr("Features after finetuning")
                                              : tr("Features of random weights"));
        plots->addWidget(plots_[i], 1);
    }
    summary_ = wrappedLabel({});
    summary_->setObjectName(QStringLiteral("featuresSummary"));
    auto* right = new QVBoxLayout;
    right->addLayout(plots, 1);
    right->addWidget(summary_);
    placeBeside(this, left, right);

    connect(run, &QPushButton::clicked, this, &FeaturesTab::measure);
    connect(&state_, &FinetuningState::featuresChanged, this, &FeaturesTab::redraw);
    redraw();
}

void FeaturesTab::measure() { state_.startFeatures(form_->settings()); }

void FeaturesTab::redraw() {
    const auto& views = state_.features();
    if (views.empty()) {
        for (widgets::ScatterPlot* plot : plots_) plot->setPoints({}, {}, {}, {});
        summary_->setText(tr("Draw the features to see them (a single-sentence or pair task)."));
        return;
    }
    const finetune::Task& task = finetune::taskNamed(state_.featuresTask().toStdString());
    QStringList classes;
    for (const std::string& label : task.labels) classes << QString::fromStdString(label);
    QStringList probes;
    for (std::size_t i = 0; i < plots_.size() && i < views.size(); ++i) {
        const FinetuningState::FeatureView& view = views[i];
        const finetune::Projection projection = finetune::principalPlane(view.features);
        std::vector<double> x(std::size_t(projection.points.rows())), y(x.size());
        for (std::size_t r = 0; r < x.size(); ++r) {
            x[r] = projection.points(Eigen::Index(r), 0);
            y[r] = projection.points(Eigen::Index(r), 1);
        }
        QString title = QStringLiteral("<b>%1</b>").arg(view.title);
        if (view.probeAccuracy >= 0) {
            title += tr("<br>linear probe: %1% held out").arg(qRound(100 * view.probeAccuracy));
            probes << tr("%1: %2%").arg(view.title).arg(qRound(100 * view.probeAccuracy));
        }
        plots_[i]->setTitle(title);
        plots_[i]->setAxisLabels(tr("PC1 (%1% of variance)").arg(qRound(100 * projection.explained[0])),
                                 tr("PC2 (%1%)").arg(qRound(100 * projection.explained[1])));
        plots_[i]->setPoints(x, y, view.labels, classes);
    }
    summary_->setText(tr("%1, %2 held-out examples. Linear probes — %3.")
                          .arg(taskTitle(task.name))
                          .arg(task.heldOut.size())
                          .arg(probes.join(QStringLiteral("; "))));
}

}  // namespace pretrainlab::app
