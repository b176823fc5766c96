#include "app/cli/finetune_command.hpp"

#include <chrono>
#include <filesystem>
#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/finetune/ablation.hpp"
#include "core/finetune/finetuned_file.hpp"
#include "core/finetune/finetuner.hpp"
#include "core/train/checkpoint.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

// The model to finetune: a checkpoint `train` saved, or (--scratch) an untrained tiny model.
struct Base {
    std::shared_ptr<const train::ModelBundle> bundle;
    std::string name;  // the file, or "scratch"
    bool pretrained = true;
};

Base baseFrom(const Arguments& arguments, std::uint64_t seed) {
    const std::optional<std::string> from = arguments.value("from");
    const bool scratch = arguments.flag("scratch");
    if (from && scratch) throw UsageError("--from and --scratch exclude each other: finetune a checkpoint or start from random weights");
    if (!from && !scratch) throw UsageError("give --from CHECKPOINT.safetensors, or --scratch --arch decoder|encoder|encdec");
    if (scratch) {
        const std::string arch = arguments.value("arch").value_or("decoder");
        const std::optional<nn::Architecture> architecture = nn::parseArchitecture(arch);
        if (!architecture) throw UsageError("--arch expects decoder, encoder or encdec, got '" + arch + "'");
        return {finetune::untrainedToyModel(*architecture, seed), "scratch", false};
    }
    if (arguments.value("arch")) throw UsageError("--arch goes with --scratch; a checkpoint has its own architecture");
    return {train::loadCheckpointModel(*from).bundle, *from, true};
}

// --mode all|probe|freeze:K
void applyMode(const Arguments& arguments, finetune::FinetuneSettings& settings) {
    const std::optional<std::string> text = arguments.value("mode");
    if (!text) return;
    if (*text == "all" || *text == "probe") {
        settings.mode = *text == "all" ? finetune::Mode::All : finetune::Mode::Probe;
        return;
    }
    const std::string prefix = "freeze:";
    if (text->rfind(prefix, 0) == 0) {
        try {
            const std::string count = text->substr(prefix.size());
            std::size_t used = 0;
            const long blocks = std::stol(count, &used);
            if (used == count.size() && blocks >= 1 && blocks <= 256) {
                settings.mode = finetune::Mode::Freeze;
                settings.frozenBlocks = static_cast<std::size_t>(blocks);
                return;
            }
        } catch (const std::exception&) {
        }
    }
    throw UsageError("--mode expects all, probe or freeze:K (K blocks from 1), got '" + *text + "'");
}

finetune::FinetuneSettings settingsFrom(const Arguments& arguments) {
    finetune::FinetuneSettings settings;
    std::vector<std::string> keys;  // every setting but the mode, which has its own form (freeze:K)
    for (const finetune::FinetuneField& field : finetune::finetuneFields()) {
        if (field.key != "mode") keys.push_back(field.key);
    }
    applyFlags(finetune::finetuneFields(), arguments, settings, keys);
    applyMode(arguments, settings);
    if (const std::string problem = settings.problem(); !problem.empty()) throw UsageError(problem);
    return settings;
}

std::vector<OptionSpec> finetuneOptions() {
    std::vector<OptionSpec> options{
        {"from", "CKPT.safetensors", "the checkpoint to finetune, as `train --save` wrote it"},
        {"scratch", "", "start from random weights instead (no pretraining)"},
        {"arch", "decoder|encoder|encdec", "with --scratch: the tiny model's architecture (default decoder)"}};
    for (const finetune::FinetuneField& field : finetune::finetuneFields()) {
        if (field.flag.empty()) continue;
        options.push_back(field.key == "mode" ? fieldOption(field, "all|probe|freeze:K") : fieldOption(field));
    }
    options.push_back({"log-every", "N", "print a JSON line every N steps (default: 10 lines in all)"});
    options.push_back({"save", "FILE.safetensors", "save the finetuned model (FILE.json beside it: the task, settings, "
                                                   "base, accuracy and tokenizer)"});
    return options;
}

