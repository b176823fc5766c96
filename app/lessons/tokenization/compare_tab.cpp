#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/tokenization/compare_tab.hpp"

#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QVBoxLayout>

#include "app/lessons/tokenization/corpus_examples.hpp"
#include "app/lessons/tokenization/merge_snapshots.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "widgets/compare_view.hpp"

namespace pretrainlab::app {

CompareTab::CompareTab(TokenizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("compareTab"));
    view_ = new widgets::CompareView;
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    connect(view_, &widgets::CompareView::textEdited, this, &CompareTab::refresh);
    connect(view_, &widgets::CompareView::openRequested, this, &CompareTab::chooseTokenizerFile);
    connect(&state_, &TokenizationState::tokenizerProblem, view_, &widgets::CompareView::showProblem);
    connect(&state_, &TokenizationState::busyChanged, view_, &widgets::CompareView::setBusy);
    connect(&state_, &TokenizationState::changed, this, [this](TokenizationState::Change change) {
        using Change = TokenizationState::Change;
        if (change == Change::Curve) return;
        if (change == Change::Corpus && state_.exampleIndex() >= 0 &&
            (view_->text().isEmpty() || state_.exampleIndex() > 0)) {
            view_->setText(corpusExamples()[std::size_t(state_.exampleIndex())].sampleToTokenize);
        }
        if (change == Change::LoadedTokenizer && state_.loadedTokenizer()) {
            const Tokenizer& tokenizer = *state_.loadedTokenizer();
            view_->setLoaded(tr("%1: %2, %3 tokens")
                                 .arg(state_.loadedName(), QString::fromStdString(tokenizer.kindName()),
                                      QLocale().toString(static_cast<qulonglong>(tokenizer.vocabulary().size()))));
        }
        stale_ = true;
        if (isVisible()) refresh();
    });
}

void CompareTab::setText(const QString& text) {
    view_->setText(text);
    refresh();
}

void CompareTab::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) refresh();
}

void CompareTab::chooseTokenizerFile() {
    const QString path = openFileName(this, tr("Open a tokenizer"),
                                         tr("Tokenizers (*.json *.tiktoken *.txt *.model);;All files (*)"), FileKind::Tokenizer,
                                         false);
    if (path.isEmpty()) return;
    QString merges;
    try {
        if (detectTokenizerFile(path.toStdString()) == TokenizerFileKind::VocabJson &&
            !QFileInfo::exists(QFileInfo(path).dir().filePath(QStringLiteral("merges.txt")))) {
            merges = QFileDialog::getOpenFileName(this, tr("Open the merges.txt that goes with %1").arg(QFileInfo(path).fileName()),
                                                  QFileInfo(path).path(), tr("Merges (*.txt);;All files (*)"));
            if (merges.isEmpty()) return;
        }
    } catch (const std::exception& error) {
        view_->showProblem(QString::fromUtf8(error.what()));
        return;
    }
    // A recent file opens again from its path alone: not a vocab.json whose merges.txt is elsewhere.
    if (merges.isEmpty()) rememberRecentFile(path, FileKind::Tokenizer);
    state_.openTokenizerFile(path, merges);
}

void CompareTab::refresh() {
    if (!state_.bpe() || state_.isBusy()) return;
    stale_ = false;
    const QByteArray bytes = view_->text().left(2000).toUtf8();
    const std::string text(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    std::vector<widgets::ChipWord> rows;
    try {
        rows.push_back(tokenRow(*state_.trainedBpeTokenizer(), text,
                                state_.byteLevel() ? tr("Here: byte-level BPE") : tr("Here: BPE"), false));
        rows.push_back(tokenRow(*state_.trainedWordPieceTokenizer(), text, tr("Here: WordPiece"), false));
        if (state_.loadedTokenizer()) rows.push_back(tokenRow(*state_.loadedTokenizer(), text, state_.loadedName(), true));
    } catch (const std::exception& error) {
        view_->showProblem(QString::fromUtf8(error.what()));
    }
    view_->showRows(std::move(rows));
}

}  // namespace pretrainlab::app
