#include "core/finetune/ablation.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <variant>

#include "core/finetune/bag_of_words.hpp"
#include "core/finetune/prompting.hpp"

namespace pretrainlab::finetune {
namespace {

// Rounded half away from zero, as the lesson's table rounds.
std::string percent(double accuracy) { return std::to_string(std::lround(100.0 * accuracy)); }

// How many runs a cell takes, for the progress bar (prompting and bags of words are quick).
double cellWeight(AblationRow row, std::size_t seeds) {
    switch (row) {
        case AblationRow::ZeroShot: return 0.3;
        case AblationRow::FewShot: return 0.3 * double(seeds);
        case AblationRow::BagOfWords: return 0.2 * double(seeds);
        default: return double(seeds);
    }
}

double runCell(AblationRow row, const Task& task, std::shared_ptr<const train::ModelBundle> base, const AblationPlan& plan,
               std::size_t labels, std::uint64_t seed, const Progress& progress, bool* diverged) {
    FinetuneSettings settings = plan.finetune;
    settings.task = task.name;
    settings.labels = labels;
    settings.seed = seed;
    settings.mode = Mode::All;
    settings.auxLm = 0;
    switch (row) {
        case AblationRow::ZeroShot: return zeroShot(task, *base)->accuracy;
        case AblationRow::FewShot: return fewShot(task, *base, labelledSet(task, labels, seed), plan.shots)->accuracy;
        case AblationRow::BagOfWords: {
            BagOfWordsOptions options;
            options.seed = seed;
            return bagOfWordsAccuracy(task, labelledSet(task, labels, seed), options);
        }
        case AblationRow::FullAuxLm: settings.auxLm = plan.auxLm; break;
        case AblationRow::LinearProbe:
            settings.mode = Mode::Probe;
            settings.learningRate = plan.probeLearningRate;
            break;
        case AblationRow::FinetuneAll:
        case AblationRow::FromScratch: break;
    }
    Finetuner finetuner(task, std::move(base), settings, row != AblationRow::FromScratch);
    return finetuneToEnd(finetuner, progress, diverged).accuracy;
}

}  // namespace

const std::vector<AblationRow>& ablationRows() {
    static const std::vector<AblationRow> rows{AblationRow::FullAuxLm, AblationRow::FinetuneAll, AblationRow::FromScratch,
                                               AblationRow::LinearProbe, AblationRow::ZeroShot, AblationRow::FewShot,
                                               AblationRow::BagOfWords};
    return rows;
}

std::string_view rowName(AblationRow row) {
    switch (row) {
        case AblationRow::FullAuxLm: return "full (aux LM)";
        case AblationRow::FinetuneAll: return "finetune all, no aux LM";
        case AblationRow::FromScratch: return "from scratch (no pretraining)";
        case AblationRow::LinearProbe: return "linear probe";
        case AblationRow::ZeroShot: return "zero-shot";
        case AblationRow::FewShot: return "few-shot";
        case AblationRow::BagOfWords: return "bag of words";
    }
    return "";
}

std::string AblationPlan::problem() const {
    if (tasks.empty()) return "the table needs at least one task";
    if (labels.empty() || (labels.size() != 1 && labels.size() != tasks.size())) {
        return "give one labelled-set size for all tasks or one per task (" + std::to_string(tasks.size()) + ")";
    }
    if (seeds == 0) return "the table needs at least one seed";
    for (std::size_t t = 0; t < tasks.size(); ++t) {
        try {
            const Task& task = taskNamed(tasks[t]);
            if (labelsOf(t) == 0 || labelsOf(t) > task.pool.size()) {
                return "the " + task.name + " task has " + std::to_string(task.pool.size()) + " labelled examples; " +
                       std::to_string(labelsOf(t)) + " were asked for";
            }
        } catch (const std::invalid_argument& error) {
            return error.what();
        }
    }
    return finetune.problem();
}

double AblationCell::mean() const {
    double sum = 0;
    for (const double a : accuracies) sum += a;
    return accuracies.empty() ? 0.0 : sum / double(accuracies.size());
}

double AblationCell::spread() const {
    if (accuracies.size() < 2) return 0;
    const double m = mean();
    double sum = 0;
    for (const double a : accuracies) sum += (a - m) * (a - m);
    return std::sqrt(sum / double(accuracies.size() - 1));
}

std::string rowNotRun(AblationRow row, nn::Architecture architecture, const Task& task) {
    const bool decoder = architecture == nn::Architecture::Decoder;
    switch (row) {
        case AblationRow::FullAuxLm:
            if (!decoder) return "the auxiliary LM is a decoder's next-token loss";
            if (task.form == TaskForm::Tagging) return "tagging already puts a target on every token";
            return {};
        case AblationRow::ZeroShot:
        case AblationRow::FewShot:
            if (!decoder) return "prompting asks a decoder to go on writing";
            if (task.form == TaskForm::Tagging) return "no prompt asks for a tag on every word";
            return {};
        case AblationRow::LinearProbe:
            if (architecture == nn::Architecture::EncoderDecoder) return "a T5-style model answers with its own output layer";
            return {};
        default: return {};
    }
}

Evaluation finetuneToEnd(Finetuner& finetuner, const Progress& progress, bool* diverged) {
    while (!finetuner.finished()) {
        if (progress.stopRequested()) throw Cancelled();
        if (std::holds_alternative<train::Divergence>(finetuner.step())) {
            if (diverged) *diverged = true;
            break;
        }
        progress(double(finetuner.stepsDone()) / double(finetuner.settings().steps));
    }
    return finetuner.evaluate();
}

std::vector<AblationCell> runAblation(std::shared_ptr<const train::ModelBundle> base, const AblationPlan& plan,
                                      const std::function<void(const AblationCell&)>& onCell, const Progress& progress) {
    if (const std::string problem = plan.problem(); !problem.empty()) throw std::invalid_argument(problem);
    const nn::Architecture architecture = base->architecture();
    double total = 0;
    for (const std::string& name : plan.tasks) {
        for (const AblationRow row : ablationRows()) {
            if (rowNotRun(row, architecture, taskNamed(name)).empty()) total += cellWeight(row, plan.seeds);
        }
    }
    double done = 0;
    std::vector<AblationCell> cells;
    for (std::size_t t = 0; t < plan.tasks.size(); ++t) {
        const Task& task = taskNamed(plan.tasks[t]);
        for (const AblationRow row : ablationRows()) {
            AblationCell cell{row, task.name, plan.labelsOf(t), {}, rowNotRun(row, architecture, task), false};
            if (cell.ran()) {
                const std::size_t seeds = row == AblationRow::ZeroShot ? 1 : plan.seeds;
                const double weight = cellWeight(row, plan.seeds) / double(seeds);
                for (std::size_t seed = 0; seed < seeds; ++seed) {
                    const Progress inner{[&](double f) { progress((done + weight * f) / total); }, progress.shouldStop};
                    cell.accuracies.push_back(runCell(row, task, base, plan, cell.labels, seed, inner, &cell.diverged));
                    done += weight;
                    progress(done / total);
                    if (progress.stopRequested()) throw Cancelled();
                }
            }
            cells.push_back(cell);
            if (onCell) onCell(cell);
        }
    }
    return cells;
}

std::string ablationMarkdown(const std::vector<AblationCell>& cells) {
    std::vector<std::string> columns;  // "task (N labels)"
    std::map<std::string, std::size_t> columnOf;
    for (const AblationCell& cell : cells) {
        if (columnOf.emplace(cell.task, columns.size()).second) {
            columns.push_back(cell.task + " (" + std::to_string(cell.labels) + " labels)");
        }
    }
    std::string text = "| |";
    std::string rule = "|---|";
    for (const std::string& column : columns) {
        text += " " + column + " |";
        rule += "---|";
    }
    text += "\n" + rule + "\n";
    for (const AblationRow row : ablationRows()) {
        std::vector<std::string> line(columns.size(), "");
        bool any = false;
        for (const AblationCell& cell : cells) {
            if (cell.row != row) continue;
            any = true;
            std::string& entry = line[columnOf.at(cell.task)];
            if (!cell.ran()) {
                entry = "—";
            } else {
                entry = percent(cell.mean());
                if (cell.accuracies.size() > 1) entry += " ± " + percent(cell.spread());
                if (cell.diverged) entry += " (diverged)";
            }
        }
        if (!any) continue;
        text += "| " + std::string(rowName(row)) + " |";
        for (const std::string& entry : line) text += " " + entry + " |";
        text += "\n";
    }
    return text;
}

std::string pretrainingGapInWords(const std::vector<AblationCell>& cells) {
    std::map<std::string, double> pretrained, scratch;
    std::vector<std::string> order;
    for (const AblationCell& cell : cells) {
        if (!cell.ran()) continue;
        if (cell.row == AblationRow::FinetuneAll) {
            pretrained[cell.task] = cell.mean();
            order.push_back(cell.task);
        }
        if (cell.row == AblationRow::FromScratch) scratch[cell.task] = cell.mean();
    }
    std::vector<std::string> helped, same, hurt;
    for (const std::string& task : order) {
        if (!scratch.count(task)) continue;
        const double gap = 100.0 * (pretrained[task] - scratch[task]);
        const std::string entry = task + " (" + percent(pretrained[task]) + " vs " + percent(scratch[task]) + " from scratch)";
        (gap >= 5 ? helped : gap <= -5 ? hurt : same).push_back(entry);
    }
    std::string text;
    if (!helped.empty()) text += "Pretraining helps on " + listInWords(helped, "and") + ". ";
    if (!same.empty()) text += "Within 5 points either way on " + listInWords(same, "and") + ". ";
    if (!hurt.empty()) text += "Training from scratch did better on " + listInWords(hurt, "and") + ". ";
    if (text.empty()) return "No task has both a finetuned and a from-scratch result yet.";
    text.pop_back();  // the last sentence's space
    return text;
}

std::string auxLmInWords(const std::vector<AblationCell>& cells) {
    std::map<std::string, const AblationCell*> with, without;
    std::vector<std::string> order;
    for (const AblationCell& cell : cells) {
        if (!cell.ran()) continue;
        if (cell.row == AblationRow::FullAuxLm) {
            with[cell.task] = &cell;
            order.push_back(cell.task);
        }
        if (cell.row == AblationRow::FinetuneAll) without[cell.task] = &cell;
    }
    std::vector<std::string> better, worse, same;
    for (const std::string& task : order) {
        if (!without.count(task)) continue;
        const AblationCell& a = *with[task];
        const AblationCell& b = *without[task];
        const double gap = a.mean() - b.mean();
        const double noise = std::max(a.spread(), b.spread());
        const std::string entry = task + " (" + percent(a.mean()) + " vs " + percent(b.mean()) + ")";
        if (std::abs(gap) <= std::max(noise, 0.02)) {
            same.push_back(entry);
        } else {
            (gap > 0 ? better : worse).push_back(entry);
        }
    }
    if (better.empty() && worse.empty() && same.empty()) return {};
    std::string text = "The auxiliary LM (GPT's L_task + λ L_LM): ";
    if (!better.empty()) text += "helped beyond the spread over seeds on " + listInWords(better, "and") + "; ";
    if (!worse.empty()) text += "hurt on " + listInWords(worse, "and") + "; ";
    if (!same.empty()) text += "made no difference larger than the spread over seeds on " + listInWords(same, "and") + "; ";
    text.replace(text.size() - 2, 2, ".");
    return text;
}

}  // namespace pretrainlab::finetune
