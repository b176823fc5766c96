#pragma once

#include <QList>
#include <QWidget>

#include "app/lessons/tokenization/lesson_state.hpp"

class QAction;
class QMenu;
class QTabWidget;

namespace pretrainlab::widgets {
class CorpusBar;
}

namespace pretrainlab::app {

class CompareTab;
class MergeTab;
class TokenizeTab;
class TradeoffTab;

// The Tokenization lesson's shell: the corpus bar above four tabs over one TokenizationState
// (merge by merge, tokenizing new text, vocabulary against length, real tokenizers), the problems
// and progress the state reports, and the lesson's File menu entries.
class TokenizationPage : public QWidget {
    Q_OBJECT
public:
    enum Tab { MergeTabIndex, TokenizeTabIndex, TradeoffTabIndex, CompareTabIndex };

    explicit TokenizationPage(QWidget* parent = nullptr);
    ~TokenizationPage() override;

    TokenizationState& state() { return *state_; }
    void showTab(Tab tab);
    // The text the "Tokenize new text" and "Real tokenizers" tabs split.
    void setTokenizeText(const QString& text);
    QList<QAction*> fileActions() const;

signals:
    void message(const QString& text);

private:
    void buildFileActions();
    void showCorpus();
    void showTieRule();
    void showProblem(const QString& text);

    TokenizationState* state_ = nullptr;
    widgets::CorpusBar* corpusBar_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    MergeTab* mergeTab_ = nullptr;
    TokenizeTab* tokenizeTab_ = nullptr;
    TradeoffTab* tradeoffTab_ = nullptr;
    CompareTab* compareTab_ = nullptr;
    QMenu* exportMenu_ = nullptr;
    QAction* openCorpusAction_ = nullptr;
};

}  // namespace pretrainlab::app
