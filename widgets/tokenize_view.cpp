#include "widgets/tokenize_view.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include "widgets/row_reflow.hpp"

namespace pretrainlab::widgets {

TokenizeView::TokenizeView(QWidget* parent) : QWidget(parent) {
    auto* caption = new QLabel(tr("&Text"));
    caption->setMinimumWidth(caption->sizeHint().width() + 4);
    input_ = new QLineEdit;
    input_->setObjectName(QStringLiteral("tokenizeInput"));
    input_->setToolTip(tr("Any text: it is cut into words, then the merges learned so far apply "
                          "in the order they were learned"));
    input_->setClearButtonEnabled(true);
    caption->setBuddy(input_);
    animateButton_ = new QPushButton(tr("&Animate merges"));
    animateButton_->setObjectName(QStringLiteral("animateButton"));
    animateButton_->setToolTip(tr("Apply the merges one at a time, lowest rank first"));
    animateButton_->setProperty("role", QStringLiteral("accent"));
    resultButton_ = new QPushButton(tr("&Result"));
    resultButton_->setObjectName(QStringLiteral("resultButton"));
    resultButton_->setToolTip(tr("Show the final tokens at once"));
    // The text, then its two buttons: one line, or two at the largest text sizes.
    auto* text = new QHBoxLayout;
    text->addWidget(caption);
    text->addWidget(input_, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(animateButton_);
    buttons->addWidget(resultButton_);
    auto* top = new QBoxLayout(QBoxLayout::LeftToRight);
    top->addLayout(text, 1);
    top->addLayout(buttons);
    stackWhenNarrow(this, top);

    caption_ = new QLabel;
    caption_->setObjectName(QStringLiteral("encodingCaption"));
    caption_->setProperty("role", QStringLiteral("banner"));
    caption_->setTextFormat(Qt::PlainText);
    caption_->setWordWrap(true);
    counts_ = new QLabel;
    counts_->setObjectName(QStringLiteral("tokenCounts"));
    counts_->setWordWrap(true);
    problem_ = new QLabel;
    problem_->setObjectName(QStringLiteral("tokenizeProblem"));
    problem_->setProperty("role", QStringLiteral("problem"));
    problem_->setWordWrap(true);
    problem_->hide();

    chips_ = new TokenChipsView;
    chips_->setObjectName(QStringLiteral("tokenizeChips"));
    chips_->setShowIds(true);
    chips_->setToolTip(tr("The text's tokens with their ids: what the model actually receives"));
    auto* chipScroll = new QScrollArea;
    chipScroll->setWidget(chips_);
    chipScroll->setWidgetResizable(true);
    chipScroll->viewport()->setBackgroundRole(QPalette::Base);
    chipScroll->viewport()->setAutoFillBackground(true);

    bytesCaption_ = new QLabel(tr("Each character's UTF-8 bytes (hex) and the GPT-2 symbol each byte "
                                  "starts as: byte-level BPE begins from these. Invalid UTF-8 in a file is "
                                  "kept byte by byte (Hugging Face decodes it to U+FFFD)."));
    bytesCaption_->setWordWrap(true);
    bytes_ = new ByteView;
    bytes_->setObjectName(QStringLiteral("byteView"));
    bytesScroll_ = new QScrollArea;
    bytesScroll_->setWidget(bytes_);
    bytesScroll_->setWidgetResizable(true);
    bytesScroll_->viewport()->setBackgroundRole(QPalette::Base);
    bytesScroll_->viewport()->setAutoFillBackground(true);
    auto* bytesBox = new QWidget;
    auto* bytesLayout = new QVBoxLayout(bytesBox);
    bytesLayout->setContentsMargins(0, 0, 0, 0);
    bytesLayout->addWidget(bytesCaption_);
    bytesLayout->addWidget(bytesScroll_, 1);

    auto* split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(chipScroll);
    split->addWidget(bytesBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({300, 200});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addLayout(top);
    layout->addWidget(caption_);
    layout->addWidget(counts_);
    layout->addWidget(problem_);
    layout->addWidget(split, 1);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(300);
    connect(input_, &QLineEdit::textEdited, debounce_, qOverload<>(&QTimer::start));
    connect(debounce_, &QTimer::timeout, this, [this] { emit textEdited(input_->text()); });
    connect(input_, &QLineEdit::returnPressed, this, &TokenizeView::animateRequested);
    connect(animateButton_, &QPushButton::clicked, this, &TokenizeView::animateRequested);
    player_ = new QTimer(this);
    player_->setInterval(700);
    connect(player_, &QTimer::timeout, this, [this] {
        if (frame_ + 1 >= static_cast<int>(frames_.size())) {
            player_->stop();
            return;
        }
        showFrame(frame_ + 1);
    });
    connect(resultButton_, &QPushButton::clicked, this, [this] {
        player_->stop();
        if (!frames_.empty()) showFrame(static_cast<int>(frames_.size()) - 1);
    });
}

void TokenizeView::setText(const QString& text) { input_->setText(text); }

QString TokenizeView::text() const { return input_->text(); }

bool TokenizeView::isAnimating() const { return player_->isActive(); }

void TokenizeView::showEncoding(std::vector<EncodingFrame> frames, const ChipWord& wordPiece,
                                const QString& counts, bool animate) {
    player_->stop();
    frames_ = std::move(frames);
    wordPiece_ = wordPiece;
    counts_->setText(counts);
    if (frames_.empty()) {
        chips_->setWords({}, 0, false);
        caption_->clear();
        return;
    }
    showFrame(animate ? 0 : static_cast<int>(frames_.size()) - 1);
    if (animate && frames_.size() > 1) player_->start();
}

void TokenizeView::showFrame(int index) {
    frame_ = index;
    const EncodingFrame& frame = frames_[static_cast<std::size_t>(index)];
    caption_->setText(frame.caption);
    std::vector<ChipWord> rows{frame.tokens};
    if (!wordPiece_.chips.empty() || !wordPiece_.word.isEmpty()) rows.push_back(wordPiece_);
    chips_->setWords(std::move(rows), 0, index > 0);
}

void TokenizeView::setBytes(std::vector<ByteCell> cells, bool visible) {
    bytes_->setCells(std::move(cells));
    bytesCaption_->parentWidget()->setVisible(visible);
}

void TokenizeView::showProblem(const QString& text) {
    problem_->setText(text);
    problem_->setVisible(!text.isEmpty());
}

}  // namespace pretrainlab::widgets
