#include "core/finetune/prompting.hpp"

#include <algorithm>
#include <cmath>

#include "core/train/inspect_scoring.hpp"

namespace pretrainlab::finetune {
namespace {

// The mean log-probability per token of `text` after `context` (the whole text when it is empty).
double meanLogProbability(const train::ModelBundle& model, const std::string& context, const std::string& text) {
    try {
        const std::vector<std::int32_t> ids = model.encode(text);
        const train::ContinuationScore score = train::scoreContinuation(model, model.encode(context), ids);
        return score.tokens.empty() ? -1e9 : score.mean();
    } catch (const std::exception&) {
        return -1e9;  // longer than the model reads
    }
}

// The share of examples on the right side of the median score (half the held-out set is right).
double accuracyAtMedian(const std::vector<double>& scores, const std::vector<int>& labels) {
    std::vector<double> sorted = scores;
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2), sorted.end());
    const double median = sorted[sorted.size() / 2];
    std::size_t right = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) right += (scores[i] > median ? 1 : 0) == labels[i] ? 1 : 0;
    return double(right) / double(scores.size());
}

std::string exampleText(const Task& task, const Example& e) {
    return task.form == TaskForm::Pair ? e.text + " " + e.second : e.text;
}

// The verbalizer a decoder finds likelier after the prompt.
int verbalized(const Task& task, const train::ModelBundle& model, const std::string& prompt) {
    std::vector<double> scores;
    for (const std::string& word : task.verbalizers) scores.push_back(train::continuationLogProbability(model, prompt, word));
    return int(std::max_element(scores.begin(), scores.end()) - scores.begin());
}

int bestEnding(const train::ModelBundle& model, const std::string& context, const Example& e) {
    std::vector<double> scores;
    for (const std::string& ending : e.choices) {
        const double score = train::continuationLogProbability(model, context, ending);
        scores.push_back(std::isfinite(score) ? score : -1e9);
    }
    return int(std::max_element(scores.begin(), scores.end()) - scores.begin());
}

bool prompts(const Task& task, const train::ModelBundle& model) {
    return task.form != TaskForm::Tagging && model.architecture() == nn::Architecture::Decoder;
}

}  // namespace

std::optional<PromptScore> zeroShot(const Task& task, const train::ModelBundle& model) {
    if (!prompts(task, model)) return std::nullopt;
    PromptScore result;
    std::size_t right = 0;
    if (task.form == TaskForm::MultipleChoice) {
        for (const Example& e : task.heldOut) right += bestEnding(model, e.text, e) == e.label ? 1 : 0;
        result.how = "the ending with the highest log-probability";
    } else if (task.name == "sentiment") {
        for (const Example& e : task.heldOut) right += verbalized(task, model, e.text + " it was") == e.label ? 1 : 0;
        result.how = "\"[review] it was\" + good or bad, the likelier wins";
    } else {
        std::vector<double> scores;
        std::vector<int> labels;
        for (const Example& e : task.heldOut) {
            scores.push_back(task.form == TaskForm::Pair ? meanLogProbability(model, e.text, e.second)
                                                         : meanLogProbability(model, {}, e.text));
            labels.push_back(e.label);
        }
        result.accuracy = accuracyAtMedian(scores, labels);
        result.how = task.form == TaskForm::Pair
                         ? "the second sentence's mean log-probability after the first, above the median"
                         : "the sentence's mean log-probability per token, above the median";
        return result;
    }
    result.accuracy = double(right) / double(task.heldOut.size());
    return result;
}

std::optional<PromptScore> fewShot(const Task& task, const train::ModelBundle& model, const std::vector<Example>& examples,
                                   std::size_t shots) {
    if (!prompts(task, model)) return std::nullopt;
    // Solved examples, one a line, as many as leave room for the longest question.
    const nn::Index room = model.model->config().context - 24;
    std::string context;
    std::size_t used = 0;
    for (const Example& e : examples) {
        if (used == shots) break;
        const std::string solved = task.form == TaskForm::MultipleChoice
                                       ? e.text + " " + e.choices[std::size_t(e.label)]
                                       : exampleText(task, e) + " it was " + task.verbalizers[std::size_t(e.label)] + " .";
        const std::string longer = context.empty() ? solved : context + " " + solved;
        if (static_cast<nn::Index>(model.encode(longer).size()) > room) break;
        context = longer;
        ++used;
    }
    PromptScore result;
    result.shots = used;
    std::size_t right = 0;
    for (const Example& e : task.heldOut) {
        const std::string prefix = context.empty() ? std::string() : context + " ";
        if (task.form == TaskForm::MultipleChoice) {
            right += bestEnding(model, prefix + e.text, e) == e.label ? 1 : 0;
        } else {
            right += verbalized(task, model, prefix + exampleText(task, e) + " it was") == e.label ? 1 : 0;
        }
    }
    result.accuracy = double(right) / double(task.heldOut.size());
    result.how = std::to_string(used) + " solved examples in the context, then the question";
    return result;
}

}  // namespace pretrainlab::finetune
