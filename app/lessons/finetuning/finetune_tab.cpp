#include "app/lessons/finetuning/finetune_tab.hpp"

#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <sstream>

#include "app/lessons/finetuning/finetune_form.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/row_reflow.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

// The names of a task's classes (multiple choice: the endings' places).
QStringList classNames(const finetune::Task& task) {
    QStringList names;
    if (task.form == finetune::TaskForm::MultipleChoice) {
        for (int i = 1; i <= 4; ++i) names << QObject::tr("ending %1").arg(i);
    } else {
        for (const std::string& label : task.labels) names << fromStd(label);
    }
    return names;
}

// Each answer's text: the example (a pair as "A ‖ B"), or for tagging the word in its sentence.
QStringList answerTexts(const finetune::Task& task) {
    QStringList texts;
    for (const finetune::Example& e : task.heldOut) {
        if (task.form == finetune::TaskForm::Tagging) {
            std::istringstream words(e.text);
            for (std::string word; words >> word;) texts << QObject::tr("“%1” in: %2").arg(fromStd(word), fromStd(e.text));
        } else if (task.form == finetune::TaskForm::Pair) {
            texts << fromStd(e.text) + QStringLiteral("  ‖  ") + fromStd(e.second);
        } else if (task.form == finetune::TaskForm::MultipleChoice) {
            QStringList endings;
            for (const std::string& ending : e.choices) endings << fromStd(ending);
            texts << fromStd(e.text) + QStringLiteral(" … [") + endings.join(QStringLiteral(" | ")) + QLatin1Char(']');
        } else {
            texts << fromStd(e.text);
        }
    }
    return texts;
}

}  // namespace

FinetuneTab::FinetuneTab(FinetuningState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("finetuneTab"));
    form_ = new FinetuneForm;
    both_ = new QPushButton(tr("Pretrained + &scratch"));
    both_->setObjectName(QStringLiteral("finetuneBoth"));
    both_->setToolTip(tr("Finetune the pretrained model, then the same architecture from random weights on the same "
                         "examples, in the same order, for the same steps"));
    both_->setDefault(true);
    auto* one = new QPushButton(tr("&Pretrained only"));
    one->setToolTip(tr("Finetune the pretrained model only"));
    one->setObjectName(QStringLiteral("finetuneOne"));
    auto* clear = new QPushButton(tr("Clear runs"));
    clear->setObjectName(QStringLiteral("clearRuns"));
    auto* left = new SideColumn({}, {form_, both_, one, clear});

    widgets::LiveChart::Options lossOptions;
    lossOptions.smoothingSlider = false;
    lossOptions.legend = true;
    lossOptions.legendOnTop = true;
    lossOptions.compact = true;
    loss_ = new widgets::LiveChart(tr("Task loss"), tr("loss"), lossOptions);
    loss_->setObjectName(QStringLiteral("finetuneLoss"));
    loss_->setXLabel(tr("step"));
    widgets::LiveChart::Options accuracyOptions;
    accuracyOptions.valueRange = std::make_pair(0.0, 1.0);
    accuracyOptions.compact = true;
    accuracy_ = new widgets::LiveChart(tr("Held-out accuracy"), tr("accuracy"), accuracyOptions);
    accuracy_->setObjectName(QStringLiteral("finetuneAccuracy"));
    accuracy_->setXLabel(tr("step"));
    auto* charts = new QBoxLayout(QBoxLayout::LeftToRight);
    charts->addWidget(loss_, 1);
    charts->addWidget(accuracy_, 1);
    widgets::stackWhenNarrow(this, charts);

    run_ = new QComboBox;
    run_->setObjectName(QStringLiteral("shownRun"));
    run_->setToolTip(tr("The finished run whose answers are shown below"));
    run_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    run_->setMinimumContentsLength(12);
    confusion_ = new QTableWidget;
    confusion_->setObjectName(QStringLiteral("confusion"));
    confusion_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    confusion_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    confusion_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    confusion_->setToolTip(tr("Rows: the right class; columns: the model's answer"));
    mistakes_ = new QListWidget;
    mistakes_->setObjectName(QStringLiteral("mistakes"));
    mistakes_->setWordWrap(true);
    typed_ = new QLineEdit(QStringLiteral("the pasta was good but the service was slow ."));
    typed_->setObjectName(QStringLiteral("typedSentence"));
    typed_->setToolTip(tr("A sentence of your own, in the toy world's words"));
    typedSecond_ = new QLineEdit;
    typedSecond_->setObjectName(QStringLiteral("typedSecond"));
    typedSecond_->setPlaceholderText(tr("second sentence (pair tasks)"));
    prediction_ = wrappedLabel({});
    prediction_->setObjectName(QStringLiteral("prediction"));

    auto* confusionBox = new QGroupBox(tr("Confusion"));
    confusionBox->setToolTip(tr("Held-out answers: rows the right class, columns the model's answer"));
    (new QVBoxLayout(confusionBox))->addWidget(confusion_);
    auto* mistakesBox = new QGroupBox(tr("Wrong answers"));
    mistakesBox->setToolTip(tr("The held-out examples the run got wrong, with its probabilities"));
    (new QVBoxLayout(mistakesBox))->addWidget(mistakes_);
    auto* tryBox = new QGroupBox(tr("Try your own"));
    auto* tryLayout = new QVBoxLayout(tryBox);
    tryLayout->addWidget(typed_);
    tryLayout->addWidget(typedSecond_);
    tryLayout->addWidget(prediction_, 1);
    auto* answers = new QBoxLayout(QBoxLayout::LeftToRight);
    answers->addWidget(confusionBox, 3);
    answers->addWidget(mistakesBox, 3);
    answers->addWidget(tryBox, 2);
    widgets::stackWhenNarrow(this, answers);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Run")));
    runRow->addWidget(run_, 1);

    auto* right = new QVBoxLayout;
    right->addLayout(charts, 3);
    right->addLayout(runRow);
    right->addLayout(answers, 2);
    placeBeside(this, left, right);

    connect(both_, &QPushButton::clicked, this, [this] { finetune(true); });
    connect(one, &QPushButton::clicked, this, [this] { finetune(false); });
    connect(clear, &QPushButton::clicked, &state_, &FinetuningState::clearRuns);
    connect(&state_, &FinetuningState::runsChanged, this, &FinetuneTab::rebuildSeries);
    connect(&state_, &FinetuningState::runUpdated, this, [this](int run) {
        addPoints(run);
        if (state_.runs()[std::size_t(run)].finished) listFinishedRuns();
    });
    connect(run_, &QComboBox::currentIndexChanged, this, &FinetuneTab::showRun);
    connect(typed_, &QLineEdit::textChanged, this, &FinetuneTab::classifyTyped);
    connect(typedSecond_, &QLineEdit::textChanged, this, &FinetuneTab::classifyTyped);
    showRun();
}

