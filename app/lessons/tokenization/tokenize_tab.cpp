#include "app/lessons/tokenization/tokenize_tab.hpp"

#include <QLocale>
#include <QVBoxLayout>
#include <algorithm>
#include <optional>

#include "app/lessons/tokenization/corpus_examples.hpp"
#include "app/lessons/tokenization/merge_snapshots.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/encode_trace.hpp"
#include "widgets/tokenize_view.hpp"

namespace pretrainlab::app {
namespace {

// The lesson tokenizes (and animates) the beginning of a text only.
constexpr qsizetype maxTokenizeCharacters = 600;

}  // namespace

TokenizeTab::TokenizeTab(TokenizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("tokenizeTab"));
    view_ = new widgets::TokenizeView;
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    connect(view_, &widgets::TokenizeView::textEdited, this, [this] { refresh(false); });
    connect(view_, &widgets::TokenizeView::animateRequested, this, [this] { refresh(true); });
    connect(&state_, &TokenizationState::changed, this, [this](TokenizationState::Change change) {
        using Change = TokenizationState::Change;
        if (change == Change::Curve || change == Change::LoadedTokenizer) return;
        if (change == Change::Corpus && state_.exampleIndex() >= 0) {
            view_->setText(corpusExamples()[std::size_t(state_.exampleIndex())].sampleToTokenize);
        }
        stale_ = true;
        if (isVisible()) refresh(false);
    });
}

void TokenizeTab::setText(const QString& text) {
    view_->setText(text);
    refresh(false);
}

void TokenizeTab::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) refresh(false);
}

void TokenizeTab::refresh(bool animate) {
    if (!state_.bpe() || state_.isBusy()) return;
    stale_ = false;
    const QString text = view_->text().left(maxTokenizeCharacters);
    const QByteArray bytes = text.toUtf8();
    const std::string content(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    try {
        const Tokenizer bpe = *state_.trainedBpeTokenizer();
        const Tokenizer wordPiece = *state_.trainedWordPieceTokenizer();
        const EncodingTrace trace = traceEncoding(bpe, content);
        std::vector<widgets::EncodingFrame> frames = encodingFrames(bpe, trace, tr("BPE"));
        const widgets::ChipWord wordPieceRow = tokenRow(wordPiece, content, tr("WordPiece"), false);
        std::size_t bpeTokens = 0;
        for (const auto& piece : trace.final()) bpeTokens += piece.size();
        bpeTokens -= trace.missing.size();
        std::size_t wordPieceTokens = 0;
        std::size_t wordPieceUnknown = 0;
        const std::optional<std::string>& unknown = wordPiece.config().unknownToken;
        for (const widgets::TokenChip& chip : wordPieceRow.chips) {
            if (chip.tokenId < 0) continue;
            ++wordPieceTokens;
            if (unknown && chip.text == QString::fromStdString(*unknown)) ++wordPieceUnknown;
        }
        const QLocale locale;
        const auto n = [&locale](std::size_t value) { return locale.toString(static_cast<qulonglong>(value)); };
        QString counts = tr("%1 characters, %2 bytes → BPE: %3 tokens")
                             .arg(n(utf8::countCharacters(content)), n(content.size()), n(bpeTokens));
        if (!trace.missing.empty()) counts += tr(" (%1 dropped: unknown)").arg(n(trace.missing.size()));
        counts += tr(" · WordPiece: %1 tokens").arg(n(wordPieceTokens));
        if (wordPieceUnknown > 0) counts += tr(" (%1 of them %2)").arg(n(wordPieceUnknown), QString::fromStdString(*unknown));
        view_->showEncoding(std::move(frames), wordPieceRow, counts, animate);
        view_->setBytes(state_.byteLevel() ? byteCells(text) : std::vector<widgets::ByteCell>{}, state_.byteLevel());
        view_->showProblem(text.size() < view_->text().size()
                               ? tr("Only the first %1 characters are tokenized here.").arg(maxTokenizeCharacters)
                               : QString());
    } catch (const std::exception& error) {
        view_->showProblem(QString::fromUtf8(error.what()));
    }
}

}  // namespace pretrainlab::app
