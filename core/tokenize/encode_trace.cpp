#include "core/tokenize/encode_trace.hpp"

#include <limits>
#include <stdexcept>

#include "core/tokenize/bpe_encoder.hpp"

namespace pretrainlab {

EncodingTrace traceEncoding(const Tokenizer& tokenizer, std::string_view text) {
    const BpeEncoder* encoder = tokenizer.bpeEncoder();
    if (!encoder) throw std::invalid_argument("only BPE encodes merge by merge");
    EncodingTrace trace;
    trace.pieces = tokenizer.pieces(text);
    std::vector<std::vector<TokenId>> state;
    for (const std::string& piece : trace.pieces) {
        state.emplace_back();
        encoder->initialSymbols(piece, state.back(), &trace.missing);
    }
    trace.initial = state;

    while (true) {
        std::optional<BpeEncoder::Ranked> best;
        TokenPair bestPair;
        for (const std::vector<TokenId>& tokens : state) {
            for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
                const std::optional<BpeEncoder::Ranked> merge = encoder->mergeOf({tokens[i], tokens[i + 1]});
                if (merge && (!best || merge->rank < best->rank)) {
                    best = merge;
                    bestPair = {tokens[i], tokens[i + 1]};
                }
            }
        }
        if (!best) break;
        EncodingStep step;
        step.rank = best->rank;
        step.pair = bestPair;
        step.merged = best->merged;
        for (std::vector<TokenId>& tokens : state) {
            std::size_t out = 0;
            for (std::size_t in = 0; in < tokens.size();) {
                if (in + 1 < tokens.size() && tokens[in] == bestPair.left && tokens[in + 1] == bestPair.right) {
                    tokens[out++] = best->merged;
                    in += 2;
                    ++step.occurrences;
                } else {
                    tokens[out++] = tokens[in++];
                }
            }
            tokens.resize(out);
        }
        step.pieces = state;
        trace.steps.push_back(std::move(step));
    }
    return trace;
}

}  // namespace pretrainlab
