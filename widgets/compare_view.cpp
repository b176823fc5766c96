#include "widgets/compare_view.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

namespace pretrainlab::widgets {

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
    openButton_ = new QPushButton(tr("&Open tokenizer…"));
    openButton_->setObjectName(QStringLiteral("openTokenizerButton"));
    openButton_->setToolTip(tr("A Hugging Face tokenizer.json, GPT-2's vocab.json and merges.txt, a "
                               "tiktoken rank file or BERT's vocab.txt"));
    loaded_ = new QLabel(tr("No tokenizer file opened yet."));
    loaded_->setObjectName(QStringLiteral("loadedTokenizerLabel"));
    loaded_->setWordWrap(true);  // a long file name wraps rather than widen the page
    auto* top = new QHBoxLayout;
    top->addWidget(openButton_);
    top->addWidget(loaded_, 1);

    problem_ = new QLabel;
    problem_->setObjectName(QStringLiteral("tokenizerProblem"));
    problem_->setProperty("role", QStringLiteral("problem"));
    problem_->setWordWrap(true);
    problem_->hide();

    auto* caption = new QLabel(tr("T&ext"));
    caption->setMinimumWidth(caption->sizeHint().width() + 4);
    input_ = new QLineEdit;
    input_->setObjectName(QStringLiteral("compareInput"));
    input_->setClearButtonEnabled(true);
    caption->setBuddy(input_);
    auto* textRow = new QHBoxLayout;
    textRow->addWidget(caption);
    textRow->addWidget(input_, 1);

    auto* legend = new QLabel(tr("WordPiece marks a piece inside a word with ##; byte-level BPE writes "
                                 "a space as Ġ and a newline as Ċ."));
    legend->setWordWrap(true);
    legend->setProperty("role", QStringLiteral("muted"));

    chips_ = new TokenChipsView;
    chips_->setObjectName(QStringLiteral("compareChips"));
    chips_->setShowIds(true);
    auto* scroll = new QScrollArea;
    scroll->setWidget(chips_);
    scroll->setWidgetResizable(true);
    scroll->viewport()->setBackgroundRole(QPalette::Base);
    scroll->viewport()->setAutoFillBackground(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addLayout(top);
    layout->addWidget(problem_);
    layout->addLayout(textRow);
    layout->addWidget(legend);
    layout->addWidget(scroll, 1);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(250);
    connect(input_, &QLineEdit::textEdited, debounce_, qOverload<>(&QTimer::start));
    connect(debounce_, &QTimer::timeout, this, [this] { emit textEdited(input_->text()); });
    connect(openButton_, &QPushButton::clicked, this, &CompareView::openRequested);
}

void CompareView::setText(const QString& text) { input_->setText(text); }

QString CompareView::text() const { return input_->text(); }

void CompareView::setLoaded(const QString& description) { loaded_->setText(description); }

void CompareView::showProblem(const QString& text) {
    problem_->setText(text);
    problem_->setVisible(!text.isEmpty());
}

void CompareView::showRows(std::vector<ChipWord> rows) { chips_->setWords(std::move(rows), 0, false); }

void CompareView::setBusy(bool busy) { openButton_->setEnabled(!busy); }

}  // namespace pretrainlab::widgets
