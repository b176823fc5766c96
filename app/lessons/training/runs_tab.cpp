#include "app/lessons/training/runs_tab.hpp"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <variant>

namespace pretrainlab::app {

RunsTab::RunsTab(TrainingLabState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("runsTab"));
    list_ = new QListWidget;
    list_->setObjectName(QStringLiteral("runList"));
    list_->setAccessibleName(tr("Runs"));
    list_->setWordWrap(true);
    list_->setToolTip(tr("Every run is kept here to compare: tick to show its curves, hover for its settings"));
    auto* note = new QLabel(tr("Every run stays here to compare: tick a run to show its curves, hover it for its settings."));
    note->setWordWrap(true);
    note->setProperty("role", QStringLiteral("muted"));
    lossAxis_ = new QComboBox;
    lossAxis_->setObjectName(QStringLiteral("lossAxis"));
    lossAxis_->setAccessibleName(tr("Loss against"));
    lossAxis_->addItem(tr("Loss against steps"));
    lossAxis_->addItem(tr("Loss against tokens with loss"));
    lossAxis_->setToolTip(tr("Plot the loss against the optimizer's steps, or against the tokens that have produced loss "
                             "so far (about 15% of an encoder's, all of a decoder's)"));
    auto* clear = new QPushButton(tr("Clear all runs"));
    clear->setObjectName(QStringLiteral("clearRuns"));
    clear->setProperty("role", QStringLiteral("small"));
    remove_ = new QPushButton(tr("Remove run"));
    remove_->setObjectName(QStringLiteral("removeRun"));
    remove_->setProperty("role", QStringLiteral("small"));
    // One above the other: side by side they would be cut at the largest text sizes.
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(remove_);
    buttons->addWidget(clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(note);
    layout->addWidget(list_, 1);
    layout->addWidget(lossAxis_);
    layout->addLayout(buttons);

    connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        state_.setRunVisible(list_->row(item), item->checkState() == Qt::Checked);
    });
    connect(lossAxis_, &QComboBox::currentIndexChanged, this,
            [this](int index) { state_.setLossAgainstTokensWithLoss(index == 1); });
    // Never the keyboard's by accident (focus moving on from a disabled button), and asked first.
    clear->setFocusPolicy(Qt::NoFocus);
    connect(clear, &QPushButton::clicked, this, [this] {
        const std::size_t count = state_.runs().runs().size();
        if (count == 0) return;
        if (QMessageBox::question(this, tr("Clear all runs"),
                                  tr("Remove all %n run(s) and their curves? This cannot be undone.", "", int(count)),
                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes)
            state_.clearRuns();
    });
    connect(remove_, &QPushButton::clicked, this, [this] { state_.removeRun(list_->currentRow()); });
    connect(&state_, &TrainingLabState::runAdded, this, &RunsTab::addRun);
    connect(&state_, &TrainingLabState::runChanged, this, &RunsTab::showRun);
    connect(&state_, &TrainingLabState::runRemoved, this, [this](int index) {
        delete list_->takeItem(index);
        showAll();
    });
    connect(&state_, &TrainingLabState::runsCleared, list_, &QListWidget::clear);
    connect(&state_, &TrainingLabState::lossAxisChanged, this, [this](bool byTokens) {
        const QSignalBlocker blocker(lossAxis_);
        lossAxis_->setCurrentIndex(byTokens ? 1 : 0);
    });
}

namespace {

// A setting's value as the form shows it: "16", "15%", "cosine", "on".
QString valueText(const train::SettingField& field, const train::RunSettings& settings) {
    const train::SettingValue value = field.get(settings);
    if (field.percent) {
        if (const double* share = std::get_if<double>(&value)) return QLocale().toString(*share * 100, 'g', 3) + QLatin1Char('%');
    }
    if (const bool* on = std::get_if<bool>(&value)) return *on ? QObject::tr("on") : QObject::tr("off");
    QString text = QString::fromStdString(train::settingText(value));
    if (!field.unit.empty()) text += QLatin1Char(' ') + QString::fromStdString(field.unit);
    return text;
}

// Settings the first line of a run's label already names.
bool namedInSummary(const std::string& key) {
    for (const char* named : {"arch", "preset", "corpus", "optimizer", "lr", "schedule", "warmup", "mask_rate"}) {
        if (key == named) return true;
    }
    return false;
}

}  // namespace

