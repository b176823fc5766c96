#pragma once

// Zero-shot prediction as the lecture describes it for decoders: no finetuning, only the
// log-probabilities the model gives to texts. Sentiment by comparing a positive and a negative
// continuation, multiple choice by the answer with the highest log-probability, acceptability by
// a threshold on the mean log-probability per token.

#include <string>
#include <vector>

#include "core/train/model_bundle.hpp"

namespace pretrainlab::train {

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

// log p(continuation | context) with the continuation's tokens as they come in running text after
// the context (with its space, for byte-level BPE) when the context's tokens are a prefix of the
// whole's, else tokenized on its own. NaN when the model cannot score it: no tokens, or longer
// than the model reads.
double continuationLogProbability(const ModelBundle& bundle, const std::string& context, const std::string& continuation);

// Each token's log-probability as each architecture reads text: a decoder gives log p(token | the
// tokens before it), and none (NaN) for the first; an encoder gives the pseudo-log-likelihood term
// log p(token | every other token), reading [CLS] text [SEP] with that token masked. Throws
// std::invalid_argument for no tokens, a text longer than the model reads, or another architecture.
std::vector<double> tokenLogProbabilities(const ModelBundle& bundle, const std::vector<std::int32_t>& tokens);

// The index of the largest finite score, or -1 when none is finite.
int bestScore(const std::vector<double>& scores);

// "[text] + {positive, negative}": the two continuations' log-probabilities.
struct SentimentScore {
    double positive = 0;
    double negative = 0;
    // 0: positive, 1: negative, -1: undecided (a side could not be scored).
    int verdict() const;
};
SentimentScore scoreSentiment(const ModelBundle& bundle, const std::string& text, const std::string& positiveWord,
                              const std::string& negativeWord);

// Each answer appended to the question: its log-probability (NaN where it cannot be scored).
std::vector<double> scoreChoices(const ModelBundle& bundle, const std::string& question,
                                 const std::vector<std::string>& answers);

// Each sentence on its own: the mean log-probability per token from the second token on, and
// whether it reaches the threshold (NaN and not accepted where it cannot be scored).
struct AcceptabilityScore {
    double meanLogProbability = 0;
    bool accepted = false;
};
std::vector<AcceptabilityScore> scoreAcceptability(const ModelBundle& bundle, const std::vector<std::string>& sentences,
                                                   double threshold);

}  // namespace pretrainlab::train
