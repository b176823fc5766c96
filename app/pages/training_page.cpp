#include "app/pages/training_page.hpp"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <thread>

#include "core/tokenize/io/tokenizer_json.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/probe_panel.hpp"

namespace pretrainlab::app {
namespace {

// Runs keep one colour in every chart.
const QColor runColours[] = {QColor(31, 86, 184),  QColor(214, 96, 12),  QColor(34, 139, 70),  QColor(142, 68, 173),
                             QColor(192, 40, 60),  QColor(22, 140, 150), QColor(140, 100, 40), QColor(200, 70, 150)};
const QColor categoryColours[] = {QColor(31, 86, 184), QColor(214, 96, 12), QColor(34, 139, 70), QColor(142, 68, 173),
                                  QColor(192, 40, 60)};
const char* const presetNames[] = {"tiny", "small", "medium"};

QSpinBox* spin(int minimum, int maximum, int value, const QString& tip) {
    auto* box = new QSpinBox;
    box->setRange(minimum, maximum);
    box->setValue(value);
    box->setToolTip(tip);
    box->setAccelerated(true);
    return box;
}

QString percent(double fraction) { return QLocale().toString(fraction * 100, 'f', 0) + QLatin1Char('%'); }

}  // namespace

TrainingPage::TrainingPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("trainingPage"));
    buildActions();

    start_ = new QPushButton(tr("▶ Start"));
    start_->setObjectName(QStringLiteral("startButton"));
    start_->setProperty("role", QStringLiteral("accent"));
    start_->setToolTip(tr("Prepare the data and train a new model with these settings (Ctrl+Return)"));
    start_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    pause_ = new QPushButton(tr("Pause"));
    pause_->setObjectName(QStringLiteral("pauseButton"));
    pause_->setToolTip(tr("Pause or resume training between two steps"));
    step_ = new QPushButton(tr("Step once"));
    step_->setObjectName(QStringLiteral("stepButton"));
    step_->setToolTip(tr("Take one optimizer step, then wait"));
    stop_ = new QPushButton(tr("Stop"));
    stop_->setObjectName(QStringLiteral("stopButton"));
    stop_->setToolTip(tr("End the run here; the model stays for probing, saving and comparing"));
    reset_ = new QPushButton(tr("Reset"));
    reset_->setObjectName(QStringLiteral("resetButton"));
    reset_->setToolTip(tr("Drop the current model and clear the current run's curves"));
    connect(start_, &QPushButton::clicked, this, &TrainingPage::start);
    connect(pause_, &QPushButton::clicked, this, &TrainingPage::togglePause);
    connect(step_, &QPushButton::clicked, this, &TrainingPage::stepOnce);
    connect(stop_, &QPushButton::clicked, this, &TrainingPage::stop);
    connect(reset_, &QPushButton::clicked, this, &TrainingPage::reset);
    fileButton_ = new QToolButton;
    fileButton_->setText(tr("Files"));
    fileButton_->setPopupMode(QToolButton::InstantPopup);
    auto* fileMenu = new QMenu(fileButton_);
    fileMenu->addActions(fileActions_);
    fileButton_->setMenu(fileMenu);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("trainingStatus"));
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never widens the window

    auto* controls = new QHBoxLayout;
    for (QWidget* w : {static_cast<QWidget*>(start_), static_cast<QWidget*>(pause_), static_cast<QWidget*>(step_),
                       static_cast<QWidget*>(stop_), static_cast<QWidget*>(reset_)}) {
        controls->addWidget(w);
    }
    controls->addStretch(1);
    controls->addWidget(fileButton_);

    problem_ = new QLabel;
    problem_->setObjectName(QStringLiteral("trainingProblem"));
    problem_->setProperty("role", QStringLiteral("problem"));
    problem_->setWordWrap(true);
    problem_->hide();

    auto* middle = new QVBoxLayout;
    middle->setContentsMargins(0, 0, 0, 0);
    middle->setSpacing(4);
    middle->addLayout(controls);
    middle->addWidget(status_);
    middle->addWidget(problem_);
    middle->addWidget(buildCharts(), 1);
    auto* centre = new QWidget;
    centre->setLayout(middle);

    // Setup, the model's guesses and the runs share the side: setup before a run, guesses during it.
    side_ = new QTabWidget;
    side_->setObjectName(QStringLiteral("trainingSide"));
    side_->addTab(buildSetup(), tr("Setup"));
    side_->addTab(buildProbeSide(), tr("Guesses"));
    side_->addTab(buildRunsSide(), tr("Runs"));
    side_->setMinimumWidth(300);

    auto* splitter = new QSplitter;
    splitter->addWidget(centre);
    splitter->addWidget(side_);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setCollapsible(0, false);
    splitter->setSizes({760, 390});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(splitter);

    connect(&controller_, &TrainingController::stateChanged, this, &TrainingPage::onStateChanged);
    connect(&controller_, &TrainingController::prepared, this, &TrainingPage::onPrepared);
    connect(&controller_, &TrainingController::preparing, this, [this](double fraction) {
        preparingText_ = tr("Preparing the data… %1").arg(percent(fraction));
        updateStatus();
    });
    connect(&controller_, &TrainingController::diverged, this, [this](const QString& message, qulonglong step) {
        pullUpdates();
        problem_->setText(tr("The run diverged. %1 The model after step %2 is kept: you can still probe it, save it "
                             "and compare it.")
                              .arg(message)
                              .arg(step - 1));
        lossChart_->setLogScale(true);  // the blow-up and the other runs, both in view
        problem_->show();
        controller_.requestProbes();  // the guesses of the last good model
    });
    connect(&controller_, &TrainingController::failed, this, [this](const QString& message) {
        problem_->setText(tr("The run could not start: %1").arg(message));
        problem_->show();
        updateButtons();
    });
    connect(&controller_, &TrainingController::saved, this, [this](const QString& path) {
        preparingText_ = tr("Saved %1").arg(QFileInfo(path).fileName());
        updateStatus();
    });
    connect(&controller_, &TrainingController::saveFailed, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("Saving the checkpoint failed"), message);
    });
    drainTimer_.setInterval(33);
    connect(&drainTimer_, &QTimer::timeout, this, &TrainingPage::pullUpdates);
    drainTimer_.start();
    syncFormToArchitecture();
    updateSchedulePreview();
    updateButtons();
    updateStatus();
}

