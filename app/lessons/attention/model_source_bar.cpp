#include "app/lessons/attention/model_source_bar.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/jobs/job_progress.hpp"
#include "app/lessons/file_dialogs.hpp"
#include "widgets/row_reflow.hpp"

namespace pretrainlab::app {

ModelSourceBar::ModelSourceBar(AttentionState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("modelSourceBar"));
    sentence_ = new QLineEdit(state_.sentence());
    sentence_->setObjectName(QStringLiteral("sentence"));
    sentence_->setToolTip(tr("The sentence every view reads, tokenized by the toy world's tokenizer"));
    source_ = new QComboBox;
    source_->setObjectName(QStringLiteral("modelSource"));
    source_->addItem(tr("Tiny encoder and decoder"));
    source_->addItem(tr("The Training lab's model"));
    source_->addItem(tr("Real models (GPT-2, BERT)"));
    source_->setToolTip(tr("Which trained models the attention, generation and zero-shot views use"));
    train_ = new QPushButton(tr("Train tiny models"));
    train_->setObjectName(QStringLiteral("trainTiny"));
    train_->setToolTip(tr("Pretrain a tiny BERT-style encoder and a tiny GPT-style decoder on the toy world (about 10 "
                          "seconds)"));
    auto* open = new QPushButton(tr("Open model…"));
    open->setObjectName(QStringLiteral("openRealModel"));
    open->setToolTip(tr("A pretrained GPT-2 or BERT downloaded once from the Hugging Face hub: its folder with "
                        "config.json, model.safetensors and the tokenizer (Ctrl+Shift+M)"));
    auto* lab = new QPushButton(tr("Take the Training lab's model"));
    lab->setObjectName(QStringLiteral("takeLabModel"));
    lab->setToolTip(tr("A copy of the model in the Training lab as it is now"));
    progress_ = new JobProgress(state_.job());
    models_ = new QLabel;
    models_->setObjectName(QStringLiteral("modelStatus"));
    models_->setProperty("role", QStringLiteral("muted"));
    models_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never widens the window
    models_->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Sentence")));
    top->addWidget(sentence_, 1);
    auto* choice = new QHBoxLayout;
    choice->addWidget(new QLabel(tr("Models")));
    choice->addWidget(source_);
    auto* buttons = new QBoxLayout(QBoxLayout::LeftToRight);
    buttons->addWidget(train_);
    buttons->addWidget(lab);
    buttons->addWidget(open);
    buttons->addStretch(1);
    // The choice and its buttons on one line, or two at the largest text sizes.
    auto* row = new QBoxLayout(QBoxLayout::LeftToRight);
    row->addLayout(choice);
    row->addLayout(buttons, 1);
    widgets::stackWhenNarrow(this, row);
    widgets::stackWhenNarrow(this, buttons);  // and the three buttons one above the other when even they do not fit
    // Training shows its progress beside the models' description, so nothing above the tabs
    // grows or moves when it starts.
    auto* status = new QHBoxLayout;
    status->addWidget(models_, 1);
    status->addWidget(progress_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(row);
    layout->addLayout(status);

    connect(sentence_, &QLineEdit::textChanged, &state_, &AttentionState::setSentence);
    connect(&state_, &AttentionState::sentenceChanged, this, [this](const QString& sentence) {
        if (sentence_->text() != sentence) sentence_->setText(sentence);
    });
    connect(source_, &QComboBox::currentIndexChanged, this,
            [this](int index) { state_.setSource(AttentionState::Source(index)); });
    connect(&state_, &AttentionState::sourceChanged, this, [this](AttentionState::Source source) {
        const QSignalBlocker blocker(source_);
        source_->setCurrentIndex(int(source));
    });
    connect(&state_, &AttentionState::modelsChanged, this, [this] { models_->setText(state_.modelsDescription()); });
    connect(train_, &QPushButton::clicked, &state_, &AttentionState::trainTinyModels);
    connect(lab, &QPushButton::clicked, &state_, &AttentionState::labModelWanted);
    connect(open, &QPushButton::clicked, this, [this] {
        const QString folder = openFolderName(this, tr("Open a GPT-2 or BERT model's folder"), FileKind::Model);
        if (!folder.isEmpty()) state_.openRealModels({folder});
    });
    connect(progress_, &JobProgress::running, train_, [this](bool on) {
        // A disabled button passes the keyboard to the next in line, which would be "Take the
        // Training lab's model" or Cancel: the lesson's tabs take it instead.
        if (on && train_->hasFocus()) emit keyboardHandedBack();
        train_->setEnabled(!on);
    });
    connect(progress_, &JobProgress::running, open, [this, open](bool on) {
        if (on && open->hasFocus()) emit keyboardHandedBack();
        open->setEnabled(!on);
    });
    models_->setText(state_.modelsDescription());
}

}  // namespace pretrainlab::app
