#include "app/lessons/training/guesses_tab.hpp"

#include <QComboBox>
#include <QLocale>
#include <QScrollArea>
#include <QVBoxLayout>

#include "widgets/probe_panel.hpp"

namespace pretrainlab::app {

GuessesTab::GuessesTab(TrainingLabState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("guessesTab"));
    choice_ = new QComboBox;
    choice_->setObjectName(QStringLiteral("probeChoice"));
    choice_->setAccessibleName(tr("Which blanks"));
    choice_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    choice_->setMinimumContentsLength(8);
    choice_->addItem(tr("The lecture's five blanks"), -1);
    for (int c = 0; c < data::probeCategoryCount; ++c) {
        choice_->addItem(tr("Held-out %1 items").arg(QString::fromStdString(std::string(data::probeCategoryName(data::ProbeCategory(c))))),
                         c);
    }
    panel_ = new widgets::ProbePanel;
    panel_->setObjectName(QStringLiteral("probePanel"));
    panel_->setItems(data::ToyWorld::lectureProbes());
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(choice_);
    layout->addWidget(scroll, 1);

    connect(choice_, &QComboBox::currentIndexChanged, this, &GuessesTab::showProbes);
    refresh_.setSingleShot(true);
    connect(&refresh_, &QTimer::timeout, this, &GuessesTab::showProbes);
    connect(&state_, &TrainingLabState::pointsAdded, this, [this](int, const TrainingController::Drained& points) {
        if (!points.probes.empty()) showProbesSoon();
    });
    connect(&state_, &TrainingLabState::prepared, this, &GuessesTab::showProbes);
    connect(&state_, &TrainingLabState::runReset, this, &GuessesTab::showProbes);
    connect(&state_, &TrainingLabState::runsCleared, this, &GuessesTab::showProbes);
}

void GuessesTab::showProbesSoon() {
    if (refresh_.isActive()) return;
    const qint64 since = sinceShown_.isValid() ? sinceShown_.elapsed() : refreshMs;
    if (since >= refreshMs) {
        showProbes();
    } else {
        refresh_.start(int(refreshMs - since));
    }
}

void GuessesTab::showProbes() {
    refresh_.stop();
    sinceShown_.start();
    const Run* run = state_.currentRun();
    const int category = choice_->currentData().toInt();
    if (!run || run->probes.empty()) {
        if (category < 0) {
            panel_->setItems(data::ToyWorld::lectureProbes());
        } else {
            std::vector<data::ProbeItem> items;
            for (const data::ProbeItem& item : state_.controller().probeItems()) {
                if (int(item.category) == category) items.push_back(item);
            }
            panel_->setItems(items);
        }
        return;
    }
    const ProbeSnapshot& snapshot = *run->probes.back();
    std::vector<train::ProbeOutcome> shown;
    const std::size_t lecture = data::ToyWorld::lectureProbes().size();
    for (std::size_t i = 0; i < snapshot.report.outcomes.size(); ++i) {
        const train::ProbeOutcome& outcome = snapshot.report.outcomes[i];
        if (category < 0 ? i < lecture : (i >= lecture && int(outcome.item.category) == category)) shown.push_back(outcome);
    }
    panel_->setOutcomes(shown, snapshot.step);
    panel_->setMessage(tr("After step %1:").arg(QLocale().toString(qulonglong(snapshot.step))));
}

}  // namespace pretrainlab::app