TrainingPage::~TrainingPage() = default;

void TrainingPage::buildActions() {
    saveAction_ = new QAction(tr("Save checkpoint…"), this);
    saveAction_->setToolTip(tr("Save the model (safetensors), its optimizer state and settings"));
    connect(saveAction_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save checkpoint"), QDir::homePath() + "/run.safetensors",
                                                          tr("safetensors (*.safetensors)"));
        if (!path.isEmpty()) saveCheckpoint(path.endsWith(".safetensors") ? path : path + ".safetensors");
    });
    auto* open = new QAction(tr("Open checkpoint…"), this);
    open->setToolTip(tr("Continue a saved run from where it was saved"));
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), QDir::homePath(),
                                                          tr("safetensors (*.safetensors)"));
        if (!path.isEmpty()) openCheckpoint(path);
    });
    auto* metrics = new QAction(tr("Export metrics as CSV…"), this);
    connect(metrics, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export metrics"), QDir::homePath() + "/metrics.csv",
                                                          tr("CSV (*.csv)"));
        if (!path.isEmpty() && !exportMetrics(path)) {
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(path));
        }
    });
    auto* charts = new QAction(tr("Export charts as PNG or PDF…"), this);
    connect(charts, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"), QDir::homePath() + "/training.png",
                                                          tr("PNG image (*.png);;PDF (*.pdf)"));
        if (!path.isEmpty() && !exportCharts(path)) {
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(path));
        }
    });
    fileActions_ = {saveAction_, open, metrics, charts};
}

