#pragma once

// Text from trained models, one token at a time: a decoder continuing a prompt (greedy or sampled),
// and an encoder filling [MASK] positions, the most confident first.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/train/model_bundle.hpp"
#include "core/train/probes.hpp"

namespace pretrainlab::train {

struct SamplingOptions {
    double temperature = 0;  // 0: greedy (always the most likely token)
    int topK = 0;            // sample among the k most likely (0: all)
    std::uint64_t seed = 0;
    std::size_t shown = 8;   // candidates reported per step
};

struct GeneratedToken {
    std::int32_t id = 0;
    std::string text;
    double probability = 0;              // of the chosen token, under the distribution it was drawn from
    std::vector<Prediction> candidates;  // the most likely next tokens (temperature and top-k applied)
    std::vector<std::string> keyLabels;  // the positions the newest token attended to
    std::vector<float> attention;        // its last layer's attention row, the mean of the heads
};

// A decoder continuing a prompt one token at a time. The same seed gives the same text.
class Generator {
public:
    Generator(std::shared_ptr<const ModelBundle> bundle, std::vector<std::int32_t> prompt, SamplingOptions options);
    GeneratedToken next();
    const std::vector<std::int32_t>& tokens() const { return tokens_; }
    std::size_t promptLength() const { return promptLength_; }

private:
    std::shared_ptr<const ModelBundle> bundle_;
    std::vector<std::int32_t> tokens_;
    std::size_t promptLength_ = 0;
    SamplingOptions options_;
    std::mt19937_64 random_;
    // The keys and values of the tokens read so far, while the text fits the context (beyond it the
    // window slides and every step reads the last `context` tokens whole).
    nn::KeyValueCache<float> cache_;
};

// An encoder filling [MASK] positions one at a time, the most confident first: each step reads the
// whole sentence again, with the positions filled so far.
struct FilledToken {
    nn::Index position = 0;  // in the sentence without [CLS]
    std::int32_t id = 0;
    std::string text;
    double probability = 0;
    std::vector<Prediction> candidates;
    std::size_t remaining = 0;  // [MASK] positions still open after this step
};

class MaskFiller {
public:
    // `tokens` may hold the encoder's [MASK] id anywhere.
    MaskFiller(std::shared_ptr<const ModelBundle> bundle, std::vector<std::int32_t> tokens, std::size_t shown = 8);
    bool done() const;
    FilledToken next();  // throws std::logic_error when done()
    const std::vector<std::int32_t>& tokens() const { return tokens_; }

private:
    std::shared_ptr<const ModelBundle> bundle_;
    std::vector<std::int32_t> tokens_;
    std::size_t shown_;
};

}  // namespace pretrainlab::train
