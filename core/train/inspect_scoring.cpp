#include "core/train/inspect_scoring.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace pretrainlab::train {

using nn::Index;

ContinuationScore scoreContinuation(const ModelBundle& bundle, const std::vector<std::int32_t>& context,
                                    const std::vector<std::int32_t>& continuation) {
    if (bundle.architecture() != nn::Architecture::Decoder) {
        throw std::invalid_argument("scoring by log-probability needs a decoder");
    }
    requireTokens(continuation);
    const Index room = bundle.model->config().context + 1;  // the last token is only predicted
    std::vector<std::int32_t> sequence = context;
    sequence.insert(sequence.end(), continuation.begin(), continuation.end());
    if (static_cast<Index>(continuation.size()) + (context.empty() ? 0 : 1) > room) {
        throw std::invalid_argument("the continuation has " + std::to_string(continuation.size()) +
                                    " tokens; this decoder reads at most " + std::to_string(room - 1));
    }
    std::size_t first = context.empty() ? 1 : context.size();  // the first scored token
    if (static_cast<Index>(sequence.size()) > room) {
        const std::size_t drop = sequence.size() - static_cast<std::size_t>(room);
        sequence.erase(sequence.begin(), sequence.begin() + static_cast<std::ptrdiff_t>(drop));
        first -= drop;
    }
    ContinuationScore score;
    if (sequence.size() < 2 || first >= sequence.size()) return score;  // one token alone: nothing to score
    nn::Batch batch;
    batch.sequences = 1;
    batch.length = static_cast<Index>(sequence.size()) - 1;
    batch.tokens.assign(sequence.begin(), sequence.end() - 1);
    batch.targets.assign(batch.tokens.size(), -1);
    for (std::size_t i = first; i < sequence.size(); ++i) batch.targets[i - 1] = sequence[i];
    typename nn::Transformer<float>::Workspace workspace;
    bundle.model->run(batch, workspace, nullptr, 1.0, 0.0);
    const nn::Matrix<float>& logits = bundle.model->logits(workspace);  // rows of the targets, in order
    for (std::size_t i = first; i < sequence.size(); ++i) {
        const double lp = logSoftmaxAt(logits.row(Index(i - first)), sequence[i]);
        score.tokens.push_back(bundle.name(sequence[i]));
        score.tokenLogProbabilities.push_back(lp);
        score.logProbability += lp;
    }
    return score;
}

std::vector<double> tokenLogProbabilities(const ModelBundle& bundle, const std::vector<std::int32_t>& tokens) {
    requireTokens(tokens);
    const nn::ModelConfig& config = bundle.model->config();
    const auto n = static_cast<Index>(tokens.size());
    const bool encoder = config.architecture == nn::Architecture::Encoder;
    if (config.architecture == nn::Architecture::EncoderDecoder) {
        throw std::invalid_argument("scoring each token needs a decoder or an encoder");
    }
    const Index room = encoder ? config.context - 2 : config.context + 1;  // [CLS] and [SEP]; the last token is only predicted
    if (n > room) {
        throw std::invalid_argument("the text has " + std::to_string(n) + " tokens; this model reads at most " +
                                    std::to_string(room) + (encoder ? " besides [CLS] and [SEP]" : ""));
    }
    std::vector<double> out(tokens.size(), std::numeric_limits<double>::quiet_NaN());
    typename nn::Transformer<float>::Workspace workspace;
    if (!encoder) {
        if (n < 2) return out;
        nn::Batch batch;
        batch.sequences = 1;
        batch.length = n - 1;
        batch.tokens.assign(tokens.begin(), tokens.end() - 1);
        batch.targets.assign(tokens.begin() + 1, tokens.end());  // position t predicts token t + 1
        bundle.model->run(batch, workspace, nullptr, 1.0, 0.0);
        const nn::Matrix<float>& logits = bundle.model->logits(workspace);
        for (Index t = 1; t < n; ++t) out[std::size_t(t)] = logSoftmaxAt(logits.row(t - 1), tokens[std::size_t(t)]);
        return out;
    }
    const data::SpecialTokens& s = bundle.specials;
    if (s.cls < 0 || s.sep < 0 || s.mask < 0) throw std::invalid_argument("this encoder has no [CLS], [SEP] or [MASK]");
    // One sequence per token, that token masked; as many per forward pass as keep its activations
    // to about 2,048 positions (a long text through BERT-base would otherwise need gigabytes).
    const Index perPass = std::max<Index>(1, 2048 / (n + 2));
    for (Index first = 0; first < n; first += perPass) {
        const Index count = std::min(perPass, n - first);
        nn::Batch batch;
        batch.sequences = count;
        batch.length = n + 2;
        for (Index k = 0; k < count; ++k) {
            batch.tokens.push_back(s.cls);
            batch.targets.push_back(-1);
            for (Index t = 0; t < n; ++t) {
                const bool masked = t == first + k;
                batch.tokens.push_back(masked ? s.mask : tokens[std::size_t(t)]);
                batch.targets.push_back(masked ? tokens[std::size_t(t)] : -1);
            }
            batch.tokens.push_back(s.sep);
            batch.targets.push_back(-1);
        }
        batch.segments.assign(batch.tokens.size(), 0);
        bundle.model->run(batch, workspace, nullptr, 1.0, 0.0);
        const nn::Matrix<float>& logits = bundle.model->logits(workspace);  // one row per sequence, in order
        for (Index k = 0; k < count; ++k) {
            out[std::size_t(first + k)] = logSoftmaxAt(logits.row(k), tokens[std::size_t(first + k)]);
        }
    }
    return out;
}