QWidget* TrainingPage::buildSetup() {
    architecture_ = new QComboBox;
    architecture_->setObjectName(QStringLiteral("architectureChoice"));
    architecture_->addItem(tr("Decoder (GPT): next token"), int(nn::Architecture::Decoder));
    architecture_->addItem(tr("Encoder (BERT): masked tokens"), int(nn::Architecture::Encoder));
    architecture_->addItem(tr("Encoder-decoder (T5): spans"), int(nn::Architecture::EncoderDecoder));
    preset_ = new QComboBox;
    preset_->setObjectName(QStringLiteral("presetChoice"));
    preset_->addItems({tr("tiny"), tr("small"), tr("medium"), tr("custom")});
    preset_->setToolTip(tr("tiny: d 64, 2 layers, 4 heads, context 64, batch 16 (learns in a minute)\n"
                           "small: d 128, 4 layers, 4 heads, context 128, batch 16\n"
                           "medium: d 256, 6 layers, 8 heads, context 256, batch 8"));
    width_ = spin(8, 1024, 64, tr("d_model: the width of every token's vector"));
    layers_ = spin(1, 24, 2, tr("Transformer blocks"));
    heads_ = spin(1, 32, 4, tr("Attention heads; they must divide d"));
    context_ = spin(3, 1024, 64, tr("Tokens the model reads at once (learned positions)"));

    corpus_ = new QComboBox;
    corpus_->setObjectName(QStringLiteral("corpusChoice"));
    corpus_->addItem(tr("Toy world (built in)"), QString::fromLatin1(train::toyWorldCorpus));
    corpus_->addItem(tr("Random tokens (speed only)"), QString());
    corpus_->addItem(tr("Text file…"), QStringLiteral("file"));
    corpus_->setToolTip(tr("The toy world is generated here: simple sentences about an invented world in which "
                           "syntax, coreference, facts, cause and effect, and small sums can be learned"));
    tokenizer_ = new QComboBox;
    tokenizer_->setObjectName(QStringLiteral("tokenizerChoice"));
    tokenizer_->addItem(tr("Toy world words"), QStringLiteral("toyworld"));
    tokenizer_->addItem(tr("Tokenization page's BPE"), QStringLiteral("page"));
    tokenizer_->addItem(tr("Tokenizer file…"), QStringLiteral("file"));
    maskRate_ = new QDoubleSpinBox;
    maskRate_->setObjectName(QStringLiteral("maskRate"));
    maskRate_->setRange(1, 100);
    maskRate_->setDecimals(0);
    maskRate_->setSuffix(QStringLiteral(" %"));
    maskRate_->setValue(15);
    maskRate_->setToolTip(tr("The share of tokens BERT's masked LM hides and predicts (the lecture: 15%)"));

    optimizer_ = new QComboBox;
    optimizer_->setObjectName(QStringLiteral("optimizerChoice"));
    optimizer_->addItem(tr("AdamW"), int(optim::OptimizerKind::AdamW));
    optimizer_->addItem(tr("Adam"), int(optim::OptimizerKind::Adam));
    optimizer_->addItem(tr("SGD with momentum"), int(optim::OptimizerKind::Momentum));
    optimizer_->addItem(tr("SGD"), int(optim::OptimizerKind::Sgd));
    learningRate_ = new QDoubleSpinBox;
    learningRate_->setObjectName(QStringLiteral("learningRate"));
    learningRate_->setDecimals(5);
    learningRate_->setRange(0, 1000);
    learningRate_->setSingleStep(0.0005);
    learningRate_->setValue(0.002);
    learningRate_->setToolTip(tr("The peak learning rate η"));
    schedule_ = new QComboBox;
    schedule_->setObjectName(QStringLiteral("scheduleChoice"));
    schedule_->addItem(tr("Constant"), int(optim::ScheduleKind::Constant));
    schedule_->addItem(tr("Linear decay (BERT)"), int(optim::ScheduleKind::Linear));
    schedule_->addItem(tr("Cosine"), int(optim::ScheduleKind::Cosine));
    schedule_->addItem(tr("Exponential"), int(optim::ScheduleKind::Exponential));
    schedule_->addItem(tr("Inverse square root"), int(optim::ScheduleKind::InverseSqrt));
    schedule_->setCurrentIndex(2);
    warmup_ = spin(0, 100000, 30, tr("Steps over which the rate rises linearly to its peak"));
    steps_ = spin(1, 10'000'000, 1000, tr("The run's length; the schedule decays over it"));
    steps_->setObjectName(QStringLiteral("stepsSpin"));
    batch_ = spin(1, 4096, 16, tr("Sequences per optimizer step"));
    accumulation_ = spin(1, 256, 1, tr("Split each batch into this many micro-batches and add their gradients: "
                                       "the same update with less activation memory"));
    weightDecay_ = new QDoubleSpinBox;
    weightDecay_->setObjectName(QStringLiteral("weightDecay"));
    weightDecay_->setRange(0, 1);
    weightDecay_->setDecimals(3);
    weightDecay_->setSingleStep(0.01);
    weightDecay_->setValue(0.01);
    weightDecay_->setToolTip(tr("λ: AdamW shrinks the weights by η λ θ apart from the gradient; the others add λ θ "
                                "to the gradient"));
    clip_ = new QDoubleSpinBox;
    clip_->setRange(0, 1000);
    clip_->setDecimals(2);
    clip_->setSpecialValueText(tr("off"));
    clip_->setToolTip(tr("Scale the gradient down when its global norm is larger than this"));
    seed_ = spin(0, 1'000'000, 0, tr("The same seed gives the same data, weights and curve"));
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads_ = spin(1, 256, cores, tr("Threads for training (the batch is split between them)"));

    for (QComboBox* box : {architecture_, preset_, corpus_, tokenizer_, optimizer_, schedule_}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(6);
    }
    auto* model = new QFormLayout;
    model->addRow(tr("Model"), architecture_);
    model->addRow(tr("Size"), preset_);
    auto* sizes = new QGridLayout;
    sizes->addWidget(new QLabel(tr("d")), 0, 0);
    sizes->addWidget(width_, 0, 1);
    sizes->addWidget(new QLabel(tr("layers")), 0, 2);
    sizes->addWidget(layers_, 0, 3);
    sizes->addWidget(new QLabel(tr("heads")), 1, 0);
    sizes->addWidget(heads_, 1, 1);
    sizes->addWidget(new QLabel(tr("context")), 1, 2);
    sizes->addWidget(context_, 1, 3);
    model->addRow(sizes);
    model->addRow(tr("Text"), corpus_);
    model->addRow(tr("Tokenizer"), tokenizer_);
    model->addRow(tr("Mask rate"), maskRate_);
    model->addRow(tr("Optimizer"), optimizer_);
    model->addRow(tr("Learning rate"), learningRate_);
    model->addRow(tr("Weight decay"), weightDecay_);
    model->addRow(tr("Schedule"), schedule_);
    model->addRow(tr("Warmup steps"), warmup_);
    model->addRow(tr("Steps"), steps_);
    model->addRow(tr("Batch"), batch_);
    model->addRow(tr("Accumulation"), accumulation_);
    model->addRow(tr("Clip norm"), clip_);
    model->addRow(tr("Seed"), seed_);
    model->addRow(tr("Threads"), threads_);

    schedulePreview_ = new widgets::LiveChart(tr("Learning rate over the run"), tr("η"), {});
    schedulePreview_->setObjectName(QStringLiteral("schedulePreview"));
    schedulePreview_->setMinimumHeight(150);
    previewSeries_ = schedulePreview_->addSeries(tr("planned"), QColor(31, 86, 184));
    setupProblem_ = new QLabel;
    setupProblem_->setProperty("role", QStringLiteral("problem"));
    setupProblem_->setWordWrap(true);
    setupProblem_->hide();

    auto* form = new QWidget;
    auto* layout = new QVBoxLayout(form);
    layout->setContentsMargins(2, 2, 6, 2);
    layout->addLayout(model);
    layout->addWidget(setupProblem_);
    layout->addWidget(schedulePreview_);
    layout->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    connect(preset_, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 3) return;
        if (applyingPreset_) return;  // setSettings() fills the sizes itself
        train::RunSettings s = settings();
        s.applyPreset(presetNames[index]);
        applyingPreset_ = true;
        width_->setValue(int(s.model.width));
        layers_->setValue(int(s.model.layers));
        heads_->setValue(int(s.model.heads));
        context_->setValue(int(s.model.context));
        batch_->setValue(int(s.batch));
        applyingPreset_ = false;
    });
    for (QSpinBox* box : {width_, layers_, heads_, context_, batch_}) {
        connect(box, &QSpinBox::valueChanged, this, &TrainingPage::markCustom);
    }
    connect(architecture_, &QComboBox::currentIndexChanged, this, &TrainingPage::syncFormToArchitecture);
    connect(corpus_, &QComboBox::activated, this, [this](int index) {
        if (corpus_->itemData(index).toString() == QLatin1String("file")) {
            const QString path = QFileDialog::getOpenFileName(this, tr("Train on a text file"), QDir::homePath(),
                                                              tr("Text (*.txt);;All files (*)"));
            if (path.isEmpty()) {
                corpus_->setCurrentIndex(0);
            } else {
                corpusFile_ = path;
                corpus_->setItemText(2, QFileInfo(path).fileName());
                if (tokenizer_->currentIndex() == 0) tokenizer_->setCurrentIndex(1);
            }
        }
        syncFormToArchitecture();
    });
    connect(tokenizer_, &QComboBox::activated, this, [this](int index) {
        if (tokenizer_->itemData(index).toString() != QLatin1String("file")) return;
        const QString path = QFileDialog::getOpenFileName(this, tr("Tokenizer"), QDir::homePath(),
                                                          tr("Tokenizers (*.json *.txt *.tiktoken);;All files (*)"));
        if (path.isEmpty()) {
            tokenizer_->setCurrentIndex(0);
        } else {
            tokenizerFile_ = path;
            tokenizer_->setItemText(2, QFileInfo(path).fileName());
        }
    });
    for (QComboBox* box : {schedule_, optimizer_}) {
        connect(box, &QComboBox::currentIndexChanged, this, &TrainingPage::updateSchedulePreview);
    }
    connect(learningRate_, &QDoubleSpinBox::valueChanged, this, &TrainingPage::updateSchedulePreview);
    connect(warmup_, &QSpinBox::valueChanged, this, &TrainingPage::updateSchedulePreview);
    connect(steps_, &QSpinBox::valueChanged, this, &TrainingPage::updateSchedulePreview);
    return scroll;
}

