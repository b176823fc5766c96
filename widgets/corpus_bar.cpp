#include "widgets/corpus_bar.hpp"
#include "widgets/row_reflow.hpp"

#include <QCheckBox>
#include <QEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTextBlock>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace pretrainlab::widgets {

CorpusBar::CorpusBar(QWidget* parent) : QWidget(parent) {
    auto* caption = new QLabel(tr("&Corpus"));
    examples_ = new QComboBox;
    examples_->setObjectName(QStringLiteral("exampleCombo"));
    examples_->setToolTip(tr("The text BPE learns its merges from"));
    examples_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    examples_->setMinimumContentsLength(14);
    caption->setBuddy(examples_);
    openButton_ = new QPushButton(tr("Open file…"));
    openButton_->setObjectName(QStringLiteral("openCorpusButton"));
    openButton_->setToolTip(tr("Train on a text file of your own, up to tens of megabytes (Ctrl+O)"));
    byteLevel_ = new QCheckBox(tr("&Byte-level BPE"));
    byteLevel_->setObjectName(QStringLiteral("byteLevelCheck"));
    byteLevel_->setToolTip(tr("Use bytes as the initial tokens, as GPT-2 does: any text can be "
                              "encoded, and one character may be several bytes"));
    auto* tieCaption = new QLabel(tr("&Tie rule"));
    tieRules_ = new QComboBox;
    tieRules_->setObjectName(QStringLiteral("tieRuleCombo"));
    tieRules_->setToolTip(tr("Break ties deterministically, e.g. lexicographical order, occurrence "
                             "in the corpus"));
    tieCaption->setBuddy(tieRules_);
    exportButton_ = new QToolButton;
    exportButton_->setObjectName(QStringLiteral("exportButton"));
    exportButton_->setText(tr("Export"));
    exportButton_->setPopupMode(QToolButton::InstantPopup);
    exportButton_->setToolTip(tr("Save the trained tokenizer, the merge table, the curve or the chart"));

    // What to train on, then how: one line, or two at the largest text sizes.
    auto* source = new QHBoxLayout;
    source->addWidget(caption);
    source->addWidget(examples_, 1);
    source->addWidget(openButton_);
    auto* rule = new QHBoxLayout;
    rule->addWidget(byteLevel_);
    rule->addSpacing(10);
    rule->addWidget(tieCaption);
    rule->addWidget(tieRules_);
    rule->addStretch(1);
    // Export beside the settings, or under them where they fill the line (the largest text sizes).
    auto* how = new QBoxLayout(QBoxLayout::LeftToRight);
    how->addLayout(rule, 1);
    how->addWidget(exportButton_, 0, Qt::AlignRight);
    stackWhenNarrow(this, how);
    auto* top = new QBoxLayout(QBoxLayout::LeftToRight);
    top->setSpacing(10);
    top->addLayout(source, 1);
    top->addLayout(how);
    stackWhenNarrow(this, top);

    editor_ = new QPlainTextEdit;
    editor_->setObjectName(QStringLiteral("corpusEditor"));
    editor_->setPlaceholderText(tr("Type words separated by spaces, e.g. banana band ban"));
    editor_->setTabChangesFocus(true);
    editor_->setToolTip(tr("The training corpus. A word that appears several times counts several "
                           "times. Editing it starts training again."));
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("corpusStatus"));
    status_->setProperty("role", QStringLiteral("muted"));
    status_->setWordWrap(true);
    fitStatus();
    auto* textRow = new QHBoxLayout;
    textRow->addWidget(editor_, 1);
    textRow->addWidget(status_);
    problem_ = new QLabel;
    problem_->setObjectName(QStringLiteral("problemLabel"));
    problem_->setWordWrap(true);
    problem_->setProperty("role", QStringLiteral("problem"));
    problem_->hide();

    progressLabel_ = new QLabel;
    progressLabel_->setObjectName(QStringLiteral("progressLabel"));
    progress_ = new QProgressBar;
    progress_->setObjectName(QStringLiteral("progressBar"));
    progress_->setRange(0, 1000);
    progress_->setTextVisible(true);
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setObjectName(QStringLiteral("cancelButton"));
    cancelButton_->setToolTip(tr("Stop; what was there before stays (Esc)"));
    cancelButton_->setShortcut(QKeySequence(Qt::Key_Escape));
    progressRow_ = new QWidget;
    auto* progressLayout = new QHBoxLayout(progressRow_);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(progressLabel_);
    progressLayout->addWidget(progress_, 1);
    progressLayout->addWidget(cancelButton_);
    progressRow_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(top);
    layout->addLayout(textRow);
    layout->addWidget(progressRow_);
    layout->addWidget(problem_);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(400);
    connect(editor_, &QPlainTextEdit::textChanged, this, [this] {
        fitEditor();
        if (!editor_->isReadOnly()) debounce_->start();
    });
    connect(debounce_, &QTimer::timeout, this, [this] { emit textEdited(editor_->toPlainText()); });
    connect(examples_, &QComboBox::activated, this, [this](int index) {
        if (index < exampleCount_) emit exampleChosen(index);
    });
    connect(openButton_, &QPushButton::clicked, this, &CorpusBar::openRequested);
    connect(byteLevel_, &QCheckBox::toggled, this, &CorpusBar::byteLevelToggled);
    connect(tieRules_, &QComboBox::activated, this, &CorpusBar::tieRuleChosen);
    connect(cancelButton_, &QPushButton::clicked, this, &CorpusBar::cancelRequested);
}