int runFinetune(const Arguments& arguments, std::ostream& out) {
    const finetune::FinetuneSettings settings = settingsFrom(arguments);
    const Base base = baseFrom(arguments, settings.seed);
    const finetune::Task task = finetune::makeTask(settings.task);
    std::unique_ptr<finetune::Finetuner> finetuner;
    try {
        finetuner = std::make_unique<finetune::Finetuner>(task, base.bundle, settings, base.pretrained);
    } catch (const std::invalid_argument& error) {
        throw UsageError(base.pretrained ? base.name + ": " + error.what() : std::string(error.what()));
    }
    const std::size_t logEvery = static_cast<std::size_t>(
        arguments.integer("log-every", 1, 100'000'000).value_or(std::max<std::size_t>(1, settings.steps / 10)));
    const std::optional<std::string> save = arguments.value("save");
    if (save) {
        // Found out now, not after the finetuning it would have saved.
        const std::filesystem::path folder = std::filesystem::absolute(*save).parent_path();
        if (!std::filesystem::is_directory(folder)) {
            throw UsageError("--save " + *save + ": the folder " + folder.string() + " does not exist");
        }
        const std::string weightsPath = train::checkpointWeightsPath(*save);
        for (const std::string& path : {weightsPath, train::checkpointJsonPath(weightsPath)}) writableTarget(path);
    }
    const auto started = std::chrono::steady_clock::now();
    double loss = 0, stepSeconds = 0;
    double tokens = 0;
    while (!finetuner->finished()) {
        const train::StepOutcome outcome = finetuner->step();
        if (const auto* divergence = std::get_if<train::Divergence>(&outcome)) {
            out << Json{{"diverged", true}, {"step", divergence->step}, {"message", divergence->message()}}.dump() << '\n';
            return 3;
        }
        const train::StepMetrics& step = std::get<train::StepMetrics>(outcome);
        loss = step.loss;
        stepSeconds += step.seconds;
        tokens += double(step.tokens);
        if (step.step % logEvery == 0 || finetuner->finished()) {
            Json line{{"step", step.step}, {"loss", step.loss}};
            if (settings.auxLm > 0) {
                line["task_loss"] = step.sequenceLoss;
                line["lm_loss"] = step.tokenLoss;
            }
            line["lr"] = step.learningRate;
            line["held_out_accuracy"] = finetuner->evaluate().accuracy;
            out << line.dump() << '\n';
            out.flush();
        }
    }
    const finetune::Evaluation evaluation = finetuner->evaluate();
    const optim::TrainingMemory memory = finetuner->memory();
    Json summary{{"task", task.name},
                 {"labels", settings.labels},
                 {"from", base.name},
                 {"pretrained", base.pretrained},
                 {"arch", std::string(nn::architectureName(base.bundle->architecture()))},
                 {"mode", settings.modeText()},
                 {"aux_lm", settings.auxLm},
                 {"steps", finetuner->stepsDone()},
                 {"final_loss", loss},
                 {"held_out", evaluation.answers.size()},
                 {"held_out_accuracy", evaluation.accuracy},
                 {"parameters", finetuner->model().parameters().size()},
                 {"trainable_parameters", finetuner->trainableParameters()},
                 {"memory_bytes", {{"parameters", memory.parameters},
                                   {"gradients", memory.gradients},
                                   {"optimizer_state", memory.optimizerState}}},
                 {"ms_per_step", 1000.0 * stepSeconds / double(std::max<std::size_t>(1, finetuner->stepsDone()))},
                 {"tokens_per_step", tokens / double(std::max<std::size_t>(1, finetuner->stepsDone()))},
                 {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}};
    if (save) {
        finetune::saveFinetuned(*finetuner, *save, base.name);
        summary["saved"] = *save;
    }
    out << summary.dump() << '\n';
    return 0;
}

std::vector<std::string> commaList(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        items.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return items;
}

// The finetune settings the table's runs take from the command line.
const std::vector<std::string>& ablationKeys() {
    static const std::vector<std::string> keys{"steps", "lr", "batch", "threads"};
    return keys;
}