QWidget* TrainingPage::buildCharts() {
    widgets::LiveChart::Options lossOptions;
    lossOptions.logToggle = true;
    lossOptions.smoothingSlider = true;
    lossOptions.legend = true;
    lossOptions.legendOnTop = true;
    lossChart_ = new widgets::LiveChart(tr("Loss"), tr("cross-entropy"), lossOptions);
    lossChart_->setObjectName(QStringLiteral("lossChart"));
    widgets::LiveChart::Options probeOptions;
    probeOptions.legend = true;
    probeOptions.legendOnTop = true;
    probeOptions.valueRange = {-0.02, 1.02};
    probeChart_ = new widgets::LiveChart(tr("Probe accuracy (held-out blanks)"), tr("right answers"), probeOptions);
    probeChart_->setObjectName(QStringLiteral("probeChart"));
    for (int c = 0; c < data::probeCategoryCount; ++c) {
        probeSeries_[static_cast<std::size_t>(c)] = probeChart_->addSeries(
            QString::fromStdString(std::string(data::probeCategoryName(data::ProbeCategory(c)))), categoryColours[c]);
    }
    widgets::LiveChart::Options small;
    small.compact = true;
    rateChart_ = new widgets::LiveChart(tr("Learning rate"), tr("η"), small);
    rateChart_->setObjectName(QStringLiteral("rateChart"));
    plannedRate_ = rateChart_->addSeries(tr("planned"), QColor(150, 155, 165), false, Qt::DashLine, 1.5);
    widgets::LiveChart::Options gradientOptions;
    gradientOptions.logToggle = true;
    gradientOptions.compact = true;
    gradientChart_ = new widgets::LiveChart(tr("Gradient norm"), tr("‖g‖"), gradientOptions);
    gradientChart_->setObjectName(QStringLiteral("gradientChart"));
    speedChart_ = new widgets::LiveChart(tr("Speed"), tr("thousand tokens/s"), small);
    speedChart_->setObjectName(QStringLiteral("speedChart"));

    chartsArea_ = new QWidget;
    auto* grid = new QGridLayout(chartsArea_);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(6);
    grid->addWidget(lossChart_, 0, 0, 1, 3);
    grid->addWidget(probeChart_, 1, 0, 1, 3);
    grid->addWidget(rateChart_, 2, 0);
    grid->addWidget(gradientChart_, 2, 1);
    grid->addWidget(speedChart_, 2, 2);
    grid->setRowStretch(0, 5);
    grid->setRowStretch(1, 4);
    grid->setRowStretch(2, 3);
    return chartsArea_;
}

QWidget* TrainingPage::buildSide() {
    probeChoice_ = new QComboBox;
    probeChoice_->setObjectName(QStringLiteral("probeChoice"));
    probeChoice_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    probeChoice_->setMinimumContentsLength(8);
    probeChoice_->addItem(tr("The lecture's five blanks"), -1);
    for (int c = 0; c < data::probeCategoryCount; ++c) {
        probeChoice_->addItem(tr("Held-out %1 items").arg(QString::fromStdString(std::string(
                                  data::probeCategoryName(data::ProbeCategory(c))))),
                              c);
    }
    connect(probeChoice_, &QComboBox::currentIndexChanged, this, &TrainingPage::showProbes);
    probePanel_ = new widgets::ProbePanel;
    probePanel_->setItems(data::ToyWorld::lectureProbes());
    auto* probeScroll = new QScrollArea;
    probeScroll->setWidget(probePanel_);
    probeScroll->setWidgetResizable(true);
    probeScroll->setFrameShape(QFrame::NoFrame);
    probeScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    runList_ = new QListWidget;
    runList_->setObjectName(QStringLiteral("runList"));
    runList_->setWordWrap(true);
    runList_->setToolTip(tr("Every run is kept here to compare: tick to show its curves, hover for its settings"));
    connect(runList_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const int index = runList_->row(item);
        setRunVisible(index, item->checkState() == Qt::Checked);
    });
    removeRun_ = new QPushButton(tr("Remove run"));
    removeRun_->setProperty("role", QStringLiteral("small"));
    connect(removeRun_, &QPushButton::clicked, this, [this] {
        const int index = runList_->currentRow();
        if (index < 0 || index == currentRun_) return;
        Run& run = runs_[static_cast<std::size_t>(index)];
        lossChart_->removeSeries(run.loss);
        lossChart_->removeSeries(run.heldOut);
        rateChart_->removeSeries(run.rate);
        gradientChart_->removeSeries(run.gradient);
        speedChart_->removeSeries(run.speed);
        runs_.erase(runs_.begin() + index);
        delete runList_->takeItem(index);
        if (currentRun_ > index) --currentRun_;
        for (widgets::LiveChart* chart : {lossChart_, rateChart_, gradientChart_, speedChart_}) chart->refresh();
    });

    auto* probes = new QWidget;
    auto* probeLayout = new QVBoxLayout(probes);
    probeLayout->setContentsMargins(4, 4, 4, 4);
    probeLayout->addWidget(probeChoice_);
    probeLayout->addWidget(probeScroll, 1);
    probeSide_ = probes;

    auto* runs = new QWidget;
    auto* runsLayout = new QVBoxLayout(runs);
    runsLayout->setContentsMargins(4, 4, 4, 4);
    auto* note = new QLabel(tr("Every run stays here to compare: tick a run to show its curves, hover it for its "
                               "settings."));
    note->setWordWrap(true);
    note->setProperty("role", QStringLiteral("muted"));
    runsLayout->addWidget(note);
    runsLayout->addWidget(runList_, 1);
    lossAxis_ = new QComboBox;
    lossAxis_->setObjectName(QStringLiteral("lossAxis"));
    lossAxis_->addItem(tr("Loss against steps"));
    lossAxis_->addItem(tr("Loss against tokens with loss"));
    lossAxis_->setToolTip(tr("Plot the loss against the optimizer's steps, or against the tokens that have "
                             "produced loss so far (about 15% of an encoder's, all of a decoder's)"));
    connect(lossAxis_, &QComboBox::currentIndexChanged, this, [this](int index) { setLossAgainstTokensWithLoss(index == 1); });
    runsLayout->addWidget(lossAxis_);
    auto* clearRuns = new QPushButton(tr("Clear all runs"));
    clearRuns->setProperty("role", QStringLiteral("small"));
    connect(clearRuns, &QPushButton::clicked, this, &TrainingPage::clearRuns);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(clearRuns);
    buttons->addWidget(removeRun_);
    runsLayout->addLayout(buttons);
    runsSide_ = runs;
    return probes;
}

QWidget* TrainingPage::buildProbeSide() { return buildSide(), probeSide_; }

