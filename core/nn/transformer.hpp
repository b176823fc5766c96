#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/nn/block.hpp"

namespace pretrainlab::nn {

// The three kinds of pretrained model in the lecture.
enum class Architecture {
    Decoder,         // GPT: causal self-attention, predicts the next token
    Encoder,         // BERT: bidirectional, [CLS]/[SEP] and segments, masked LM
    EncoderDecoder,  // T5: an encoder, and a causal decoder that cross-attends to it
};

std::string_view architectureName(Architecture architecture);  // "decoder", "encoder", "encdec"
std::optional<Architecture> parseArchitecture(std::string_view name);

struct ModelConfig {
    Architecture architecture = Architecture::Decoder;
    Index vocabulary = 256;
    Index width = 64;          // d_model
    Index layers = 2;          // the (encoder's) blocks
    Index decoderLayers = 0;   // encoder-decoder: the decoder's blocks (0: as many as the encoder)
    Index heads = 4;
    Index context = 64;        // positions with a learned embedding
    Index feedForward = 0;     // the MLP's hidden width (0: 4 × width)
    bool preNorm = true;       // false: post-LN, as BERT and GPT-1
    double dropout = 0;
    bool nextSentenceHead = false;  // encoder: is the second sentence the next one?
    Index classes = 0;         // a classification head on [CLS] (encoder) or the last token
    Index tags = 0;            // a tagging head on every token
    bool meanPooling = false;  // the classification head reads the mean of all (non-padding) final states
    Index segments = 2;        // encoder: sentence A and sentence B
    double initialStd = 0.02;  // weights and embeddings start as N(0, initialStd²) (0: all zero, to be loaded)
    GeluForm gelu = GeluForm::Exact;  // the MLPs' and the masked-LM head's GELU (GPT-2: the tanh form)
    double normEpsilon = 1e-5;        // every LayerNorm's ε (BERT: 1e-12)

    Index ffn() const { return feedForward > 0 ? feedForward : 4 * width; }
    Index decoderBlocks() const { return decoderLayers > 0 ? decoderLayers : layers; }
    // What is wrong with the configuration, in a sentence; empty when it is fine.
    std::string problem() const;
};

// A batch of sequences, all of one length. Targets of −1 produce no loss.
struct Batch {
    Index sequences = 0;
    Index length = 0;
    std::vector<std::int32_t> tokens;    // [sequences · length]
    std::vector<std::int32_t> segments;  // encoder: 0 or 1 per token (empty: all 0)
    std::vector<std::int32_t> targets;   // next token (decoder), masked token (encoder), tag
    std::vector<std::uint8_t> padding;   // 1 for a padding token nobody may attend to (empty: none)
    Index prefixLength = 0;              // decoder: > 0 makes the mask prefix-LM
    // Encoder-decoder: what the decoder reads and must predict.
    Index targetLength = 0;
    std::vector<std::int32_t> decoderTokens;   // [sequences · targetLength]
    std::vector<std::int32_t> decoderTargets;
    // Next-sentence (0/1) or class labels, one per sequence (empty: none).
    std::vector<std::int32_t> sequenceLabels;
    // Multiple choice: each run of `choices` sequences is one question with its candidate answers;
    // the sequence head scores each (one class), a softmax runs over the question's answers, and
    // sequenceLabels holds one label per question, the right answer's index (0: not multiple choice).
    Index choices = 0;

    // Sequences [first, first + count) as a batch of their own (whole questions for multiple choice).
    Batch slice(Index first, Index count) const;
    // What the sequence head's loss is counted over: questions for multiple choice, else sequences.
    Index sequenceUnits() const { return choices > 0 ? sequences / choices : sequences; }
    // Tokens whose prediction produces loss (the lecture's 15% against all tokens).
    Index tokensWithLoss() const;
};

struct Losses {
    double tokenSum = 0;   // cross-entropy summed over the tokens with a target
    Index tokens = 0;
    double sequenceSum = 0;  // next-sentence or classification cross-entropy, summed
    Index sequences = 0;

    double tokenMean() const { return tokens ? tokenSum / double(tokens) : 0.0; }
    double sequenceMean() const { return sequences ? sequenceSum / double(sequences) : 0.0; }
    double total() const { return tokenMean() + sequenceMean(); }
    Losses& operator+=(const Losses& other);
};

// The parameters a Transformer builds for `config`, counted without building it.
std::size_t parameterCount(const ModelConfig& config);

enum class AttentionStack { Encoder, Decoder, Cross };

// How far down backward goes: a linear probe trains the heads on a frozen body (no backward
// through the stacks at all); freezing the lowest k blocks stops it at block k, embeddings left out.
// The gradients of what backward does not reach stay as they were.
struct BackwardScope {
    bool stacks = true;
    Index firstBlock = 0;  // single-stack models: the lowest block backward reaches
};

// What a decoder has read so far when it generates: each layer's keys and values, one row per
// position, so that a new token costs one position instead of the whole text again.
template <typename S>
struct KeyValueCache {
    Index length = 0;                   // positions read
    std::vector<Matrix<S>> keys, values;  // per layer: [room, d], the first `length` rows read
    Matrix<S> lastAttention;            // the newest position's weights in the last layer: [heads, length]
};

// A transformer with its parameters in one flat store. run() is const: the activations of a
// forward live in a Workspace, one per shard of a batch, so shards can run at once.
template <typename S>
class Transformer {
public:
    struct Workspace;

    explicit Transformer(const ModelConfig& config, std::uint64_t seed = 0);

    const ModelConfig& config() const { return config_; }
    Parameters<S>& parameters() { return parameters_; }
    const Parameters<S>& parameters() const { return parameters_; }

