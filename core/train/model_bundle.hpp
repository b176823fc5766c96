#pragma once

// A trained model with what it needs to read text: the tokenizer and its special tokens. The
// attention lesson's views (masks, weights, generation, scoring) all work on immutable bundles,
// so a worker thread can use one while the window shows another.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/objectives.hpp"
#include "core/nn/transformer.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::train {

struct ModelBundle {
    std::shared_ptr<const nn::Transformer<float>> model;
    Tokenizer tokenizer;
    data::SpecialTokens specials;
    std::string description;  // "tiny decoder, 600 steps on the toy world"

    nn::Architecture architecture() const { return model->config().architecture; }
    std::string name(std::int32_t id) const;
    std::vector<std::string> names(const std::vector<std::int32_t>& ids) const;
    std::vector<std::int32_t> encode(const std::string& text) const;
    // The same, with "[MASK]" as typed read as the encoder's mask token (an encoder's fill-in text).
    std::vector<std::int32_t> encodeWithMasks(const std::string& text) const;
    // The words of `text` the model cannot read, in order, each once: those that become its
    // unknown token, lose characters (a BPE without one), or are spelled out one character at a
    // time (the toy world's fallback for a word outside it).
    std::vector<std::string> unknownWords(const std::string& text) const;
    // The ids that are text (the rest are special tokens the model added).
    std::size_t textVocabulary() const;
};

// A copy of a session's model as it is now (nullptr for random tokens, which have no tokenizer).
std::shared_ptr<const ModelBundle> snapshotOf(const TrainingSession& session, std::string description);

// One sequence whose last position has a target, so that a forward pass keeps its logits.
nn::Batch readingBatch(const std::vector<std::int32_t>& tokens);
// The last `count` tokens (all of them when there are fewer).
std::vector<std::int32_t> lastTokens(const std::vector<std::int32_t>& tokens, nn::Index count);
// Throws std::invalid_argument("the text has no tokens") for an empty text.
void requireTokens(const std::vector<std::int32_t>& tokens);
// log softmax(logits)[at], in double.
double logSoftmaxAt(const nn::RowVector<float>& logits, nn::Index at);

}  // namespace pretrainlab::train