QWidget* TrainingPage::buildRunsSide() { return runsSide_; }

void TrainingPage::clearRuns() {
    queued_.reset();
    controller_.reset();
    for (const Run& run : runs_) {
        lossChart_->removeSeries(run.loss);
        lossChart_->removeSeries(run.heldOut);
        rateChart_->removeSeries(run.rate);
        gradientChart_->removeSeries(run.gradient);
        speedChart_->removeSeries(run.speed);
    }
    runs_.clear();
    runList_->clear();
    currentRun_ = -1;
    nextRunId_ = 1;
    for (const int series : probeSeries_) probeChart_->clearPoints(series);
    rateChart_->clearPoints(plannedRate_);
    lossChart_->setLogScale(false);
    problem_->hide();
    probePanel_->setItems(data::ToyWorld::lectureProbes());
    for (widgets::LiveChart* chart : {lossChart_, probeChart_, rateChart_, gradientChart_, speedChart_}) chart->refresh();
    updateButtons();
    updateStatus();
}

void TrainingPage::showSideTab(SideTab tab) { side_->setCurrentIndex(int(tab)); }

void TrainingPage::setTokenizerSource(std::function<std::optional<Tokenizer>()> source) {
    tokenizerSource_ = std::move(source);
}

void TrainingPage::markCustom() {
    if (!applyingPreset_ && preset_->currentIndex() != 3) {
        applyingPreset_ = true;
        preset_->setCurrentIndex(3);
        applyingPreset_ = false;
    }
}

void TrainingPage::syncFormToArchitecture() {
    const auto architecture = nn::Architecture(architecture_->currentData().toInt());
    maskRate_->setEnabled(architecture == nn::Architecture::Encoder);
    const QString corpus = corpus_->currentData().toString();
    tokenizer_->setEnabled(corpus == QLatin1String("file"));
    if (corpus != QLatin1String("file")) tokenizer_->setCurrentIndex(0);
}

train::RunSettings TrainingPage::settings() const {
    train::RunSettings s;
    s.preset = preset_->currentIndex() < 3 ? presetNames[preset_->currentIndex()] : "custom";
    s.model.architecture = nn::Architecture(architecture_->currentData().toInt());
    s.model.width = width_->value();
    s.model.layers = layers_->value();
    s.model.heads = heads_->value();
    s.model.context = context_->value();
    s.batch = batch_->value();
    s.accumulation = accumulation_->value();
    s.steps = static_cast<std::size_t>(steps_->value());
    s.trainer.optimizer.kind = optim::OptimizerKind(optimizer_->currentData().toInt());
    s.trainer.optimizer.weightDecay = weightDecay_->value();
    s.trainer.schedule.kind = optim::ScheduleKind(schedule_->currentData().toInt());
    s.trainer.schedule.peak = learningRate_->value();
    s.trainer.schedule.warmup = static_cast<std::size_t>(warmup_->value());
    s.trainer.schedule.total = s.steps;
    s.trainer.clipNorm = clip_->value();
    s.trainer.seed = static_cast<std::uint64_t>(seed_->value());
    s.trainer.threads = static_cast<unsigned>(threads_->value());
    s.masking.rate = maskRate_->value() / 100.0;
    const QString corpus = corpus_->currentData().toString();
    if (corpus == QLatin1String("file")) {
        s.corpus = corpusFile_.toStdString();
        const QString tokenizer = tokenizer_->currentData().toString();
        if (tokenizer == QLatin1String("file")) s.tokenizer = tokenizerFile_.toStdString();
        if (tokenizer == QLatin1String("page")) s.tokenizer = "page";  // resolved when the run starts
    } else {
        s.corpus = corpus.toStdString();
    }
    if (s.corpus.empty()) s.model.vocabulary = 256;
    return s;
}

void TrainingPage::setSettings(const train::RunSettings& s) {
    applyingPreset_ = true;
    architecture_->setCurrentIndex(architecture_->findData(int(s.model.architecture)));
    const int preset = s.preset == "tiny" ? 0 : s.preset == "small" ? 1 : s.preset == "medium" ? 2 : 3;
    preset_->setCurrentIndex(preset);
    width_->setValue(int(s.model.width));
    layers_->setValue(int(s.model.layers));
    heads_->setValue(int(s.model.heads));
    context_->setValue(int(s.model.context));
    batch_->setValue(int(s.batch));
    applyingPreset_ = false;
    accumulation_->setValue(int(s.accumulation));
    steps_->setValue(int(s.steps));
    optimizer_->setCurrentIndex(optimizer_->findData(int(s.trainer.optimizer.kind)));
    schedule_->setCurrentIndex(schedule_->findData(int(s.trainer.schedule.kind)));
    learningRate_->setValue(s.trainer.schedule.peak);
    weightDecay_->setValue(s.trainer.optimizer.weightDecay);
    warmup_->setValue(int(s.trainer.schedule.warmup));
    clip_->setValue(s.trainer.clipNorm);
    seed_->setValue(int(s.trainer.seed));
    threads_->setValue(int(s.trainer.threads));
    maskRate_->setValue(s.masking.rate * 100);
    if (s.corpus.empty()) {
        corpus_->setCurrentIndex(1);
    } else if (s.corpus == train::toyWorldCorpus) {
        corpus_->setCurrentIndex(0);
    } else {
        corpusFile_ = QString::fromStdString(s.corpus);
        corpus_->setItemText(2, QFileInfo(corpusFile_).fileName());
        corpus_->setCurrentIndex(2);
        tokenizerFile_ = QString::fromStdString(s.tokenizer);
        tokenizer_->setItemText(2, QFileInfo(tokenizerFile_).fileName());
    }
    syncFormToArchitecture();
    if (!s.tokenizer.empty() && s.corpus != train::toyWorldCorpus) tokenizer_->setCurrentIndex(2);
    updateSchedulePreview();
}

void TrainingPage::updateSchedulePreview() {
    const train::RunSettings s = settings();
    std::vector<double> x, y;
    const std::size_t points = std::min<std::size_t>(s.steps, 400);
    for (std::size_t i = 0; i <= points; ++i) {
        const std::size_t step = std::max<std::size_t>(1, s.steps * i / std::max<std::size_t>(1, points));
        x.push_back(double(step));
        y.push_back(s.trainer.schedule.at(step));
    }
    schedulePreview_->setPoints(previewSeries_, x, y);
    schedulePreview_->followNewPoints();
}