void CorpusBar::setExamples(const QStringList& names) {
    const QSignalBlocker blocker(examples_);
    examples_->clear();
    examples_->addItems(names);
    exampleCount_ = static_cast<int>(names.size());
    examples_->addItem(tr("Your own text"));
}

void CorpusBar::showExample(int index) {
    const QSignalBlocker blocker(examples_);
    while (examples_->count() > exampleCount_ + 1) examples_->removeItem(examples_->count() - 1);
    examples_->setCurrentIndex(index);
}

void CorpusBar::showOwnText() { showExample(exampleCount_); }

void CorpusBar::showFile(const QString& name) {
    const QSignalBlocker blocker(examples_);
    while (examples_->count() > exampleCount_ + 1) examples_->removeItem(examples_->count() - 1);
    examples_->addItem(tr("File: %1").arg(name));
    examples_->setCurrentIndex(examples_->count() - 1);
}

void CorpusBar::setText(const QString& text, bool readOnly) {
    {
        const QSignalBlocker blocker(editor_);
        editor_->setPlainText(text);
        editor_->setReadOnly(readOnly);
    }
    debounce_->stop();
    fitEditor();
}

QString CorpusBar::text() const { return editor_->toPlainText(); }

void CorpusBar::setStatus(const QString& text) { status_->setText(text); }

void CorpusBar::fitStatus() {
    // As wide as "20.7 MB" and "4,000,000 words, 33,000 distinct" need in two or three lines, at
    // any text size, and never wider: a long figure wraps instead of squeezing the corpus box.
    status_->setFixedWidth(status_->fontMetrics().horizontalAdvance(QStringLiteral("4,000,000 words,")) + 8);
}

void CorpusBar::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange && status_) fitStatus();
}

void CorpusBar::showProblem(const QString& text) {
    problem_->setText(text);
    problem_->setVisible(!text.isEmpty());
}

void CorpusBar::setTieRules(const QStringList& names, const QStringList& explanations, int current) {
    const QSignalBlocker blocker(tieRules_);
    tieRules_->clear();
    for (int i = 0; i < names.size(); ++i) {
        tieRules_->addItem(names[i]);
        if (i < explanations.size()) tieRules_->setItemData(i, explanations[i], Qt::ToolTipRole);
    }
    tieRules_->setCurrentIndex(current);
}

void CorpusBar::setByteLevel(bool on) {
    const QSignalBlocker blocker(byteLevel_);
    byteLevel_->setChecked(on);
}

void CorpusBar::setExportMenu(QMenu* menu) { exportButton_->setMenu(menu); }

void CorpusBar::showProgress(const QString& what, double fraction) {
    progressLabel_->setText(what);
    if (fraction < 0) {
        progress_->setRange(0, 0);
    } else {
        progress_->setRange(0, 1000);
        progress_->setValue(static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 1000));
    }
    progressRow_->show();
}

void CorpusBar::hideProgress() { progressRow_->hide(); }

void CorpusBar::setBusy(bool busy) {
    examples_->setEnabled(!busy);
    openButton_->setEnabled(!busy);
    byteLevel_->setEnabled(!busy);
    tieRules_->setEnabled(!busy);
    editor_->setEnabled(!busy);
    exportButton_->setEnabled(!busy);
}

// One line for a few words, growing to two for a paragraph (a file's preview stays at one);
// beyond that it scrolls.
void CorpusBar::fitEditor() {
    const QFontMetrics metrics(editor_->font());
    const int width = std::max(100, editor_->viewport()->width() - 8);
    const QString sample = editor_->toPlainText().left(4000);
    const QRect bounds = metrics.boundingRect(QRect(0, 0, width, 100000), Qt::TextWordWrap, sample);
    const int lines = std::clamp(bounds.height() / std::max(1, metrics.lineSpacing()), 1, editor_->isReadOnly() ? 1 : 2);
    const int frame = 2 * editor_->frameWidth() + static_cast<int>(2 * editor_->document()->documentMargin());
    editor_->setFixedHeight(lines * metrics.lineSpacing() + frame + 10);
}

void CorpusBar::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitEditor();
}

}  // namespace pretrainlab::widgets
