#include "app/lessons/optimization/optimization_page.hpp"

#include <QFocusEvent>
#include <QLabel>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "app/jobs/background_job.hpp"
#include "app/jobs/job_progress.hpp"
#include "app/lessons/optimization/accumulation_tab.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/optimization/memory_tab.hpp"
#include "app/lessons/optimization/network_tab.hpp"
#include "app/lessons/optimization/playground_tab.hpp"
#include "app/lessons/optimization/precision_tab.hpp"
#include "app/lessons/optimization/stability_tab.hpp"
#include "app/lessons/side_column.hpp"

namespace pretrainlab::app {

OptimizationPage::OptimizationPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("optimizationPage"));
    state_ = new OptimizationState(this);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("optimizationStatus"));
    status_->setProperty("role", QStringLiteral("error"));
    status_->setWordWrap(true);
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_->hide();
    progress_ = new JobProgress(state_->job());
    playground_ = new PlaygroundTab;
    network_ = new NetworkTab(*state_);
    stability_ = new StabilityTab(*state_);
    memory_ = new MemoryTab;
    accumulation_ = new AccumulationTab(*state_);
    precision_ = new PrecisionTab(*state_);
    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("optimizationTabs"));
    tabs_->addTab(scrolledTab(playground_), tr("Adam on a surface"));
    tabs_->addTab(scrolledTab(network_), tr("Inside the network"));
    tabs_->addTab(scrolledTab(stability_), tr("Stability"));
    tabs_->addTab(scrolledTab(memory_), tr("Memory"));
    tabs_->addTab(scrolledTab(accumulation_), tr("Accumulation"));
    tabs_->addTab(scrolledTab(precision_), tr("Mixed precision"));
    tabs_->setUsesScrollButtons(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(status_);
    layout->addWidget(progress_);
    layout->addWidget(tabs_, 1);
    connect(state_, &OptimizationState::problem, this, &OptimizationPage::showProblem);
    connect(playground_, &PlaygroundTab::problem, this, &OptimizationPage::showProblem);
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (index != int(View::Playground)) playground_->setPlaying(false);
        if (index == int(View::Playground)) playground_->setFocus();
    });
}

void OptimizationPage::showView(View view) { tabs_->setCurrentIndex(int(view)); }

void OptimizationPage::focusInEvent(QFocusEvent* event) {
    QWidget::focusInEvent(event);
    // The keyboard goes on to the tab on show: the playground's keys work only inside it.
    if (tabs_->currentIndex() == int(View::Playground)) playground_->setFocus(event->reason());
    else if (QWidget* tab = tabs_->currentWidget()) tab->setFocus(event->reason());
}

bool OptimizationPage::busy() const { return state_->job().busy(); }


void OptimizationPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    playground_->fitWidth(tabs_->width() - 24);
    // Space steps the playground as soon as the page shows.
    if (tabs_->currentIndex() == int(View::Playground)) QTimer::singleShot(0, playground_, [this] { playground_->setFocus(); });
}

void OptimizationPage::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    playground_->fitWidth(tabs_->width() - 24);
}

void OptimizationPage::showProblem(const QString& text) {
    status_->setText(text);
    status_->setVisible(!text.isEmpty());
}

}  // namespace pretrainlab::app