QString TrainingPage::describe(const train::RunSettings& s) const {
    const QLocale locale;
    QString text = tr("%1 %2 · %3 · %4 η %5, %6")
                       .arg(QString::fromStdString(std::string(nn::architectureName(s.model.architecture))),
                            QString::fromStdString(s.preset),
                            s.corpus.empty() ? tr("random tokens")
                            : s.corpus == train::toyWorldCorpus
                                ? tr("toy world")
                                : QFileInfo(QString::fromStdString(s.corpus)).fileName(),
                            QString::fromStdString(std::string(optim::optimizerName(s.trainer.optimizer.kind))),
                            locale.toString(s.trainer.schedule.peak, 'g', 3),
                            QString::fromStdString(std::string(optim::scheduleName(s.trainer.schedule.kind))));
    if (s.trainer.schedule.warmup > 0) text += tr(" (warmup %1)").arg(s.trainer.schedule.warmup);
    if (s.model.architecture == nn::Architecture::Encoder) text += tr(" · mask %1").arg(percent(s.masking.rate));
    return text;
}

TrainingPage::Run* TrainingPage::current() {
    if (currentRun_ < 0 || currentRun_ >= static_cast<int>(runs_.size())) return nullptr;
    return &runs_[static_cast<std::size_t>(currentRun_)];
}

void TrainingPage::beginRun(const train::RunSettings& settings, const QString& origin) {
    pullUpdates();  // the previous run's last points belong to it
    problem_->hide();
    Run run;
    run.id = nextRunId_++;
    run.colour = runColours[(run.id - 1) % std::size(runColours)];
    run.settings = settings;
    run.name = tr("Run %1").arg(run.id);
    run.loss = lossChart_->addSeries(tr("%1 training").arg(run.name), run.colour, true);
    run.heldOut = lossChart_->addSeries(tr("%1 held-out").arg(run.name), run.colour, false, Qt::DashLine, 2.0);
    run.rate = rateChart_->addSeries(run.name, run.colour);
    run.gradient = gradientChart_->addSeries(run.name, run.colour, true);
    run.speed = speedChart_->addSeries(run.name, run.colour, true);
    runs_.push_back(run);
    currentRun_ = static_cast<int>(runs_.size()) - 1;
    auto* item = new QListWidgetItem;
    QPixmap swatch(14, 14);
    swatch.fill(run.colour);
    item->setIcon(QIcon(swatch));
    item->setText(run.name + QStringLiteral(": ") + describe(settings) + origin);
    item->setToolTip(QString::fromStdString(settings.toJson()).replace(QLatin1String(","), QLatin1String(",\n")));
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
    runList_->addItem(item);
    for (const int series : probeSeries_) probeChart_->clearPoints(series);
    probeChart_->setTitle(tr("Probe accuracy of %1 (held-out blanks)").arg(run.name));
    lastStep_ = 0;
    lastSpeed_ = 0;
    preparingText_ = tr("Preparing the data…");
    rateChart_->clearPoints(plannedRate_);
    side_->setCurrentIndex(1);  // the guesses, while it learns
}

void TrainingPage::start() {
    queued_.reset();  // a run the user starts replaces a planned comparison
    train::RunSettings s = settings();
    if (s.tokenizer == "page") {
        std::optional<Tokenizer> tokenizer = tokenizerSource_ ? tokenizerSource_() : std::nullopt;
        if (!tokenizer) {
            setupProblem_->setText(tr("The Tokenization page has no trained BPE tokenizer yet: take a few merges there "
                                      "first, or choose a tokenizer file."));
            setupProblem_->show();
            return;
        }
        const QString folder = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
        QDir().mkpath(folder);
        const QString path = folder + QStringLiteral("/tokenization-page-bpe.json");
        try {
            writeTokenizerJson(*tokenizer, path.toStdString());
        } catch (const std::exception& error) {
            setupProblem_->setText(QString::fromStdString(error.what()));
            setupProblem_->show();
            return;
        }
        s.tokenizer = path.toStdString();
    }
    if (corpus_->currentData().toString() == QLatin1String("file") && corpusFile_.isEmpty()) {
        setupProblem_->setText(tr("Choose the text file to train on."));
        setupProblem_->show();
        return;
    }
    if (const std::string problem = s.problem(); !problem.empty()) {
        setupProblem_->setText(QString::fromStdString(problem));
        setupProblem_->show();
        return;
    }
    setupProblem_->hide();
    beginRun(s, {});
    controller_.start(s);
    updateButtons();
}

void TrainingPage::togglePause() {
    if (controller_.state() == TrainingController::State::Running) {
        controller_.pause();
    } else {
        controller_.resume();
    }
}

void TrainingPage::stepOnce() { controller_.stepOnce(); }

void TrainingPage::stop() {
    queued_.reset();
    controller_.stop();
}

void TrainingPage::reset() {
    queued_.reset();
    controller_.reset();
    if (Run* run = current()) {
        for (widgets::LiveChart* chart : {lossChart_, rateChart_, gradientChart_, speedChart_}) chart->refresh();
        run->steps.clear();
        lossChart_->clearPoints(run->loss);
        lossChart_->clearPoints(run->heldOut);
        rateChart_->clearPoints(run->rate);
        gradientChart_->clearPoints(run->gradient);
        speedChart_->clearPoints(run->speed);
    }
    for (const int series : probeSeries_) probeChart_->clearPoints(series);
    problem_->hide();
    probePanel_->setItems(data::ToyWorld::lectureProbes());
    preparingText_.clear();
    for (widgets::LiveChart* chart : {lossChart_, probeChart_, rateChart_, gradientChart_, speedChart_}) chart->refresh();
    updateButtons();
    updateStatus();
}

void TrainingPage::saveCheckpoint(const QString& weightsPath) {
    if (!controller_.hasSession()) return;
    controller_.requestSave(weightsPath);
}

void TrainingPage::openCheckpoint(const QString& weightsPath) {
    queued_.reset();
    beginRun(settings(), tr(" (from %1)").arg(QFileInfo(weightsPath).fileName()));
    controller_.resumeFrom(weightsPath);
    updateButtons();
}

