#include "widgets/merge_controls.hpp"
#include "widgets/row_reflow.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>

namespace pretrainlab::widgets {
namespace {

QString speedText(int rate) { return MergeControls::tr("%1/s").arg(rate); }

QPushButton* button(const QString& text, const QString& name, const QString& tip) {
    auto* created = new QPushButton(text);
    created->setObjectName(name);
    created->setToolTip(tip);
    return created;
}

}  // namespace

MergeControls::MergeControls(QWidget* parent) : QWidget(parent) {
    backButton_ = button(tr("◀ Back"), QStringLiteral("backButton"), tr("Undo the last merge (Backspace or ←)"));
    stepButton_ = button(tr("Step ▶"), QStringLiteral("stepButton"),
                         tr("Merge the best pair, on both sides (Space or →)"));
    stepButton_->setProperty("role", QStringLiteral("accent"));
    playButton_ = button(tr("Play"), QStringLiteral("playButton"), tr("Keep merging at the chosen speed (P)"));
    playButton_->setCheckable(true);
    resetButton_ = button(tr("Reset"), QStringLiteral("resetButton"), tr("Back to single symbols (Home)"));

    speedSlider_ = new QSlider(Qt::Horizontal);
    speedSlider_->setObjectName(QStringLiteral("speedSlider"));
    speedSlider_->setRange(1, 30);
    speedSlider_->setValue(2);
    speedSlider_->setFixedWidth(70);
    speedSlider_->setToolTip(tr("Merges per second while playing"));
    speedLabel_ = new QLabel(speedText(2));
    speedLabel_->setMinimumWidth(speedLabel_->fontMetrics().horizontalAdvance(speedText(30)) + 6);

    auto* mergeCaption = new QLabel(tr("&Merge"));
    mergeSpin_ = new QSpinBox;
    mergeSpin_->setObjectName(QStringLiteral("mergeSpin"));
    mergeSpin_->setToolTip(tr("Jump to the state after this many merges (Enter)"));
    mergeSpin_->setKeyboardTracking(false);
    mergeSpin_->setMinimumWidth(mergeSpin_->fontMetrics().horizontalAdvance(QStringLiteral("00000")) + 34);
    mergeCaption->setBuddy(mergeSpin_);

    auto* vocabCaption = new QLabel(tr("&Vocabulary"));
    vocabSlider_ = new QSlider(Qt::Horizontal);
    vocabSlider_->setObjectName(QStringLiteral("vocabSlider"));
    vocabSlider_->setMinimumWidth(80);
    vocabSlider_->setToolTip(tr("Train until the vocabulary has this many tokens: a hyperparameter, "
                                "typically 32-64K for real models"));
    vocabCaption->setBuddy(vocabSlider_);
    vocabLabel_ = new QLabel;
    vocabLabel_->setObjectName(QStringLiteral("vocabLabel"));
    vocabLabel_->setMinimumWidth(vocabLabel_->fontMetrics().horizontalAdvance(QStringLiteral("000,000")) + 6);
    vocabDebounce_ = new QTimer(this);
    vocabDebounce_->setSingleShot(true);
    vocabDebounce_->setInterval(250);

    // Stepping, then jumping: one line, or two at the largest text sizes.
    auto* stepping = new QHBoxLayout;
    stepping->addWidget(backButton_);
    stepping->addWidget(stepButton_);
    stepping->addWidget(playButton_);
    stepping->addWidget(speedSlider_);
    stepping->addWidget(speedLabel_);
    stepping->addWidget(resetButton_);
    auto* jumping = new QHBoxLayout;
    jumping->addWidget(mergeCaption);
    jumping->addWidget(mergeSpin_);
    jumping->addSpacing(6);
    jumping->addWidget(vocabCaption);
    jumping->addWidget(vocabSlider_, 1);
    jumping->addWidget(vocabLabel_);
    auto* layout = new QBoxLayout(QBoxLayout::LeftToRight, this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addLayout(stepping);
    layout->addLayout(jumping, 1);
    stackWhenNarrow(this, layout);

    connect(stepButton_, &QPushButton::clicked, this, &MergeControls::stepRequested);
    connect(backButton_, &QPushButton::clicked, this, &MergeControls::backRequested);
    connect(resetButton_, &QPushButton::clicked, this, &MergeControls::resetRequested);
    connect(playButton_, &QPushButton::toggled, this, [this](bool playing) {
        playButton_->setText(playing ? tr("Pause") : tr("Play"));
        emit playToggled(playing);
    });
    connect(speedSlider_, &QSlider::valueChanged, this, [this](int rate) {
        speedLabel_->setText(speedText(rate));
        emit mergesPerSecondChanged(rate);
    });
    connect(mergeSpin_, &QSpinBox::valueChanged, this, &MergeControls::mergeNumberRequested);
    connect(vocabSlider_, &QSlider::valueChanged, this, [this](int size) {
        vocabLabel_->setText(QLocale().toString(size));
        vocabDebounce_->start();
    });
    connect(vocabDebounce_, &QTimer::timeout, this,
            [this] { emit vocabularySizeRequested(vocabSlider_->value()); });
}

void MergeControls::addShortcutsTo(QWidget* scope) {
    // Space and Backspace step from anywhere in `scope` except while typing (text fields claim
    // those keys first).
    const auto shortcut = [scope](const QKeySequence& keys, QPushButton* target) {
        auto* action = new QShortcut(keys, scope);
        action->setContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QShortcut::activated, target, [target] {
            if (target->isEnabled() && target->isVisible()) target->click();
        });
    };
    shortcut(QKeySequence(Qt::Key_Space), stepButton_);
    shortcut(QKeySequence(Qt::Key_Right), stepButton_);
    shortcut(QKeySequence(Qt::Key_Backspace), backButton_);
    shortcut(QKeySequence(Qt::Key_Left), backButton_);
    shortcut(QKeySequence(Qt::Key_P), playButton_);
    shortcut(QKeySequence(Qt::Key_Home), resetButton_);
}

void MergeControls::setPlaying(bool playing) {
    const QSignalBlocker blocker(playButton_);
    playButton_->setChecked(playing);
    playButton_->setText(playing ? tr("Pause") : tr("Play"));
}

void MergeControls::setMergesPerSecond(int rate) {
    const QSignalBlocker blocker(speedSlider_);
    speedSlider_->setValue(rate);
    speedLabel_->setText(speedText(rate));
}

void MergeControls::setPosition(int mergesDone, int maxMerges, int vocabularySize, int minVocabulary,
                                int maxVocabulary, bool canStep, bool canGoBack) {
    canStep_ = canStep;
    canGoBack_ = canGoBack;
    {
        const QSignalBlocker blocker(mergeSpin_);
        mergeSpin_->setRange(0, std::max(maxMerges, mergesDone));
        mergeSpin_->setValue(mergesDone);
    }
    {
        const QSignalBlocker blocker(vocabSlider_);
        vocabSlider_->setRange(minVocabulary, std::max({maxVocabulary, minVocabulary, vocabularySize}));
        vocabSlider_->setValue(vocabularySize);
        vocabSlider_->setPageStep(std::max(1, (vocabSlider_->maximum() - vocabSlider_->minimum()) / 20));
    }
    vocabLabel_->setText(QLocale().toString(vocabularySize));
    setBusy(busy_);
}

void MergeControls::setBusy(bool busy) {
    busy_ = busy;
    stepButton_->setEnabled(!busy && canStep_);
    playButton_->setEnabled(!busy && (canStep_ || playButton_->isChecked()));
    backButton_->setEnabled(!busy && canGoBack_);
    resetButton_->setEnabled(!busy && canGoBack_);
    mergeSpin_->setEnabled(!busy);
    vocabSlider_->setEnabled(!busy);
}

}  // namespace pretrainlab::widgets