QString RunsTab::settingsText(const train::RunSettings& settings) {
    QStringList lines;
    for (const train::SettingField& field : train::runSettingFields()) {
        lines << QStringLiteral("%1: %2").arg(QString::fromStdString(field.label), valueText(field, settings));
    }
    return lines.join(QLatin1Char('\n'));
}

QString RunsTab::differences(const Run& run, const std::vector<Run>& runs) {
    QStringList parts;
    for (const train::SettingField& field : train::runSettingFields()) {
        if (namedInSummary(field.key)) continue;
        const train::SettingValue mine = field.get(run.settings);
        const bool differs = std::any_of(runs.begin(), runs.end(), [&](const Run& other) {
            return other.id != run.id && field.get(other.settings) != mine;
        });
        if (differs) parts << QStringLiteral("%1 %2").arg(QString::fromStdString(field.label).toLower(), valueText(field, run.settings));
    }
    return parts.join(QStringLiteral(" · "));
}

QString RunsTab::describe(const Run& run) {
    const train::RunSettings& s = run.settings;
    const QLocale locale;
    QString text = tr("%1: %2 %3 · %4 · %5 η %6, %7")
                       .arg(run.name, QString::fromStdString(std::string(nn::architectureName(s.model.architecture))),
                            QString::fromStdString(s.preset),
                            s.corpus.empty() ? tr("random tokens")
                            : s.corpus == train::toyWorldCorpus
                                ? tr("toy world")
                                : QFileInfo(QString::fromStdString(s.corpus)).fileName(),
                            QString::fromStdString(std::string(optim::optimizerName(s.trainer.optimizer.kind))),
                            locale.toString(s.trainer.schedule.peak, 'g', 3),
                            QString::fromStdString(std::string(optim::scheduleName(s.trainer.schedule.kind))));
    if (s.trainer.schedule.warmup > 0) text += tr(" (warmup %1)").arg(s.trainer.schedule.warmup);
    if (s.model.architecture == nn::Architecture::Encoder) {
        text += tr(" · mask %1%").arg(locale.toString(s.masking.rate * 100, 'f', 0));
    }
    if (run.origin.kind == RunOrigin::Kind::Checkpoint) text += tr(" (from %1)").arg(QFileInfo(run.origin.file).fileName());
    return text;
}

void RunsTab::addRun(int index) {
    const Run& run = state_.runs().at(index);
    auto* item = new QListWidgetItem;
    QPixmap swatch(14, 14);
    swatch.fill(run.colour);
    item->setIcon(QIcon(swatch));
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
    list_->insertItem(index, item);
    showAll();
}

void RunsTab::showAll() {
    for (int i = 0; i < list_->count(); ++i) showRun(i);
}

void RunsTab::showRun(int index) {
    const Run& run = state_.runs().at(index);
    QListWidgetItem* item = list_->item(index);
    if (!item) return;
    const QSignalBlocker blocker(list_);
    // What tells this run from the others comes first after its summary: two runs that differ
    // only in accumulation or steps never read alike.
    const QString apart = differences(run, state_.runs().runs());
    item->setText(apart.isEmpty() ? describe(run) : describe(run) + QStringLiteral(" · ") + apart);
    item->setToolTip(QStringLiteral("%1\n\n%2").arg(run.name, settingsText(run.settings)));
    item->setCheckState(run.visible ? Qt::Checked : Qt::Unchecked);
}

}  // namespace pretrainlab::app