void TrainingPage::onPrepared() {
    const train::RunSettings s = controller_.preparedSettings();
    if (Run* run = current()) {
        run->settings = s;
        QListWidgetItem* item = runList_->item(currentRun_);
        const QString origin = item->text().contains(QLatin1String(" (from ")) ? item->text().mid(item->text().indexOf(QLatin1String(" (from "))) : QString();
        item->setText(run->name + QStringLiteral(": ") + describe(s) + origin);
        item->setToolTip(QString::fromStdString(s.toJson()).replace(QLatin1String(","), QLatin1String(",\n")));
    }
    if (s.toJson() != settings().toJson() && !s.corpus.empty()) setSettings(s);  // a resumed run shows its own
    std::vector<double> x, y;
    const std::size_t points = std::min<std::size_t>(s.steps, 400);
    for (std::size_t i = 0; i <= points; ++i) {
        const std::size_t step = std::max<std::size_t>(1, s.steps * i / std::max<std::size_t>(1, points));
        x.push_back(double(step));
        y.push_back(s.trainer.schedule.at(step));
    }
    rateChart_->setPoints(plannedRate_, x, y);
    preparingText_.clear();
    const auto items = controller_.probeItems();
    if (items.empty()) probeChart_->setMessage(tr("probes need the toy world"));
    lossChart_->setMessage(s.corpus.empty() ? tr("random tokens: no held-out text") : QString());
    showProbes();
    updateStatus();
}

void TrainingPage::onStateChanged(TrainingController::State state) {
    using State = TrainingController::State;
    // The state the signal carries may be an earlier run's: the controller's own says what is now.
    if (queued_ && state == State::Finished && controller_.state() == State::Finished) {
        takeUpdates();  // the finished run's last points stay with it
        const train::RunSettings next = *queued_;
        queued_.reset();
        setSettings(next);
        start();
    } else if (state == State::Diverged || state == State::Failed) {
        queued_.reset();
    }
    updateButtons();
    updateStatus();
}

double TrainingPage::lossX(const Run& run, std::size_t step) const {
    if (!lossByTokens_) return double(step);
    // The last recorded step at or before `step` (0 before the first: the untrained model).
    const auto after = std::upper_bound(run.steps.begin(), run.steps.end(), step,
                                        [](std::size_t s, const StepPoint& p) { return s < p.step; });
    return after == run.steps.begin() ? 0.0 : std::prev(after)->tokensWithLoss;
}

void TrainingPage::replotLoss() {
    for (const Run& run : runs_) {
        std::vector<double> x, y;
        for (const StepPoint& p : run.steps) x.push_back(lossX(run, p.step)), y.push_back(p.loss);
        lossChart_->setPoints(run.loss, x, y);
        x.clear(), y.clear();
        for (const HeldOutPoint& p : run.heldOutPoints) x.push_back(lossX(run, p.step)), y.push_back(p.loss);
        lossChart_->setPoints(run.heldOut, x, y);
    }
    lossChart_->setXLabel(lossByTokens_ ? tr("Tokens that produced loss") : tr("Step"));
    lossChart_->followNewPoints();
    lossChart_->refresh();
}

void TrainingPage::setLossAgainstTokensWithLoss(bool on) {
    if (lossAxis_->currentIndex() != (on ? 1 : 0)) {
        lossAxis_->setCurrentIndex(on ? 1 : 0);  // comes back here
        return;
    }
    lossByTokens_ = on;
    replotLoss();
}

void TrainingPage::compareObjectives(std::size_t steps) {
    train::RunSettings s = train::toyWorldRun(nn::Architecture::Encoder, steps, 2e-3);
    s.trainer.threads = static_cast<unsigned>(threads_->value());
    s.trainer.seed = 1;
    queued_.reset();
    setSettings(s);
    setLossAgainstTokensWithLoss(true);
    start();
    s.model.architecture = nn::Architecture::Decoder;
    queued_ = s;  // the same corpus, sizes and seed, predicted the other way
}

void TrainingPage::updateButtons() {
    using State = TrainingController::State;
    const State state = controller_.state();
    const bool live = state == State::Running || state == State::Paused;
    pause_->setEnabled(live);
    pause_->setText(state == State::Running ? tr("Pause") : tr("Resume"));
    step_->setEnabled(live);
    stop_->setEnabled(live || state == State::Preparing);
    reset_->setEnabled(state != State::Idle);
    saveAction_->setEnabled(controller_.hasSession() && state != State::Preparing);
}

std::vector<StepPoint> TrainingPage::currentRunSteps() const {
    if (currentRun_ < 0 || currentRun_ >= static_cast<int>(runs_.size())) return {};
    return runs_[static_cast<std::size_t>(currentRun_)].steps;
}

QString TrainingPage::statusText() const { return status_->text(); }

void TrainingPage::updateStatus() {
    using State = TrainingController::State;
    const QLocale locale;
    const State state = controller_.state();
    QString text;
    switch (state) {
        case State::Idle: text = tr("Choose the settings and press Start."); break;
        case State::Preparing: text = preparingText_.isEmpty() ? tr("Preparing the data…") : preparingText_; break;
        case State::Failed: text = tr("The run could not start."); break;
        default: {
            const train::RunSettings s = controller_.preparedSettings();
            const QString what = state == State::Running    ? tr("Training")
                                 : state == State::Paused   ? tr("Paused")
                                 : state == State::Finished ? tr("Finished")
                                 : state == State::Stopped  ? tr("Stopped")
                                                            : tr("Diverged");
            text = tr("%1 · step %2 of %3").arg(what, locale.toString(qulonglong(lastStep_)), locale.toString(qulonglong(s.steps)));
            if (lastSpeed_ > 0) text += tr(" · %1 tokens/s").arg(locale.toString(lastSpeed_, 'f', 0));
            const optim::TrainingMemory memory = controller_.memory();
            text += tr(" · %1 parameters · memory %2 MB (weights, gradients, optimizer state)")
                        .arg(locale.toString(qulonglong(controller_.parameterCount())),
                             locale.toString(double(memory.total()) / 1e6, 'f', 1));
            if (!preparingText_.isEmpty()) text += QStringLiteral(" · ") + preparingText_;
        }
    }
    if (status_->text() != text) {
        status_->setText(text);
        status_->setToolTip(text);
    }
}

