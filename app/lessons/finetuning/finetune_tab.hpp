#pragma once

#include <QWidget>
#include <vector>

#include "app/lessons/finetuning/lesson_state.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace pretrainlab::widgets {
class LiveChart;
}

namespace pretrainlab::app {

class FinetuneForm;

// "Finetune live": the pretrained model and the same model from random weights finetuned on a
// task while the class watches: task loss and held-out accuracy per run, overlaid; for a finished
// run, its confusion matrix, the held-out examples it got wrong with its probability, and a box to
// type a sentence of your own.
class FinetuneTab : public QWidget {
    Q_OBJECT
public:
    explicit FinetuneTab(FinetuningState& state, QWidget* parent = nullptr);

    void finetune(bool alsoScratch);
    FinetuneForm* form() const { return form_; }
    widgets::LiveChart* lossChart() const { return loss_; }
    widgets::LiveChart* accuracyChart() const { return accuracy_; }
    QTableWidget* confusion() const { return confusion_; }
    QListWidget* mistakes() const { return mistakes_; }
    QLabel* prediction() const { return prediction_; }
    QLineEdit* typed() const { return typed_; }

private:
    void rebuildSeries();
    void addPoints(int run);
    void listFinishedRuns();
    void showRun();
    void classifyTyped();

    FinetuningState& state_;
    FinetuneForm* form_ = nullptr;
    widgets::LiveChart* loss_ = nullptr;
    widgets::LiveChart* accuracy_ = nullptr;
    struct Shown {
        int lossSeries = -1, accuracySeries = -1;
        std::size_t losses = 0, accuracies = 0;  // points already on the charts
    };
    std::vector<Shown> shown_;
    QComboBox* run_ = nullptr;
    QTableWidget* confusion_ = nullptr;
    QListWidget* mistakes_ = nullptr;
    QLineEdit* typed_ = nullptr;
    QLineEdit* typedSecond_ = nullptr;
    QLabel* prediction_ = nullptr;
    QPushButton* both_ = nullptr;
};

}  // namespace pretrainlab::app
