#pragma once

#include <QWidget>
#include <vector>

#include "app/lessons/finetuning/lesson_state.hpp"

class QLabel;
class QSpinBox;

namespace pretrainlab::widgets {
class LiveChart;
}

namespace pretrainlab::app {

class FinetuneForm;

// "Data size": held-out accuracy against the number of labelled examples (log axis), pretrained
// vs from scratch, each with and without the auxiliary LM (decoders), the same steps at every size;
// below, where pretraining's lead is largest and what the auxiliary LM did, as measured.
class DataSizeTab : public QWidget {
    Q_OBJECT
public:
    explicit DataSizeTab(FinetuningState& state, QWidget* parent = nullptr);

    void measure();
    widgets::LiveChart* chart() const { return chart_; }
    QLabel* summary() const { return summary_; }
    // The chart's series, one per curve of the state's.
    const std::vector<int>& series() const { return series_; }

private:
    void redraw();

    FinetuningState& state_;
    FinetuneForm* form_ = nullptr;
    QSpinBox* seeds_ = nullptr;
    widgets::LiveChart* chart_ = nullptr;
    std::vector<int> series_;
    QLabel* summary_ = nullptr;
};

}  // namespace pretrainlab::app