double continuationLogProbability(const ModelBundle& bundle, const std::string& context, const std::string& continuation) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    try {
        const std::vector<std::int32_t> before = bundle.encode(context);
        const std::vector<std::int32_t> whole = bundle.encode(context + " " + continuation);
        std::vector<std::int32_t> ids;
        if (whole.size() > before.size() && std::equal(before.begin(), before.end(), whole.begin())) {
            ids.assign(whole.begin() + std::ptrdiff_t(before.size()), whole.end());
        } else {
            ids = bundle.encode(continuation);
        }
        if (ids.empty()) return nan;
        return scoreContinuation(bundle, before, ids).logProbability;
    } catch (const std::exception&) {
        return nan;  // too long for the model, or not text it can read: no score
    }
}

int bestScore(const std::vector<double>& scores) {
    int at = -1;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (std::isfinite(scores[i]) && (at < 0 || scores[i] > scores[std::size_t(at)])) at = int(i);
    }
    return at;
}

int SentimentScore::verdict() const {
    if (!std::isfinite(positive) || !std::isfinite(negative)) return -1;
    return positive >= negative ? 0 : 1;
}

SentimentScore scoreSentiment(const ModelBundle& bundle, const std::string& text, const std::string& positiveWord,
                              const std::string& negativeWord) {
    return {continuationLogProbability(bundle, text, positiveWord), continuationLogProbability(bundle, text, negativeWord)};
}

std::vector<double> scoreChoices(const ModelBundle& bundle, const std::string& question,
                                 const std::vector<std::string>& answers) {
    std::vector<double> scores;
    scores.reserve(answers.size());
    for (const std::string& answer : answers) scores.push_back(continuationLogProbability(bundle, question, answer));
    return scores;
}

std::vector<AcceptabilityScore> scoreAcceptability(const ModelBundle& bundle, const std::vector<std::string>& sentences,
                                                   double threshold) {
    std::vector<AcceptabilityScore> scores;
    for (const std::string& sentence : sentences) {
        AcceptabilityScore score{std::numeric_limits<double>::quiet_NaN(), false};
        try {
            const ContinuationScore scored = scoreContinuation(bundle, {}, bundle.encode(sentence));
            if (!scored.tokens.empty()) score.meanLogProbability = scored.mean();
        } catch (const std::exception&) {
            // longer than the model reads, or not text it can read: left without a score
        }
        score.accepted = std::isfinite(score.meanLogProbability) && score.meanLogProbability >= threshold;
        scores.push_back(score);
    }
    return scores;
}

}  // namespace pretrainlab::train