void FinetuneTab::finetune(bool alsoScratch) { state_.startRuns(form_->settings(), true, alsoScratch); }

void FinetuneTab::rebuildSeries() {
    for (const Shown& s : shown_) {
        loss_->removeSeries(s.lossSeries);
        accuracy_->removeSeries(s.accuracySeries);
    }
    shown_.clear();
    const widgets::ViewPalette& palette = widgets::viewPalette();
    for (std::size_t i = 0; i < state_.runs().size(); ++i) {
        const FinetuneRun& run = state_.runs()[i];
        const QColor colour = palette.seriesColour(int(i));
        const Qt::PenStyle style = run.pretrained ? Qt::SolidLine : Qt::DashLine;
        shown_.push_back({loss_->addSeries(run.name, colour, true, style), accuracy_->addSeries(run.name, colour, false, style), 0, 0});
        addPoints(int(i));
    }
    loss_->refresh();
    accuracy_->refresh();
    listFinishedRuns();
}

void FinetuneTab::addPoints(int index) {
    if (index < 0 || std::size_t(index) >= shown_.size()) return;
    const FinetuneRun& run = state_.runs()[std::size_t(index)];
    Shown& shown = shown_[std::size_t(index)];
    if (run.loss.size() > shown.losses) {
        loss_->appendPoints(shown.lossSeries, {run.lossSteps.begin() + std::ptrdiff_t(shown.losses), run.lossSteps.end()},
                            {run.loss.begin() + std::ptrdiff_t(shown.losses), run.loss.end()});
        shown.losses = run.loss.size();
        loss_->refresh();
    }
    if (run.accuracy.size() > shown.accuracies) {
        accuracy_->appendPoints(shown.accuracySeries,
                                {run.accuracySteps.begin() + std::ptrdiff_t(shown.accuracies), run.accuracySteps.end()},
                                {run.accuracy.begin() + std::ptrdiff_t(shown.accuracies), run.accuracy.end()});
        shown.accuracies = run.accuracy.size();
        accuracy_->refresh();
    }
}

void FinetuneTab::listFinishedRuns() {
    const QSignalBlocker blocker(run_);
    run_->clear();
    for (std::size_t i = 0; i < state_.runs().size(); ++i) {
        const FinetuneRun& run = state_.runs()[i];
        if (!run.finished) continue;
        run_->addItem(tr("%1: %2% held out").arg(run.name).arg(100.0 * run.evaluation.accuracy, 0, 'f', 1), int(i));
    }
    run_->setCurrentIndex(run_->count() - 1);
    showRun();
}

