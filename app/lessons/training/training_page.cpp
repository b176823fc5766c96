#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/training/training_page.hpp"

#include <QAction>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QInputDialog>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <algorithm>
#include <QVBoxLayout>

#include "app/lessons/side_column.hpp"
#include "app/lessons/csv_file.hpp"
#include "app/lessons/training/exports.hpp"
#include "app/lessons/training/guesses_tab.hpp"
#include "app/lessons/training/run_setup_form.hpp"
#include "app/lessons/training/runs_tab.hpp"
#include "app/lessons/training/training_charts.hpp"
#include "widgets/row_reflow.hpp"
#include "widgets/steady_label.hpp"

namespace pretrainlab::app {

using State = TrainingController::State;

TrainingPage::TrainingPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("trainingPage"));
    state_ = new TrainingLabState(this);
    buildFileActions();
    charts_ = new TrainingCharts(*state_);
    setup_ = new RunSetupForm;
    guesses_ = new GuessesTab(*state_);
    runsTab_ = new RunsTab(*state_);

    problem_ = new QLabel;
    problem_->setObjectName(QStringLiteral("trainingProblem"));
    problem_->setProperty("role", QStringLiteral("problem"));
    problem_->setWordWrap(true);
    problem_->hide();
    auto* middle = new QVBoxLayout;
    middle->setContentsMargins(0, 0, 0, 0);
    middle->setSpacing(4);
    middle->addWidget(buildControls());
    middle->addWidget(status_);
    middle->addWidget(problem_);
    middle->addWidget(charts_, 1);
    auto* centre = new QWidget;
    centre->setLayout(middle);
    centre_ = centre;

    // Setup, the model's guesses and the runs share the side: setup before a run, guesses during it.
    side_ = new QTabWidget;
    side_->setObjectName(QStringLiteral("trainingSide"));
    side_->addTab(setup_, tr("Setup"));
    side_->addTab(guesses_, tr("Guesses"));
    side_->addTab(runsTab_, tr("Runs"));
    side_->setMinimumWidth(300);

    auto* splitter = new QSplitter;
    splitter_ = splitter;
    splitter->addWidget(centre);
    splitter->addWidget(side_);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setCollapsible(0, false);
    splitter->setSizes({760, 390});
    widgets::watchRoom(this, [this] { fitSideToWidth(); });
    // Scrolls when the largest text sizes need more room than a projector's 1280×720.
    auto* content = new QWidget;
    auto* inner = new QVBoxLayout(content);
    inner->setContentsMargins(8, 6, 8, 6);
    inner->addWidget(splitter);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scrolledTab(content));

    connect(state_, &TrainingLabState::statusChanged, this, [this] {
        const QString text = state_->statusText();
        if (status_->text() != text) {
            status_->setText(text);
            status_->setToolTip(text);
        }
        updateButtons();
    });
    connect(state_, &TrainingLabState::problemChanged, this, [this](const QString& problem) {
        problem_->setText(problem);
        problem_->setVisible(!problem.isEmpty());
    });
    connect(state_, &TrainingLabState::runAdded, this, [this] { side_->setCurrentIndex(int(SideTab::Guesses)); });
    connect(state_, &TrainingLabState::settingsShown, setup_, &RunSetupForm::setSettings);
    connect(state_, &TrainingLabState::prepared, this, [this](const train::RunSettings& settings) {
        // A resumed run shows its own settings.
        if (settings.toJson() != setup_->settings().toJson() && !settings.corpus.empty()) setup_->setSettings(settings);
    });
    connect(state_, &TrainingLabState::checkpointSaveFailed, this,
            [this](const QString& message) { QMessageBox::warning(this, tr("Saving the checkpoint failed"), message); });
    emit state_->statusChanged();
}

