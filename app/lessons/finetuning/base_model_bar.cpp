#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/finetuning/base_model_bar.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/jobs/job_progress.hpp"

namespace pretrainlab::app {

BaseModelBar::BaseModelBar(FinetuningState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("baseModelBar"));
    source_ = new QComboBox;
    source_->setObjectName(QStringLiteral("baseSource"));
    source_->addItem(tr("Tiny decoder (GPT), shipped"));
    source_->addItem(tr("Tiny encoder (BERT), shipped"));
    source_->addItem(tr("The Training lab's model"));
    source_->addItem(tr("A checkpoint file…"));
    source_->setItemData(2, tr("A copy of the Training lab's model as it is now"), Qt::ToolTipRole);
    source_->setItemData(3, tr("A checkpoint that `pretrainlab-cli train --save` or the Training lab saved"), Qt::ToolTipRole);
    source_->setToolTip(tr("The pretrained model every tab finetunes"));
    source_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    source_->setMinimumContentsLength(16);
    auto* open = new QPushButton(tr("Open…"));
    open->setObjectName(QStringLiteral("openCheckpoint"));
    open->setToolTip(tr("Open a checkpoint that `pretrainlab-cli train --save` or the Training lab saved"));
    progress_ = new JobProgress(state_.job());
    description_ = new QLabel;
    description_->setObjectName(QStringLiteral("baseDescription"));
    description_->setProperty("role", QStringLiteral("muted"));
    description_->setWordWrap(true);
    description_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("&Pretrained model"));
    label->setBuddy(source_);
    row->addWidget(label);
    row->addWidget(source_, 1);
    row->addWidget(open);
    // The work's progress shares the description's line, so the row above never grows.
    auto* second = new QHBoxLayout;
    second->addWidget(description_, 1);
    second->addWidget(progress_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addLayout(second);

    connect(source_, &QComboBox::activated, this, [this](int index) {
        if (index == int(FinetuningState::Source::File)) {
            openCheckpoint();
        } else if (index == int(FinetuningState::Source::TrainingLab)) {
            emit state_.labModelWanted();  // a fresh copy: it arrives through setLabModel
        } else {
            state_.setSource(FinetuningState::Source(index));
        }
        showSource();
    });
    connect(open, &QPushButton::clicked, this, &BaseModelBar::openCheckpoint);
    connect(&state_, &FinetuningState::baseChanged, this, &BaseModelBar::showSource);
    connect(progress_, &JobProgress::running, source_, [this](bool on) { source_->setEnabled(!on); });
    showSource();
}

void BaseModelBar::openCheckpoint() {
    const QString path = openFileName(this, tr("Open a pretrained checkpoint"), tr("Checkpoints (*.safetensors)"),
                                         FileKind::Checkpoint, false);
    if (!path.isEmpty()) state_.openCheckpoint(path);
    showSource();
}

void BaseModelBar::showSource() {
    const QSignalBlocker blocker(source_);
    source_->setCurrentIndex(int(state_.source()));
    description_->setText(state_.baseDescription());
    const bool shipped = state_.source() == FinetuningState::Source::ShippedDecoder ||
                         state_.source() == FinetuningState::Source::ShippedEncoder;
    description_->setToolTip(shipped && state_.base() ? tr("Made by: %1").arg(state_.shippedCommand(state_.base()->architecture()))
                                                      : QString());
}

}  // namespace pretrainlab::app
