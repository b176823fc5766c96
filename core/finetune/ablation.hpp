#pragma once

// The lecture's GPT ablation table, measured: one pretrained model finetuned on several tasks
// with and without the auxiliary LM, the same model trained from random weights, a linear probe,
// prompting (zero- and few-shot) and a bag-of-words baseline; each cell the mean and spread of the
// held-out accuracy over seeds. The CLI's `ablation` and the lesson's table both run this.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/finetune/finetune_settings.hpp"
#include "core/finetune/finetuner.hpp"
#include "core/train/model_bundle.hpp"

namespace pretrainlab::finetune {

enum class AblationRow { FullAuxLm, FinetuneAll, FromScratch, LinearProbe, ZeroShot, FewShot, BagOfWords };

const std::vector<AblationRow>& ablationRows();
// "full (aux LM)", "finetune all, no aux LM", "from scratch (no pretraining)", "linear probe",
// "zero-shot", "few-shot", "bag of words"
std::string_view rowName(AblationRow row);

struct AblationPlan {
    std::vector<std::string> tasks{"sentiment", "acceptability", "facts", "tagging", "choice"};
    std::vector<std::size_t> labels{256};  // one per task, or one for all
    std::size_t seeds = 3;                 // seeds 0 .. seeds-1
    FinetuneSettings finetune;             // steps, learning rate, batch and threads of every run
    double auxLm = 0.5;                    // λ of the "full (aux LM)" row (GPT's)
    double probeLearningRate = 1e-2;       // a probe trains one layer: it takes a larger rate
    std::size_t shots = 4;                 // few-shot: solved examples in the context

    std::size_t labelsOf(std::size_t task) const { return labels.size() == 1 ? labels.front() : labels.at(task); }
    // What is wrong (an unknown task, a label count a task does not have, ...); empty when all is well.
    std::string problem() const;
};

struct AblationCell {
    AblationRow row = AblationRow::FinetuneAll;
    std::string task;
    std::size_t labels = 0;
    std::vector<double> accuracies;  // one per seed (zero-shot: one in all, it has no seed)
    std::string notRun;              // why the row does not apply to this model or task ("" when it ran)
    bool diverged = false;           // a run stopped early: its step would have made the weights non-finite

    bool ran() const { return notRun.empty(); }
    double mean() const;
    double spread() const;  // the sample standard deviation (0 for one value)
};

// Why `row` does not apply to this model and task ("" when it does).
std::string rowNotRun(AblationRow row, nn::Architecture architecture, const Task& task);

// Every cell, task by task and row by row; `onCell` hears each as it finishes, `progress` the
// share of runs done. Throws Cancelled when `progress` asks it to stop, std::invalid_argument for
// a plan the model cannot run (the message says what).
std::vector<AblationCell> runAblation(std::shared_ptr<const train::ModelBundle> base, const AblationPlan& plan,
                                      const std::function<void(const AblationCell&)>& onCell = {},
                                      const Progress& progress = {});

// The table in Markdown: a row per AblationRow, a column per task with its labelled-set size.
std::string ablationMarkdown(const std::vector<AblationCell>& cells);
// "Pretraining adds 31 points on choice (69 vs 38) ...": what the table shows, in words.
std::string pretrainingGapInWords(const std::vector<AblationCell>& cells);

// What the auxiliary LM did, task by task, against the spread over seeds: "The auxiliary LM ...".
std::string auxLmInWords(const std::vector<AblationCell>& cells);

// Runs the finetuner to its last step (stopping with Cancelled when asked, or at a divergence,
// which sets *diverged) and evaluates it on the held-out set.
Evaluation finetuneToEnd(Finetuner& finetuner, const Progress& progress = {}, bool* diverged = nullptr);

}  // namespace pretrainlab::finetune
