#pragma once

#include <QWidget>
#include <vector>

#include "app/lessons/finetuning/lesson_state.hpp"

class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace pretrainlab::app {

// "The ablation table", laid out as the lecture's GPT table: a row per way of getting a classifier
// (finetuned with and without the auxiliary LM, from scratch, a linear probe, zero- and few-shot
// prompting, bag of words), a column per task with its labelled-set size, each cell the held-out
// accuracy's mean ± spread over seeds, filled as runs finish; below, what the table shows in words.
class AblationTab : public QWidget {
    Q_OBJECT
public:
    explicit AblationTab(FinetuningState& state, QWidget* parent = nullptr);

    void runTable();
    finetune::AblationPlan plan() const;
    QTableWidget* table() const { return table_; }
    QLabel* summary() const { return summary_; }
    // The table as Markdown, as the CLI prints it.
    QString markdown() const;

private:
    void layOut();
    void fill();

    FinetuningState& state_;
    std::vector<QCheckBox*> tasks_;
    QSpinBox* labels_ = nullptr;
    QSpinBox* seeds_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QPushButton* run_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* summary_ = nullptr;
    finetune::AblationPlan shownPlan_;
};

}  // namespace pretrainlab::app
