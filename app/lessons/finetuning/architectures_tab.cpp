#include "app/lessons/finetuning/architectures_tab.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/lessons/finetuning/finetune_form.hpp"
#include "app/lessons/token_html.hpp"

namespace pretrainlab::app {
namespace {

QString kilobytes(std::size_t bytes) { return QLocale().toString(double(bytes) / 1024.0, 'f', 0) + QStringLiteral(" KB"); }

std::size_t total(const optim::TrainingMemory& m) { return m.parameters + m.gradients + m.optimizerState; }

}  // namespace

ArchitecturesTab::ArchitecturesTab(FinetuningState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("architecturesTab"));
    form_ = new FinetuneForm(FinetuneForm::Task | FinetuneForm::Labels | FinetuneForm::Steps);
    form_->setTask("choice");
    auto* run = new QPushButton(tr("Finetune &both"));
    run->setObjectName(QStringLiteral("compareArchitectures"));
    run->setToolTip(tr("The shipped encoder and decoder, each finetuned fully and as a linear probe"));
    auto* left = new SideColumn(tr("The same task, the same labelled examples, the same steps: which pretrained "
                                   "architecture finetunes better, and what does training only the head save?"),
                                {form_, run});

    // A column per model, a row per measurement: long names fit as row headers.
    table_ = new QTableWidget(6, 0);
    table_->setObjectName(QStringLiteral("architecturesTable"));
    table_->setVerticalHeaderLabels({tr("Parameters"), tr("Finetuned, held out"), tr("Linear probe, held out"),
                                     tr("Memory, all trained"), tr("Memory, linear probe"),
                                     tr("… of which gradients and moments")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setToolTip(tr("Memory: parameters + gradients + Adam's two moments, in 32-bit floats (activations apart)"));
    summary_ = wrappedLabel({});
    summary_->setObjectName(QStringLiteral("architecturesSummary"));
    auto* right = new QVBoxLayout;
    right->addWidget(table_, 1);
    right->addWidget(summary_);
    placeBeside(this, left, right);

    connect(run, &QPushButton::clicked, this, &ArchitecturesTab::measure);
    connect(&state_, &FinetuningState::architecturesChanged, this, &ArchitecturesTab::redraw);
    redraw();
}

void ArchitecturesTab::measure() { state_.startArchitectures(form_->settings()); }

void ArchitecturesTab::redraw() {
    const auto& results = state_.architectures();
    table_->setColumnCount(int(results.size()));
    for (int c = 0; c < int(results.size()); ++c) {
        const FinetuningState::ArchitectureResult& result = results[std::size_t(c)];
        table_->setHorizontalHeaderItem(c, new QTableWidgetItem(result.name));
        const QStringList cells{QLocale().toString(qulonglong(result.parameters)),
                                QStringLiteral("%1%").arg(100 * result.accuracy, 0, 'f', 1),
                                QStringLiteral("%1%").arg(100 * result.probeAccuracy, 0, 'f', 1),
                                kilobytes(total(result.full)),
                                kilobytes(total(result.probe)),
                                tr("%1 instead of %2").arg(kilobytes(result.probe.gradients + result.probe.optimizerState),
                                                           kilobytes(result.full.gradients + result.full.optimizerState))};
        for (int r = 0; r < cells.size(); ++r) {
            auto* item = new QTableWidgetItem(cells[r]);
            item->setTextAlignment(Qt::AlignCenter);
            table_->setItem(r, c, item);
        }
    }
    if (results.size() < 2) {
        summary_->setText(tr("Finetune both to compare them (the encoder and decoder shipped with the app)."));
        return;
    }
    const auto& encoder = results[0];
    const auto& decoder = results[1];
    const int gap = qRound(100 * (encoder.accuracy - decoder.accuracy));
    const QString verdict = gap >= 3    ? tr("the encoder finetuned better, as the lecture says medium-sized encoders tend to")
                            : gap <= -3 ? tr("the decoder finetuned better: at this tiny size the lecture's tendency for "
                                             "encoders does not show")
                                        : tr("the two are within 3 points: no clear winner at this size");
    summary_->setText(tr("Measured here, one seed: %1 (%2% against %3%). A linear probe keeps gradients and Adam's "
                         "moments for the head only, a few hundred parameters instead of every one.")
                          .arg(verdict)
                          .arg(qRound(100 * encoder.accuracy))
                          .arg(qRound(100 * decoder.accuracy)));
}

}  // namespace pretrainlab::app
