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

    // Missing symbols stay in the pieces to be shown, but merging looks past them, as encoding
    // does once it has dropped them: "a ï n" merges a + n.
    constexpr TokenId missing = BpeEncoder::missingSymbol;
    const auto nextKnown = [](const std::vector<TokenId>& tokens, std::size_t i) {
        for (++i; i < tokens.size(); ++i) {
            if (tokens[i] != missing) return i;
        }
        return tokens.size();
    };
    while (true) {
        std::optional<BpeEncoder::Ranked> best;
        TokenPair bestPair;
        for (const std::vector<TokenId>& tokens : state) {
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                if (tokens[i] == missing) continue;
                const std::size_t j = nextKnown(tokens, i);
                if (j >= tokens.size()) break;
                const std::optional<BpeEncoder::Ranked> merge = encoder->mergeOf({tokens[i], tokens[j]});
                if (merge && (!best || merge->rank < best->rank)) {
                    best = merge;
                    bestPair = {tokens[i], tokens[j]};
                }
            }
        }
        if (!best) break;
        EncodingStep step;
        step.rank = best->rank;
        step.pair = bestPair;
        step.merged = best->merged;
        for (std::vector<TokenId>& tokens : state) {
            std::vector<TokenId> out;
            out.reserve(tokens.size());
            for (std::size_t in = 0; in < tokens.size();) {
                if (tokens[in] == missing) {
                    out.push_back(missing);
                    ++in;
                    continue;
                }
                const std::size_t j = nextKnown(tokens, in);
                if (j < tokens.size() && tokens[in] == bestPair.left && tokens[j] == bestPair.right) {
                    out.push_back(best->merged);
                    out.insert(out.end(), j - in - 1, missing);  // what fell between, after the new token
                    in = j + 1;
                    ++step.occurrences;
                } else {
                    out.push_back(tokens[in++]);
                }
            }
            tokens = std::move(out);
        }
        step.pieces = state;
        trace.steps.push_back(std::move(step));
    }
    return trace;
}

}  // namespace pretrainlab
