#pragma once

// Labelled tasks generated in the toy world, for finetuning, each like one of the lecture's GLUE
// or CoNLL tasks. Every task has a pool of labelled examples to train on and a fixed held-out set
// that shares no sentence with it; where a task needs knowledge, the held-out set asks about
// countries, people or causes the labelled pool never mentions, so only pretraining can know them.

#include <cstdint>
#include <string>
#include <vector>

namespace pretrainlab::finetune {

enum class TaskForm {
    Single,          // one sentence, one class (SST-2, CoLA)
    Pair,            // two sentences with [SEP] between them, one class (MNLI, RTE, QQP)
    Tagging,         // a class for every word (CoNLL NER)
    MultipleChoice,  // a context and candidate endings, one of them right (SWAG)
};

struct Example {
    std::string text;                  // the sentence, the first of a pair, or the context
    std::string second;                // a pair's second sentence
    std::vector<std::string> choices;  // multiple choice: the endings
    int label = 0;                     // the class, or the right ending's index
    std::vector<int> tags;             // tagging: one per word of `text` (words split on spaces)
};

struct Task {
    std::string name;     // "sentiment": as the CLI names it
    std::string title;    // "Sentiment"
    std::string like;     // "like SST-2"
    std::string needs;    // what it takes, in a few words
    TaskForm form = TaskForm::Single;
    std::vector<std::string> labels;       // class or tag names (multiple choice: none)
    std::vector<std::string> verbalizers;  // words a decoder is prompted to say for each class
    std::vector<Example> pool;             // every labelled example it has, in a fixed order
    std::vector<Example> heldOut;          // fixed, and never in the pool

    std::size_t classes() const { return form == TaskForm::MultipleChoice ? 1 : labels.size(); }
};

// sentiment, acceptability, facts, tagging, choice.
const std::vector<std::string>& taskNames();
// Throws std::invalid_argument naming the task and the ones there are.
Task makeTask(const std::string& name);
// The task of a name, made once and kept (tasks are the same every time): safe from any thread.
const Task& taskNamed(const std::string& name);
// `count` labelled examples for a seed (the same seed gives the same ones, in the same order).
// Throws std::invalid_argument when the pool has fewer: "the facts task has 1,920 labelled examples".
std::vector<Example> labelledSet(const Task& task, std::size_t count, std::uint64_t seed);

}  // namespace pretrainlab::finetune