    // Forward and, with `gradients`, backward: adds to *gradients the gradient of
    // tokenScale · Σ token losses + sequenceScale · Σ sequence losses (so the caller can make
    // the mean over a whole batch split into shards and micro-batches). Returns the sums. Dropout
    // applies only with `gradients` (training); a forward without them is the model's inference.
    Losses run(const Batch& batch, Workspace& workspace, Gradients<S>* gradients, double tokenScale,
               double sequenceScale, const BackwardScope& scope = {}) const;

    // After a run() without gradients: the logits of the rows that had a target, in row order (a
    // run with gradients leaves the loss's gradient in their place).
    const Matrix<S>& logits(const Workspace& workspace) const;
    const Matrix<S>& sequenceLogits(const Workspace& workspace) const;
    // A decoder-only model reading `tokens` after the positions `cache` holds (at most the context in
    // all), forward only: returns the logits of the last token, and fills the cache. The same logits
    // as run() over the whole text, to float rounding.
    RowVector<S> extend(KeyValueCache<S>& cache, const std::vector<std::int32_t>& tokens) const;

    // After run(): one head's attention weights for one sequence, [queries, keys] (a copy). A
    // masked LM's training step keeps its last block's weights for the masked rows only: asking
    // for them then throws std::logic_error (inference keeps them all).
    Matrix<S> attentionWeights(const Workspace& workspace, AttentionStack stack, Index layer, Index sequence,
                               Index head) const;

private:
    struct Embeddings {
        ParameterId position = 0;
        LayerNorm norm;  // post-LN models normalize the embeddings
    };

    void forwardStacks(const Batch& batch, Workspace& workspace, bool training) const;
    void findTargetRows(const Batch& batch, Workspace& workspace, bool training) const;
    void backwardStacks(const Batch& batch, Workspace& workspace, Gradients<S>& g, Index firstBlock) const;
    const Matrix<S>& tokenHeadHidden(const Workspace& workspace) const;
    const Matrix<S>& tokenHeadInput(const Workspace& workspace) const;
    double tokenHeadForward(const Batch& batch, Workspace& workspace, double scale, bool gradient, Index* counted) const;
    void tokenHeadBackward(Workspace& workspace, Gradients<S>& g) const;
    double sequenceHeadForward(const Batch& batch, Workspace& workspace, double scale, bool gradient,
                               Index* counted) const;
    void sequenceHeadBackward(Workspace& workspace, Gradients<S>& g) const;
    void embed(const Batch& batch, const std::vector<std::int32_t>& tokens, Index length, const Embeddings& embeddings,
               bool withSegments, Matrix<S>& x, Workspace& workspace, bool decoderSide) const;
    void embedBackward(const Batch& batch, const std::vector<std::int32_t>& tokens, Index length,
                       const Embeddings& embeddings, bool withSegments, Matrix<S>& dx, Gradients<S>& g,
                       Workspace& workspace, bool decoderSide) const;

    ModelConfig config_;
    Parameters<S> parameters_;
    ParameterId tokenEmbedding_ = 0;
    ParameterId segmentEmbedding_ = 0;
    Embeddings encoderEmbeddings_;
    Embeddings decoderEmbeddings_;
    std::vector<TransformerBlock> encoderBlocks_;  // the decoder-only model's blocks live here too
    std::vector<TransformerBlock> decoderBlocks_;
    LayerNorm encoderFinalNorm_;
    LayerNorm decoderFinalNorm_;
    Linear mlmTransform_;
    LayerNorm mlmNorm_;
    ParameterId mlmBias_ = 0;
    Linear sequenceHead_;  // next sentence or classes
    Linear tagHead_;
};

template <typename S>
struct Transformer<S>::Workspace {
    std::mt19937_64 random{0};
    AttentionShape encoderShape, decoderShape, crossShape;
    AttentionMask encoderMask, decoderMask, crossMask;
    Matrix<S> encoderStates;  // the residual stream (the decoder-only model's too)
    Matrix<S> decoderStates;
    Matrix<S> encoderEmbedded, decoderEmbedded;  // post-LN: before the embedding norm
    typename LayerNorm::Cache<S> encoderEmbeddingNorm, decoderEmbeddingNorm;
    std::vector<typename TransformerBlock::Cache<S>> encoderBlocks, decoderBlocks;
    typename LayerNorm::Cache<S> encoderFinalNorm, decoderFinalNorm;
    Matrix<S> encoderOutput, decoderOutput;  // after the final norm (pre-LN) or the last block
    // A masked LM's training answers its last block at the rows with a target only (see
    // forwardStacks): those rows, ascending, and the block's output there. allRows turns it off,
    // for the tests that check it against the whole block; lossesOnly turns it on for a run
    // without gradients whose caller reads the losses and the targets' logits alone.
    std::vector<Index> targetRows;
    Matrix<S> targetStates;
    bool allRows = false;
    bool lossesOnly = false;
    std::vector<Index> rows;                 // rows with a target
    Matrix<S> gathered, transformHidden, transformActivated, transformed;
    typename LayerNorm::Cache<S> mlmNorm;
    Matrix<S> logits;
    std::vector<Index> sequenceRows;    // the rows each sequence's head reads, back to back
    std::vector<Index> sequenceStarts;  // where each sequence's rows begin (and one past the last)
    Matrix<S> sequenceHidden, sequenceLogits, choiceLogits;
    Matrix<S> dOutput, dGathered, dTransformed, dActivated, dHidden, dSequenceHidden, dMemory, dStream, dScratch;
};

extern template class Transformer<float>;
extern template class Transformer<double>;

}  // namespace pretrainlab::nn
