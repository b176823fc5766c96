#include "app/lessons/finetuning/finetuning_page.hpp"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include "app/jobs/background_job.hpp"
#include "app/lessons/finetuning/ablation_tab.hpp"
#include "app/lessons/finetuning/architectures_tab.hpp"
#include "app/lessons/finetuning/base_model_bar.hpp"
#include "app/lessons/finetuning/data_size_tab.hpp"
#include "app/lessons/finetuning/features_tab.hpp"
#include "app/lessons/finetuning/finetune_tab.hpp"
#include "app/lessons/finetuning/pretraining_tab.hpp"
#include "app/lessons/side_column.hpp"

namespace pretrainlab::app {

FinetuningPage::FinetuningPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("finetuningPage"));
    state_ = new FinetuningState(this);
    bar_ = new BaseModelBar(*state_);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("finetuningStatus"));
    status_->setProperty("role", QStringLiteral("error"));
    status_->setWordWrap(true);
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_->hide();
    finetune_ = new FinetuneTab(*state_);
    ablation_ = new AblationTab(*state_);
    dataSize_ = new DataSizeTab(*state_);
    features_ = new FeaturesTab(*state_);
    pretraining_ = new PretrainingTab(*state_);
    architectures_ = new ArchitecturesTab(*state_);
    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("finetuningTabs"));
    // Each view scrolls rather than widen the window at the largest text sizes.
    tabs_->addTab(scrolledTab(finetune_), tr("Finetune live"));
    tabs_->addTab(scrolledTab(ablation_), tr("Ablation table"));
    tabs_->addTab(scrolledTab(dataSize_), tr("Data size"));
    tabs_->addTab(scrolledTab(features_), tr("Features"));
    tabs_->addTab(scrolledTab(pretraining_), tr("More pretraining"));
    tabs_->addTab(scrolledTab(architectures_), tr("Encoder vs decoder"));
    tabs_->setUsesScrollButtons(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(bar_);
    layout->addWidget(status_);
    layout->addWidget(tabs_, 1);
    connect(state_, &FinetuningState::problem, this, &FinetuningPage::showProblem);
}

void FinetuningPage::showView(View view) { tabs_->setCurrentIndex(int(view)); }

bool FinetuningPage::busy() const { return state_->job().busy(); }

void FinetuningPage::showProblem(const QString& text) {
    status_->setText(text);
    status_->setVisible(!text.isEmpty());
}

}  // namespace pretrainlab::app
