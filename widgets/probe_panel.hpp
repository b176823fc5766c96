#pragma once

#include <QWidget>
#include <vector>

#include "core/train/probes.hpp"

namespace pretrainlab::widgets {

// Fill-in-the-blank items with the model's guesses: each row shows the sentence with its blank
// and category, then the top predictions as bars of their probability; the right answer is green,
// and its own probability is given when it is not among them.
class ProbePanel : public QWidget {
    Q_OBJECT
public:
    explicit ProbePanel(QWidget* parent = nullptr);

    void setOutcomes(const std::vector<train::ProbeOutcome>& outcomes, std::size_t step);
    // Items without predictions yet (before the first evaluation).
    void setItems(const std::vector<data::ProbeItem>& items);
    void setMessage(const QString& message);
    const std::vector<train::ProbeOutcome>& outcomes() const { return outcomes_; }
    std::size_t step() const { return step_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    int heightForWidth(int width) const override;
    bool hasHeightForWidth() const override { return true; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int rowHeight() const;
    int rowHeightFor(const train::ProbeOutcome& outcome, int width) const;
    QString sentenceText(const train::ProbeOutcome& outcome) const;

    std::vector<train::ProbeOutcome> outcomes_;
    QString message_;
    std::size_t step_ = 0;
};

}  // namespace pretrainlab::widgets