void FinetuneTab::showRun() {
    confusion_->clear();
    mistakes_->clear();
    const int index = run_->currentData().isValid() ? run_->currentData().toInt() : -1;
    if (index < 0 || std::size_t(index) >= state_.runs().size()) {
        confusion_->setRowCount(0);
        confusion_->setColumnCount(0);
        prediction_->setText(tr("Finetune a model to see its answers here."));
        return;
    }
    const FinetuneRun& run = state_.runs()[std::size_t(index)];
    const finetune::Task& task = finetune::taskNamed(run.settings.task);
    const QStringList names = classNames(task);
    const auto& matrix = run.evaluation.confusion;
    confusion_->setRowCount(int(matrix.size()));
    confusion_->setColumnCount(int(matrix.size()));
    // Multiple choice: the endings' places, short enough for four columns.
    QStringList headers = names.mid(0, int(matrix.size()));
    if (task.form == finetune::TaskForm::MultipleChoice) {
        for (int i = 0; i < headers.size(); ++i) headers[i] = QString::number(i + 1);
    }
    confusion_->setHorizontalHeaderLabels(headers);
    confusion_->setVerticalHeaderLabels(headers);
    const widgets::ViewPalette& palette = widgets::viewPalette();
    for (std::size_t r = 0; r < matrix.size(); ++r) {
        std::size_t rowTotal = 0;
        for (const std::size_t n : matrix[r]) rowTotal += n;
        for (std::size_t c = 0; c < matrix[r].size(); ++c) {
            auto* item = new QTableWidgetItem(QString::number(matrix[r][c]));
            item->setTextAlignment(Qt::AlignCenter);
            const float share = rowTotal ? float(matrix[r][c]) / float(rowTotal) : 0.0f;
            item->setBackground(palette.heat(share));
            item->setForeground(share > 0.5f ? palette.heatmapLightText : palette.heatmapDarkText);
            confusion_->setItem(int(r), int(c), item);
        }
    }
    const QStringList texts = answerTexts(task);
    int wrong = 0;
    for (std::size_t i = 0; i < run.evaluation.answers.size() && wrong < 200; ++i) {
        const finetune::Answer& answer = run.evaluation.answers[i];
        if (answer.correct()) continue;
        ++wrong;
        const QString said = answer.predicted >= 0 && answer.predicted < names.size() ? names[answer.predicted] : tr("no class");
        mistakes_->addItem(tr("%1 — said %2 (p %3), right: %4 (p %5)")
                               .arg(i < std::size_t(texts.size()) ? texts[int(i)] : QString(), said)
                               .arg(answer.probability, 0, 'f', 2)
                               .arg(names.value(answer.right))
                               .arg(answer.rightProbability, 0, 'f', 2));
    }
    if (wrong == 0) mistakes_->addItem(tr("None: every held-out answer was right."));
    const bool typedWorks = task.form == finetune::TaskForm::Single || task.form == finetune::TaskForm::Pair;
    typed_->setEnabled(typedWorks);
    typedSecond_->setVisible(task.form == finetune::TaskForm::Pair);
    classifyTyped();
}

void FinetuneTab::classifyTyped() {
    const int index = run_->currentData().isValid() ? run_->currentData().toInt() : -1;
    if (index < 0 || std::size_t(index) >= state_.runs().size()) return;
    const FinetuneRun& run = state_.runs()[std::size_t(index)];
    const finetune::Task& task = finetune::taskNamed(run.settings.task);
    if (!run.finetuner || (task.form != finetune::TaskForm::Single && task.form != finetune::TaskForm::Pair)) {
        prediction_->setText(tr("Typed text is classified for single-sentence and pair tasks."));
        return;
    }
    if (typed_->text().trimmed().isEmpty()) {
        prediction_->setText(tr("Type a sentence."));
        return;
    }
    try {
        const std::vector<double> p = run.finetuner->classify(typed_->text().toStdString(), typedSecond_->text().toStdString());
        QStringList lines;
        for (std::size_t c = 0; c < p.size() && c < task.labels.size(); ++c) {
            lines << QStringLiteral("%1: %2%").arg(fromStd(task.labels[c])).arg(100.0 * p[c], 0, 'f', 1);
        }
        prediction_->setText(lines.join(QStringLiteral("<br>")));
    } catch (const std::exception& error) {
        prediction_->setText(fromStd(error.what()));
    }
}

}  // namespace pretrainlab::app