QWidget* TrainingPage::buildControls() {
    const auto button = [](const QString& text, const char* name, const QString& tip) {
        auto* b = new QPushButton(text);
        b->setObjectName(QLatin1String(name));
        b->setToolTip(tip);
        return b;
    };
    start_ = button(tr("▶ Start"), "startButton", tr("Prepare the data and train a new model with these settings (Ctrl+Return)"));
    start_->setProperty("role", QStringLiteral("accent"));
    start_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    pause_ = button(tr("Pause"), "pauseButton", tr("Pause or resume training between two steps"));
    step_ = button(tr("Step once"), "stepButton", tr("Take one optimizer step, then wait"));
    stop_ = button(tr("Stop"), "stopButton", tr("End the run here; the model stays for probing, saving and comparing"));
    reset_ = button(tr("Reset"), "resetButton", tr("Drop the current model and clear the current run's curves"));
    connect(start_, &QPushButton::clicked, this, &TrainingPage::start);
    connect(pause_, &QPushButton::clicked, this, [this] {
        if (state_->controller().state() != State::Finished) {
            state_->togglePause();
            return;
        }
        // A finished run: on for more steps, to a length the lecturer picks (twice the run's by default).
        const Run* run = state_->currentRun();
        if (!run) return;
        const int length = int(std::min<std::size_t>(run->settings.steps, 50'000'000));
        bool ok = false;
        const int steps = QInputDialog::getInt(this, tr("Continue the run"),
                                               tr("Train on to step (now %1). The learning rate follows the schedule "
                                                  "planned again over the new length.")
                                                   .arg(QLocale().toString(length)),
                                               2 * length, length + 1, 100'000'000, std::max(1, length / 10), &ok);
        if (ok) state_->continueTo(std::size_t(steps));
    });
    connect(step_, &QPushButton::clicked, state_, &TrainingLabState::stepOnce);
    connect(stop_, &QPushButton::clicked, this, [this] {
        state_->stop();
        start_->setFocus();  // not Reset, the next in line: a Space after Stop must not wipe the run
    });
    // Reset drops the model and the run's curves: never the keyboard's by accident, and asked first.
    reset_->setFocusPolicy(Qt::NoFocus);
    connect(reset_, &QPushButton::clicked, this, [this] {
        const Run* run = state_->currentRun();
        if (run && !run->steps.empty() &&
            QMessageBox::question(this, tr("Reset"),
                                  tr("Drop the current model and clear its curves (%1 steps)?").arg(run->lastStep()),
                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
            return;
        state_->reset();
    });
    auto* files = new QToolButton;
    files->setText(tr("Files"));
    files->setPopupMode(QToolButton::InstantPopup);
    auto* fileMenu = new QMenu(files);
    fileMenu->addActions(fileActions_);
    files->setMenu(fileMenu);
    // Two lines kept: the run, then its memory by parts. Wrapping moves nothing below it.
    status_ = new widgets::SteadyLabel(2);
    status_->setObjectName(QStringLiteral("trainingStatus"));
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // The run's buttons, then Reset and the files: one line, or two at the largest text sizes.
    auto* row = new QWidget;
    auto* run = new QHBoxLayout;
    for (QWidget* w : std::initializer_list<QWidget*>{start_, pause_, step_, stop_}) run->addWidget(w);
    auto* more = new QHBoxLayout;
    more->addWidget(reset_);
    more->addStretch(1);
    more->addWidget(files);
    auto* controls = new QBoxLayout(QBoxLayout::LeftToRight, row);
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addLayout(run);
    controls->addLayout(more, 1);
    widgets::stackWhenNarrow(row, controls);
    return row;
}

void TrainingPage::buildFileActions() {
    saveAction_ = new QAction(tr("Save checkpoint…"), this);
    saveAction_->setToolTip(tr("Save the model (safetensors), its optimizer state and settings"));
    connect(saveAction_, &QAction::triggered, this, [this] {
        const QString path = saveFileName(this, tr("Save checkpoint"), QStringLiteral("run.safetensors"),
                                             tr("safetensors (*.safetensors)"), FileKind::Checkpoint);
        if (!path.isEmpty()) state_->saveCheckpoint(path.endsWith(".safetensors") ? path : path + ".safetensors");
    });
    auto* open = new QAction(tr("Open checkpoint…"), this);
    open->setToolTip(tr("Continue a saved run from where it was saved"));
    connect(open, &QAction::triggered, this, [this] {
        const QString path = openFileName(this, tr("Open checkpoint"), tr("safetensors (*.safetensors)"), FileKind::Checkpoint);
        if (!path.isEmpty()) state_->openCheckpoint(path);
    });
    auto* metrics = new QAction(tr("Export metrics as CSV…"), this);
    connect(metrics, &QAction::triggered, this, [this] {
        const Run* run = state_->currentRun();
        if (!run) return;
        const QString path = saveFileName(this, tr("Export metrics"), QStringLiteral("metrics.csv"), tr("CSV (*.csv)"),
                                             FileKind::Export);
        if (path.isEmpty()) return;
        if (const QString problem = writeCsvFile(runMetrics(*run), path); !problem.isEmpty()) {
            QMessageBox::warning(this, tr("Export failed"), problem);
        }
    });
    auto* charts = new QAction(tr("Export charts as PNG or PDF…"), this);
    connect(charts, &QAction::triggered, this, [this] {
        const QString path = saveFileName(this, tr("Export charts"), QStringLiteral("training.png"),
                                             tr("PNG image (*.png);;PDF (*.pdf)"), FileKind::Export);
        if (!path.isEmpty() && !charts_->save(path)) {
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(path));
        }
    });
    fileActions_ = {saveAction_, open, metrics, charts};
}

void TrainingPage::showSideTab(SideTab tab) { side_->setCurrentIndex(int(tab)); }

train::RunSettings TrainingPage::settings() const { return setup_->settings(); }

void TrainingPage::setSettings(const train::RunSettings& settings) { setup_->setSettings(settings); }

void TrainingPage::setTokenizerSource(std::function<std::optional<Tokenizer>()> source) {
    setup_->setTokenizerSource(std::move(source));
}

void TrainingPage::fitSideToWidth() {
    const int beside = centre_->minimumSizeHint().width() + side_->minimumWidth() + splitter_->handleWidth() + 40;
    const Qt::Orientation wanted = widgets::roomFor(this) >= beside ? Qt::Horizontal : Qt::Vertical;
    if (splitter_->orientation() == wanted) return;
    splitter_->setOrientation(wanted);
    // Below the charts, the side tabs get a screen's height of their own to scroll to.
    side_->setMinimumHeight(wanted == Qt::Vertical ? 480 : 0);
}

void TrainingPage::start() {
    const std::optional<RunSetupForm::Request> request = setup_->request();
    if (!request) {
        showSideTab(SideTab::Setup);
        return;
    }
    state_->start(request->settings, request->tokenizer);
}

void TrainingPage::compareObjectives(std::size_t steps) {
    state_->compareObjectives(steps, setup_->settings().trainer.threads);
}

void TrainingPage::updateButtons() {
    const State state = state_->controller().state();
    const bool live = state == State::Running || state == State::Paused;
    pause_->setEnabled(live || state == State::Finished);
    pause_->setText(state == State::Running ? tr("Pause") : state == State::Finished ? tr("Continue…") : tr("Resume"));
    pause_->setToolTip(state == State::Finished ? tr("Train this run for more steps, its schedule planned again over the new length")
                                                : tr("Pause or resume training between two steps"));
    step_->setEnabled(live);
    stop_->setEnabled(live || state == State::Preparing);
    reset_->setEnabled(state != State::Idle);
    saveAction_->setEnabled(state_->controller().hasSession() && state != State::Preparing);
}

}  // namespace pretrainlab::app
