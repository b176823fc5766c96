#pragma once

// Looking inside trained models, for the attention lesson: which positions each kind of model may
// attend to, the attention weights a model computes for a sentence, generating from a decoder
// token by token, filling [MASK] positions with an encoder one at a time, scoring continuations
// by log-probability (zero-shot), and which tokens produce loss under each objective.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/data/objectives.hpp"
#include "core/nn/transformer.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/train/probes.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::train {

// A trained model with the tokenizer that reads its input and the ids of its special tokens.
struct ModelBundle {
    std::shared_ptr<const nn::Transformer<float>> model;
    Tokenizer tokenizer;
    data::SpecialTokens specials;
    std::string description;  // "tiny decoder, 600 steps on the toy world"

    nn::Architecture architecture() const { return model->config().architecture; }
    std::string name(std::int32_t id) const;
    std::vector<std::int32_t> encode(const std::string& text) const;
};

// A copy of a session's model as it is now (nullptr for random tokens, which have no tokenizer).
std::shared_ptr<const ModelBundle> snapshotOf(const TrainingSession& session, std::string description);

// ---- Masks ---------------------------------------------------------------------------------

// The model kinds of the lecture's comparison, by what their self-attention may see.
enum class ModelKind { Encoder, Decoder, EncoderDecoder, PrefixLm };

// Query × key: allowed[q · keys + k] is 1 when query position q may look at key position k.
struct MaskPattern {
    std::string title;  // "Encoder self-attention", "Cross-attention", ...
    nn::Index queries = 0;
    nn::Index keys = 0;
    std::vector<std::uint8_t> allowed;
    bool decoderQueries = false;  // the rows are the decoder's positions (else the encoder's)
    bool decoderKeys = false;     // the columns are the decoder's positions

    bool allows(nn::Index query, nn::Index key) const { return allowed[std::size_t(query * keys + key)] != 0; }
    // The complement: 1 where the query may not look.
    std::vector<std::uint8_t> hidden() const;
};

// The self-attention of an encoder or a decoder (one matrix), a prefix LM whose first
// `prefixLength` positions see each other (one), or an encoder-decoder with `encoderLength` input
// and `decoderLength` output positions (three: encoder self, decoder self, cross).
std::vector<MaskPattern> maskPatterns(ModelKind kind, nn::Index encoderLength, nn::Index decoderLength = 0,
                                      nn::Index prefixLength = 0);

// T5's span corruption of one sentence, for showing an encoder-decoder: a span near the middle
// (a fifth of the sentence, at least one token) becomes <X_0> in the encoder's input; the decoder
// reads <s> <X_0> span and writes <X_0> span <X_1>.
struct SpanExample {
    std::vector<std::int32_t> encoderInput;
    std::vector<std::int32_t> decoderInput;
    std::vector<std::int32_t> decoderTarget;
    nn::Index spanStart = 0;
    nn::Index spanLength = 0;
};
SpanExample spanExample(const std::vector<std::int32_t>& tokens, const data::SpecialTokens& specials);

// ---- Reading a sentence ---------------------------------------------------------------------

// One sentence as an architecture reads it: a decoder its tokens; an encoder [CLS] tokens [SEP];
// an encoder-decoder the span example above. Cut to the model's context.
struct ModelInput {
    nn::Batch batch;
    std::vector<std::string> encoderLabels;  // the encoder's (or the decoder-only model's) positions
    std::vector<std::string> decoderLabels;  // the encoder-decoder's decoder positions
};
ModelInput readSentence(const ModelBundle& bundle, const std::vector<std::int32_t>& tokens);

// Every layer's and head's attention weights for one input.
struct AttentionGrid {
    std::string title;  // "causal self-attention", "decoder self-attention", "cross-attention", ...
    nn::AttentionStack stack = nn::AttentionStack::Encoder;
    nn::Index layers = 0;
    nn::Index heads = 0;
    std::vector<std::string> queryLabels;
    std::vector<std::string> keyLabels;
    std::vector<nn::Matrix<float>> maps;  // [layer · heads + head], each [queries, keys]
    MaskPattern mask;                     // which cells the model could not look at

    const nn::Matrix<float>& at(nn::Index layer, nn::Index head) const { return maps[std::size_t(layer * heads + head)]; }
};
std::vector<AttentionGrid> attentionGrids(const ModelBundle& bundle, const ModelInput& input);

// ---- Generation ------------------------------------------------------------------------------

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

// ---- Zero-shot scoring -----------------------------------------------------------------------

// log p(continuation | context) = Σ log p(token | everything before it) from a decoder. With an
// empty context the first token of the continuation is given, and the sum starts at the second.
struct ContinuationScore {
    double logProbability = 0;
    std::vector<std::string> tokens;          // the scored tokens
    std::vector<double> tokenLogProbabilities;
    double mean() const { return tokens.empty() ? 0.0 : logProbability / double(tokens.size()); }
};
ContinuationScore scoreContinuation(const ModelBundle& bundle, const std::vector<std::int32_t>& context,
                                    const std::vector<std::int32_t>& continuation);

// ---- Which tokens produce loss ---------------------------------------------------------------

struct LossTokens {
    std::vector<std::string> text;         // the sentence's tokens
    // Masked LM (BERT): [CLS] text [SEP] with about `rate` of the text's tokens picked.
    std::vector<std::string> maskedInput;  // what the encoder reads at each text position
    std::vector<std::uint8_t> masked;      // 1 where the text token produces loss
    std::size_t maskedCount = 0;
    // Next-token prediction (GPT): every token after the first is predicted from those before it.
    std::size_t nextTokenCount = 0;
};
LossTokens lossTokens(const std::vector<std::int32_t>& tokens, const Tokenizer& tokenizer, double rate,
                      std::uint64_t seed);

}  // namespace pretrainlab::train