finetune::AblationPlan planFrom(const Arguments& arguments) {
    finetune::AblationPlan plan;
    applyFlags(finetune::finetuneFields(), arguments, plan.finetune, ablationKeys());
    if (const std::optional<std::string> tasks = arguments.value("tasks")) plan.tasks = commaList(*tasks);
    if (const std::optional<std::string> labels = arguments.value("labels")) {
        plan.labels.clear();
        for (const std::string& item : commaList(*labels)) {
            std::size_t used = 0;
            long long n = -1;
            try {
                n = std::stoll(item, &used);
            } catch (const std::exception&) {
            }
            if (used != item.size() || n < 1 || n > 4096) {
                throw UsageError("--labels expects whole numbers from 1 to 4096 separated by commas, got '" + *labels + "'");
            }
            plan.labels.push_back(static_cast<std::size_t>(n));
        }
    }
    plan.seeds = static_cast<std::size_t>(arguments.integer("seeds", 1, 100).value_or(3));
    if (const std::optional<std::string> lambda = arguments.value("aux-lm")) {
        finetune::FinetuneSettings withLambda;
        applyFlags(finetune::finetuneFields(), arguments, withLambda, {"aux_lm"});
        plan.auxLm = withLambda.auxLm;
        if (plan.auxLm <= 0) throw UsageError("--aux-lm for the table's \"full (aux LM)\" row must be above 0, got '" + *lambda + "'");
    }
    if (const std::string problem = plan.problem(); !problem.empty()) throw UsageError(problem);
    return plan;
}

std::vector<OptionSpec> ablationOptions() {
    std::vector<OptionSpec> options{
        {"from", "CKPT.safetensors", "the pretrained checkpoint, as `train --save` wrote it", true},
        {"tasks", "a,b,c", "the tasks, one column each (default " + listInWords(finetune::taskNames(), "and") + ")"},
        {"labels", "N,...", "labelled examples: one number for every task, or one per task (default 256)"},
        {"seeds", "K", "runs per cell, seeds 0 to K-1; a cell shows their mean ± spread (default 3)"},
        {"aux-lm", "X", "λ of the \"full (aux LM)\" row (default 0.5, as GPT)"}};
    for (const std::string& key : ablationKeys()) options.push_back(fieldOption(finetune::finetuneField(key)));
    return options;
}

int runAblation(const Arguments& arguments, std::ostream& out) {
    const finetune::AblationPlan plan = planFrom(arguments);
    const std::string from = arguments.required("from");
    const std::shared_ptr<const train::ModelBundle> base = train::loadCheckpointModel(from).bundle;
    const auto started = std::chrono::steady_clock::now();
    const auto printCell = [&](const finetune::AblationCell& cell) {
        Json line{{"row", std::string(finetune::rowName(cell.row))}, {"task", cell.task}, {"labels", cell.labels}};
        if (cell.ran()) {
            line["seeds"] = cell.accuracies.size();
            line["accuracy_mean"] = cell.mean();
            line["accuracy_sd"] = cell.spread();
            line["accuracies"] = cell.accuracies;
            if (cell.diverged) line["diverged"] = true;
        } else {
            line["seeds"] = 0;
            line["not_run"] = cell.notRun;
        }
        line["elapsed_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        out << line.dump() << '\n';
        out.flush();
    };
    std::vector<finetune::AblationCell> cells;
    try {
        cells = finetune::runAblation(base, plan, printCell);
    } catch (const std::invalid_argument& error) {
        throw UsageError(from + ": " + error.what());
    }
    out << '\n' << finetune::ablationMarkdown(cells) << '\n' << finetune::pretrainingGapInWords(cells) << '\n';
    if (const std::string aux = finetune::auxLmInWords(cells); !aux.empty()) out << aux << '\n';
    return 0;
}

}  // namespace

Command ablationCommand() {
    return {"ablation",
            "The lecture's ablation table for a pretrained checkpoint: each row (with and without the auxiliary LM, from "
            "scratch, a linear probe, zero- and few-shot prompting, bag of words) on each task over several seeds; one "
            "JSON line per cell, then the table in Markdown.",
            ablationOptions(),
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runAblation(arguments, out); }};
}

Command finetuneCommand() {
    return {"finetune",
            "Finetune a pretrained checkpoint (or the same model from scratch) on a toy-world task; one JSON line per "
            "logged step (loss, held-out accuracy) and a summary line.",
            finetuneOptions(),
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runFinetune(arguments, out); }};
}

}  // namespace pretrainlab::cli
