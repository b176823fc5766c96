#pragma once

#include <QString>
#include <QTimer>
#include <QWidget>
#include <memory>

#include "core/tokenize/bpe_stepper.hpp"

namespace pretrainlab::widgets {
class BpeStepperView;
struct BpeStepperSnapshot;
}  // namespace pretrainlab::widgets

namespace pretrainlab::app {

// The Tokenization lesson: owns the BPE stepper (core) and feeds its states to the view.
class TokenizationPage : public QWidget {
    Q_OBJECT
public:
    static constexpr const char* defaultCorpus = "banana band ban";

    explicit TokenizationPage(QWidget* parent = nullptr);

    void setCorpus(const QString& text);
    void step();
    void back();
    void reset();
    void setTieBreak(TieBreak rule);
    void setPlaying(bool playing);
    bool isPlaying() const { return playTimer_.isActive(); }

    widgets::BpeStepperView* view() const { return view_; }
    const BpeStepper* stepper() const { return stepper_.get(); }

private:
    void rebuild(const QString& text);
    void refresh(bool animateMerge);
    widgets::BpeStepperSnapshot snapshot();
    void setMergesPerSecond(int rate);
    void showTieRules();
    QString tieNote(const MergeStep& next) const;

    widgets::BpeStepperView* view_ = nullptr;
    std::unique_ptr<BpeStepper> stepper_;
    TieBreak tieRule_ = TieBreak::HuggingFace;
    QTimer playTimer_;
};

}  // namespace pretrainlab::app
