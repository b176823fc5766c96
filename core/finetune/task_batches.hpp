#pragma once

// A task's examples as a model of each architecture reads them, the lecture's way:
// - an encoder (BERT): [CLS] A [SEP] (B [SEP]), segments 0 and 1; the class from [CLS]; a tag on
//   every word's first token;
// - a decoder (GPT): A (delimiter B) extract; the class from the extract token's state; multiple
//   choice as one sequence per ending, scored and compared; with the auxiliary LM, the next token
//   of the task's own text as well;
// - an encoder-decoder (T5): the text in, the answer out as a word (text-to-text).

#include <cstdint>
#include <vector>

#include "core/data/objectives.hpp"
#include "core/finetune/tasks.hpp"
#include "core/nn/transformer.hpp"
#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab::finetune {

// The ids a finetuned model reads besides the text's.
struct TaskTokens {
    data::SpecialTokens specials;  // the pretrained model's
    std::int32_t extract = -1;     // decoders: the token whose state the classifier reads (new; -1: the last word's)
    std::int32_t delimiter = -1;   // decoders: between a pair's two sentences (new)
    nn::Index vocabulary = 0;      // the finetuned model's: the pretrained one's and the new tokens
};
// With `frozenEmbeddings` (a linear probe) a decoder's classifier reads the last word's state: a new
// extract token's embedding would stay as randomly initialised.
TaskTokens taskTokens(nn::Architecture architecture, nn::Index pretrainedVocabulary, const data::SpecialTokens& specials,
                      bool frozenEmbeddings = false);

class TaskBatcher {
public:
    // Throws std::invalid_argument when the architecture cannot take the task (tagging with T5) or a
    // verbalizer is not one token of the tokenizer.
    TaskBatcher(const Task& task, const Tokenizer& tokenizer, TaskTokens tokens, nn::Architecture architecture,
                nn::Index context);

    // One batch of examples (for multiple choice, every ending of each). With `languageModel`, a
    // decoder also predicts each next token of the text. Throws std::invalid_argument naming the
    // length when an example is longer than the context.
    nn::Batch batch(const std::vector<const Example*>& examples, bool languageModel = false) const;
    // The longest sequence the examples make, in tokens.
    nn::Index longest(const std::vector<Example>& examples) const;

    const TaskTokens& tokens() const { return tokens_; }
    // Encoder-decoders: the one token that answers each class (multiple choice: each ending's first).
    std::int32_t answerToken(const Example& example, std::size_t choice) const;

private:
    struct Sequence {
        std::vector<std::int32_t> tokens;
        std::vector<std::int32_t> segments;
        std::vector<std::int32_t> targets;   // tags, or the next token (aux LM); -1 elsewhere
        std::vector<std::int32_t> decoderTokens, decoderTargets;
    };
    std::vector<std::int32_t> ids(const std::string& text) const;
    Sequence encode(const Example& example, int choice, bool languageModel) const;

    const Task& task_;
    const Tokenizer& tokenizer_;
    TaskTokens tokens_;
    nn::Architecture architecture_;
    nn::Index context_;
    std::vector<std::int32_t> verbalizerIds_;  // encoder-decoders
};

}  // namespace pretrainlab::finetune