void TrainingPage::pullUpdates() {
    takeUpdates();
    // The data goes in at every tick; the charts redraw ten times a second, which looks as live
    // and leaves the cores to training (redrawing five charts costs a few milliseconds).
    if (chartsChanged_ && (!sinceReplot_.isValid() || sinceReplot_.elapsed() >= 100)) {
        for (widgets::LiveChart* chart : {lossChart_, probeChart_, rateChart_, gradientChart_, speedChart_}) chart->refresh();
        chartsChanged_ = false;
        sinceReplot_.start();
    }
}

void TrainingPage::takeUpdates() {
    TrainingController::Drained drained = controller_.drain();
    Run* run = current();
    if (!run || (drained.steps.empty() && drained.heldOut.empty() && drained.probes.empty())) return;
    chartsChanged_ = true;
    if (!drained.steps.empty()) {
        std::vector<double> x, lossX, loss, rate, gradient, speed;
        for (const StepPoint& p : drained.steps) {
            x.push_back(double(p.step));
            lossX.push_back(lossByTokens_ ? p.tokensWithLoss : double(p.step));
            loss.push_back(p.loss);
            rate.push_back(p.learningRate);
            gradient.push_back(p.gradientNorm);
            speed.push_back(p.tokensPerSecond / 1000);
        }
        run->steps.insert(run->steps.end(), drained.steps.begin(), drained.steps.end());
        lossChart_->appendPoints(run->loss, lossX, loss);
        rateChart_->appendPoints(run->rate, x, rate);
        gradientChart_->appendPoints(run->gradient, x, gradient);
        speedChart_->appendPoints(run->speed, x, speed);
        lastStep_ = drained.steps.back().step;
        lastSpeed_ = drained.steps.back().tokensPerSecond;
        rateChart_->setMarker(double(lastStep_));
    }
    if (!drained.heldOut.empty()) {
        std::vector<double> x, y;
        for (const HeldOutPoint& p : drained.heldOut) x.push_back(lossX(*run, p.step)), y.push_back(p.loss);
        run->heldOutPoints.insert(run->heldOutPoints.end(), drained.heldOut.begin(), drained.heldOut.end());
        run->lastHeldOut = drained.heldOut.back().loss;
        lossChart_->appendPoints(run->heldOut, x, y);
    }
    if (!drained.probes.empty()) {
        for (const auto& snapshot : drained.probes) {
            run->probes.push_back(snapshot);
            for (int c = 0; c < data::probeCategoryCount; ++c) {
                if (snapshot->report.items[static_cast<std::size_t>(c)] == 0) continue;
                probeChart_->appendPoints(probeSeries_[static_cast<std::size_t>(c)], {double(snapshot->step)},
                                          {snapshot->report.accuracy[static_cast<std::size_t>(c)]});
            }
        }
        const auto& report = drained.probes.back()->report;
        QStringList chances;
        for (int c = 0; c < data::probeCategoryCount; ++c) {
            if (report.items[static_cast<std::size_t>(c)] == 0) continue;
            chances << tr("%1 %2").arg(QString::fromStdString(std::string(data::probeCategoryName(data::ProbeCategory(c)))),
                                       percent(report.chance[static_cast<std::size_t>(c)]));
        }
        probeChart_->setMessage(tr("chance: %1").arg(chances.join(QStringLiteral(", "))));
        showProbes();
    }
    updateStatus();
}

void TrainingPage::showProbes() {
    const Run* run = const_cast<TrainingPage*>(this)->current();
    const int category = probeChoice_->currentData().toInt();
    if (!run || run->probes.empty()) {
        if (category < 0) {
            probePanel_->setItems(data::ToyWorld::lectureProbes());
        } else {
            std::vector<data::ProbeItem> items;
            for (const data::ProbeItem& item : controller_.probeItems()) {
                if (int(item.category) == category) items.push_back(item);
            }
            probePanel_->setItems(items);
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
    probePanel_->setOutcomes(shown, snapshot.step);
    probePanel_->setMessage(tr("After step %1:").arg(QLocale().toString(qulonglong(snapshot.step))));
}

void TrainingPage::setRunVisible(int index, bool visible) {
    if (index < 0 || index >= static_cast<int>(runs_.size())) return;
    Run& run = runs_[static_cast<std::size_t>(index)];
    run.visible = visible;
    lossChart_->setSeriesVisible(run.loss, visible);
    lossChart_->setSeriesVisible(run.heldOut, visible);
    rateChart_->setSeriesVisible(run.rate, visible);
    gradientChart_->setSeriesVisible(run.gradient, visible);
    speedChart_->setSeriesVisible(run.speed, visible);
    if (QListWidgetItem* item = runList_->item(index); item && (item->checkState() == Qt::Checked) != visible) {
        item->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
    }
    for (widgets::LiveChart* chart : {lossChart_, rateChart_, gradientChart_, speedChart_}) chart->refresh();
}

bool TrainingPage::exportMetrics(const QString& path) {
    const Run* run = current();
    if (!run) return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&file);
    out << "step,loss,learning_rate,gradient_norm,tokens_per_s,held_out_loss\n";
    std::size_t held = 0;
    for (const StepPoint& p : run->steps) {
        while (held < run->heldOutPoints.size() && run->heldOutPoints[held].step < p.step) ++held;
        const bool hasHeld = held < run->heldOutPoints.size() && run->heldOutPoints[held].step == p.step;
        out << p.step << ',' << QString::number(p.loss, 'g', 10) << ',' << QString::number(p.learningRate, 'g', 10) << ','
            << QString::number(p.gradientNorm, 'g', 10) << ',' << QString::number(p.tokensPerSecond, 'f', 1) << ','
            << (hasHeld ? QString::number(run->heldOutPoints[held].loss, 'g', 10) : QString()) << '\n';
    }
    return file.error() == QFile::NoError;
}

bool TrainingPage::exportCharts(const QString& path) {
    if (path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
        QPdfWriter writer(path);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageOrientation(QPageLayout::Landscape);
        writer.setResolution(150);
        QPainter painter(&writer);
        if (!painter.isActive()) return false;
        const QRect page = painter.viewport();
        const double scale = std::min(double(page.width()) / chartsArea_->width(), double(page.height()) / chartsArea_->height());
        painter.scale(scale, scale);
        chartsArea_->render(&painter);
        return true;
    }
    return chartsArea_->grab().save(path);
}

}  // namespace pretrainlab::app
