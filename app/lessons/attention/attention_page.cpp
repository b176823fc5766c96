#include "app/lessons/attention/attention_page.hpp"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include "app/jobs/background_job.hpp"
#include "app/lessons/side_column.hpp"
#include "app/lessons/attention/generation_tab.hpp"
#include "app/lessons/attention/loss_tab.hpp"
#include "app/lessons/attention/masks_tab.hpp"
#include "app/lessons/attention/model_source_bar.hpp"
#include "app/lessons/attention/weights_tab.hpp"
#include "app/lessons/attention/zero_shot_tab.hpp"

namespace pretrainlab::app {

AttentionPage::AttentionPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("attentionPage"));
    state_ = new AttentionState(this);
    auto* bar = new ModelSourceBar(*state_);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("attentionStatus"));
    status_->setProperty("role", QStringLiteral("error"));
    status_->setWordWrap(true);
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_->hide();
    masks_ = new MasksTab(*state_);
    weights_ = new WeightsTab(*state_);
    generation_ = new GenerationTab(*state_);
    zeroShot_ = new ZeroShotTab(*state_);
    loss_ = new LossTab(*state_);
    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("attentionTabs"));
    tabs_->addTab(scrolledTab(masks_), tr("Masks"));
    tabs_->addTab(scrolledTab(weights_), tr("Attention weights"));
    tabs_->addTab(scrolledTab(generation_), tr("Generation"));
    tabs_->addTab(scrolledTab(zeroShot_), tr("Zero-shot"));
    tabs_->addTab(scrolledTab(loss_), tr("Loss per token"));

    // Each tab scrolls on its own when it needs more room than a projector's 1280×720 (so the
    // tallest tab does not make every tab scroll), and the model bar with the tabs when even
    // that does not fit: the window never grows past the screen.
    auto* content = new QWidget;
    auto* inner = new QVBoxLayout(content);
    inner->setContentsMargins(8, 6, 8, 6);
    inner->addWidget(bar);
    inner->addWidget(status_);
    inner->addWidget(tabs_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scrolledTab(content));

    connect(state_, &AttentionState::problem, this, &AttentionPage::showProblem);
    connect(weights_, &WeightsTab::problem, this, &AttentionPage::showProblem);
    connect(generation_, &GenerationTab::problem, this, &AttentionPage::showProblem);
    connect(zeroShot_, &ZeroShotTab::problem, this, &AttentionPage::showProblem);
    connect(loss_, &LossTab::comparisonWanted, this, &AttentionPage::comparisonWanted);
    connect(bar, &ModelSourceBar::keyboardHandedBack, this, [this] { tabs_->setFocus(); });
}

void AttentionPage::showView(View view) { tabs_->setCurrentIndex(int(view)); }

void AttentionPage::setMaskKind(train::ModelKind kind) { masks_->setMaskKind(kind); }

bool AttentionPage::busy() const {
    return state_->job().busy() || weights_->busy() || generation_->busy() || zeroShot_->busy();
}

void AttentionPage::showProblem(const QString& text) {
    status_->setText(text);
    status_->setVisible(!text.isEmpty());
}

}  // namespace pretrainlab::app
