#include "core/finetune/task_batches.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "core/train/probes.hpp"

namespace pretrainlab::finetune {

using nn::Architecture;
using nn::Index;

TaskTokens taskTokens(Architecture architecture, Index pretrainedVocabulary, const data::SpecialTokens& specials,
                      bool frozenEmbeddings) {
    TaskTokens tokens;
    tokens.specials = specials;
    tokens.vocabulary = pretrainedVocabulary;
    if (architecture == Architecture::Decoder) {
        if (!frozenEmbeddings) tokens.extract = static_cast<std::int32_t>(tokens.vocabulary++);
        tokens.delimiter = static_cast<std::int32_t>(tokens.vocabulary++);
    }
    return tokens;
}

TaskBatcher::TaskBatcher(const Task& task, const Tokenizer& tokenizer, TaskTokens tokens, Architecture architecture,
                         Index context)
    : task_(task), tokenizer_(tokenizer), tokens_(tokens), architecture_(architecture), context_(context) {
    if (architecture_ != Architecture::EncoderDecoder) return;
    if (task_.form == TaskForm::Tagging) {
        throw std::invalid_argument("the " + task_.name + " task tags every word: it needs an encoder or a decoder; a "
                                    "T5-style model answers a whole text in words");
    }
    for (const std::string& word : task_.verbalizers) {
        const std::vector<std::int32_t> answer = ids(word);
        if (answer.size() != 1) {
            throw std::invalid_argument("the answer word '" + word + "' is not one token of this model's tokenizer");
        }
        verbalizerIds_.push_back(answer.front());
    }
}

std::vector<std::int32_t> TaskBatcher::ids(const std::string& text) const { return train::tokenIds(tokenizer_, text); }

std::int32_t TaskBatcher::answerToken(const Example& example, std::size_t choice) const {
    if (task_.form == TaskForm::MultipleChoice) {
        const std::vector<std::int32_t> ending = ids(example.choices.at(choice));
        if (ending.empty()) throw std::invalid_argument("an ending with no tokens");
        return ending.front();
    }
    return verbalizerIds_.at(choice);
}

TaskBatcher::Sequence TaskBatcher::encode(const Example& example, int choice, bool languageModel) const {
    Sequence s;
    const auto append = [&s](const std::vector<std::int32_t>& ids, std::int32_t segment) {
        for (const std::int32_t id : ids) {
            s.tokens.push_back(id);
            s.segments.push_back(segment);
            s.targets.push_back(-1);
        }
    };
    const auto special = [&](std::int32_t id, std::int32_t segment) { append({id}, segment); };
    const bool encoder = architecture_ == Architecture::Encoder;
    if (architecture_ == Architecture::EncoderDecoder) {
        append(ids(example.text), 0);
        if (task_.form == TaskForm::Pair) {
            special(tokens_.specials.firstSentinel, 0);
            append(ids(example.second), 0);
        }
        s.decoderTokens = {tokens_.specials.bos};
        s.decoderTargets = {answerToken(example, task_.form == TaskForm::MultipleChoice ? std::size_t(example.label)
                                                                                        : std::size_t(example.label))};
        return s;
    }
    if (encoder) special(tokens_.specials.cls, 0);
    if (task_.form == TaskForm::Tagging) {
        std::istringstream words(example.text);
        std::size_t i = 0;
        for (std::string word; words >> word; ++i) {
            const std::vector<std::int32_t> pieces = ids(word);
            append(pieces, 0);
            // The word's tag goes on its first token.
            if (!pieces.empty()) s.targets[s.targets.size() - pieces.size()] = example.tags.at(i);
        }
        if (encoder) special(tokens_.specials.sep, 0);
        return s;
    }
    const std::string& first = example.text;
    const std::string second = task_.form == TaskForm::Pair ? example.second
                               : task_.form == TaskForm::MultipleChoice ? example.choices.at(std::size_t(choice))
                                                                        : std::string();
    const std::size_t textStart = s.tokens.size();
    append(ids(first), 0);
    if (!second.empty()) {
        if (encoder) {
            special(tokens_.specials.sep, 0);
            append(ids(second), 1);
        } else {
            special(tokens_.delimiter, 0);
            append(ids(second), 0);
        }
    }
    if (encoder) {
        special(tokens_.specials.sep, second.empty() ? 0 : 1);
    } else {
        if (languageModel) {
            // L_LM: each token of the text predicts the next one (not across the delimiter).
            for (std::size_t t = textStart; t + 1 < s.tokens.size(); ++t) {
                if (s.tokens[t] != tokens_.delimiter && s.tokens[t + 1] != tokens_.delimiter) s.targets[t] = s.tokens[t + 1];
            }
        }
        if (tokens_.extract >= 0) special(tokens_.extract, 0);
    }
    return s;
}

nn::Batch TaskBatcher::batch(const std::vector<const Example*>& examples, bool languageModel) const {
    std::vector<Sequence> sequences;
    nn::Batch batch;
    for (const Example* example : examples) {
        if (task_.form == TaskForm::MultipleChoice && architecture_ != Architecture::EncoderDecoder) {
            for (std::size_t c = 0; c < example->choices.size(); ++c) sequences.push_back(encode(*example, int(c), languageModel));
            batch.sequenceLabels.push_back(example->label);
            batch.choices = static_cast<Index>(example->choices.size());
        } else {
            sequences.push_back(encode(*example, -1, languageModel));
            if (task_.form != TaskForm::Tagging && architecture_ != Architecture::EncoderDecoder) {
                batch.sequenceLabels.push_back(example->label);
            }
        }
    }
    Index length = 0;
    Index targetLength = 0;
    for (const Sequence& s : sequences) {
        length = std::max<Index>(length, static_cast<Index>(s.tokens.size()));
        targetLength = std::max<Index>(targetLength, static_cast<Index>(s.decoderTokens.size()));
    }
    if (length > context_) {
        throw std::invalid_argument("an example of the " + task_.name + " task takes " + std::to_string(length) +
                                    " tokens; this model reads at most " + std::to_string(context_));
    }
    batch.sequences = static_cast<Index>(sequences.size());
    batch.length = length;
    batch.targetLength = targetLength;
    const bool padded = std::any_of(sequences.begin(), sequences.end(),
                                    [length](const Sequence& s) { return static_cast<Index>(s.tokens.size()) < length; });
    for (const Sequence& s : sequences) {
        const std::size_t pad = static_cast<std::size_t>(length) - s.tokens.size();
        batch.tokens.insert(batch.tokens.end(), s.tokens.begin(), s.tokens.end());
        batch.tokens.insert(batch.tokens.end(), pad, tokens_.specials.pad);
        batch.segments.insert(batch.segments.end(), s.segments.begin(), s.segments.end());
        batch.segments.insert(batch.segments.end(), pad, 0);
        batch.targets.insert(batch.targets.end(), s.targets.begin(), s.targets.end());
        batch.targets.insert(batch.targets.end(), pad, -1);
        if (padded) {
            batch.padding.insert(batch.padding.end(), s.tokens.size(), 0);
            batch.padding.insert(batch.padding.end(), pad, 1);
        }
        batch.decoderTokens.insert(batch.decoderTokens.end(), s.decoderTokens.begin(), s.decoderTokens.end());
        batch.decoderTargets.insert(batch.decoderTargets.end(), s.decoderTargets.begin(), s.decoderTargets.end());
    }
    if (architecture_ != Architecture::Encoder) batch.segments.clear();
    if (architecture_ == Architecture::EncoderDecoder) batch.targets.clear();
    return batch;
}

Index TaskBatcher::longest(const std::vector<Example>& examples) const {
    Index longest = 0;
    for (const Example& example : examples) {
        const int choices = task_.form == TaskForm::MultipleChoice ? int(example.choices.size()) : 1;
        for (int c = 0; c < choices; ++c) {
            longest = std::max<Index>(longest, static_cast<Index>(encode(example, task_.form == TaskForm::MultipleChoice ? c : -1, false).tokens.size()));
        }
    }
    return longest;
}

}  // namespace pretrainlab::finetune
