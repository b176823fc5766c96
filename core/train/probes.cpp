#include "core/train/probes.hpp"

#include <algorithm>
#include <numeric>

#include "core/nn/loss.hpp"

namespace pretrainlab::train {

std::string tokenName(TokenId id, const Tokenizer& tokenizer, const data::SpecialTokens& specials) {
    if (id < tokenizer.vocabulary().size()) return tokenizer.vocabulary().token(id);
    const auto is = [id](std::int32_t special) { return special >= 0 && id == static_cast<TokenId>(special); };
    if (is(specials.pad)) return "[PAD]";
    if (is(specials.cls)) return "[CLS]";
    if (is(specials.sep)) return "[SEP]";
    if (is(specials.mask)) return "[MASK]";
    if (is(specials.bos)) return "<s>";
    if (specials.firstSentinel >= 0 && id >= static_cast<TokenId>(specials.firstSentinel) &&
        id < static_cast<TokenId>(specials.firstSentinel + specials.sentinels)) {
        std::string name = "<X_";
        name += std::to_string(id - static_cast<TokenId>(specials.firstSentinel));
        name += '>';
        return name;
    }
    std::string name = "#";
    name += std::to_string(id);
    return name;
}

std::vector<std::int32_t> tokenIds(const Tokenizer& tokenizer, std::string_view text) {
    std::vector<std::int32_t> out;
    for (const TokenId id : tokenizer.encode(text)) out.push_back(static_cast<std::int32_t>(id));
    return out;
}

namespace {

// Keeps the last `room` tokens before a blank and what fits of the ones after it.
void fitAround(std::vector<std::int32_t>& before, std::vector<std::int32_t>& after, nn::Index room) {
    if (static_cast<nn::Index>(before.size()) > room) before.erase(before.begin(), before.end() - room);
    const nn::Index left = room - static_cast<nn::Index>(before.size());
    if (static_cast<nn::Index>(after.size()) > left) after.resize(static_cast<std::size_t>(left));
}

}  // namespace

std::vector<ProbeOutcome> probeOutcomes(const nn::Transformer<float>& model, const Tokenizer& tokenizer,
                                        const data::SpecialTokens& specials, const std::vector<data::ProbeItem>& items,
                                        std::size_t top) {
    if (items.empty()) return {};
    const nn::ModelConfig& config = model.config();
    const nn::Index context = config.context;

    // Each item as the model reads it, with the position whose prediction answers it.
    struct Sequence {
        std::vector<std::int32_t> tokens;
        std::int32_t answer = 0;
        nn::Index blank = 0;
    };
    std::vector<Sequence> sequences;
    for (const data::ProbeItem& item : items) {
        Sequence s;
        std::vector<std::int32_t> before = tokenIds(tokenizer, item.prefix);
        std::vector<std::int32_t> after = tokenIds(tokenizer, item.suffix);
        const std::vector<std::int32_t> answer = tokenIds(tokenizer, item.answer);
        s.answer = answer.empty() ? 0 : answer.front();
        switch (config.architecture) {
            case nn::Architecture::Decoder:
                if (static_cast<nn::Index>(before.size()) > context) before.erase(before.begin(), before.end() - context);
                s.tokens = before;
                s.blank = static_cast<nn::Index>(before.size()) - 1;  // predicts the next token
                break;
            case nn::Architecture::Encoder: {
                // [CLS] before [MASK]… after [SEP], one [MASK] for each of the answer's tokens (as a
                // word the tokenizer splits is masked in pretraining), cut to the context around
                // the blanks; the first [MASK] is asked for the answer's first token.
                const auto masks = static_cast<nn::Index>(std::max<std::size_t>(1, answer.size()));
                fitAround(before, after, std::max<nn::Index>(1, context - 2 - masks));
                s.tokens.push_back(specials.cls);
                s.tokens.insert(s.tokens.end(), before.begin(), before.end());
                s.blank = static_cast<nn::Index>(s.tokens.size());
                s.tokens.insert(s.tokens.end(), static_cast<std::size_t>(masks), specials.mask);
                s.tokens.insert(s.tokens.end(), after.begin(), after.end());
                s.tokens.push_back(specials.sep);
                break;
            }
            case nn::Architecture::EncoderDecoder: {
                fitAround(before, after, std::max<nn::Index>(1, context - 1));
                s.tokens = before;
                s.tokens.push_back(specials.firstSentinel);
                s.tokens.insert(s.tokens.end(), after.begin(), after.end());
                s.blank = 1;  // the decoder reads <s> <X_0> and predicts the span's first token
                break;
            }
        }
        if (s.tokens.empty()) s.tokens.push_back(specials.pad >= 0 ? specials.pad : 0);
        s.blank = std::max<nn::Index>(0, s.blank);
        sequences.push_back(std::move(s));
    }

    nn::Batch batch;
    batch.sequences = static_cast<nn::Index>(sequences.size());
    for (const Sequence& s : sequences) batch.length = std::max(batch.length, static_cast<nn::Index>(s.tokens.size()));
    const std::int32_t pad = specials.pad >= 0 ? specials.pad : 0;
    const bool encdec = config.architecture == nn::Architecture::EncoderDecoder;
    if (encdec) batch.targetLength = 2;
    for (const Sequence& s : sequences) {
        for (nn::Index t = 0; t < batch.length; ++t) {
            const bool real = t < static_cast<nn::Index>(s.tokens.size());
            batch.tokens.push_back(real ? s.tokens[static_cast<std::size_t>(t)] : pad);
            batch.padding.push_back(real ? 0 : 1);
            if (!encdec) batch.targets.push_back(t == s.blank ? s.answer : -1);
        }
        if (config.architecture == nn::Architecture::Encoder) batch.segments.assign(batch.tokens.size(), 0);
        if (encdec) {
            batch.decoderTokens.insert(batch.decoderTokens.end(), {specials.bos, specials.firstSentinel});
            batch.decoderTargets.insert(batch.decoderTargets.end(), {-1, s.answer});
        }
    }

    typename nn::Transformer<float>::Workspace workspace;
    workspace.lossesOnly = true;  // only the blanks' logits are read
    model.run(batch, workspace, nullptr, 1.0, 0.0);
    const nn::Matrix<float>& logits = model.logits(workspace);  // one row per item, in order

    std::vector<ProbeOutcome> outcomes;
    for (std::size_t i = 0; i < items.size(); ++i) {
        ProbeOutcome outcome;
        outcome.item = items[i];
        const nn::RowVector<float> row = logits.row(static_cast<nn::Index>(i));
        const std::vector<double> probabilities = nn::softmaxOf<float>(row);
        std::vector<std::size_t> order(probabilities.size());
        std::iota(order.begin(), order.end(), 0);
        const std::size_t shown = std::min(top, order.size());
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                          [&](std::size_t a, std::size_t b) { return probabilities[a] > probabilities[b]; });
        for (std::size_t k = 0; k < shown; ++k) {
            outcome.top.push_back({tokenName(static_cast<TokenId>(order[k]), tokenizer, specials), probabilities[order[k]]});
        }
        const auto answer = static_cast<std::size_t>(sequences[i].answer);
        outcome.answerProbability = answer < probabilities.size() ? probabilities[answer] : 0.0;
        outcome.correct = shown > 0 && order[0] == answer;
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

ProbeReport reportOf(std::vector<ProbeOutcome> outcomes) {
    ProbeReport report;
    std::array<double, data::probeCategoryCount> chanceSum{};
    for (const ProbeOutcome& outcome : outcomes) {
        const auto c = static_cast<std::size_t>(outcome.item.category);
        report.items[c] += 1;
        report.accuracy[c] += outcome.correct ? 1.0 : 0.0;
        chanceSum[c] += outcome.item.candidates.empty() ? 0.0 : 1.0 / double(outcome.item.candidates.size());
    }
    for (std::size_t c = 0; c < report.accuracy.size(); ++c) {
        if (report.items[c] > 0) {
            report.accuracy[c] /= report.items[c];
            report.chance[c] = chanceSum[c] / report.items[c];
        }
    }
    report.outcomes = std::move(outcomes);
    return report;
}

}  // namespace pretrainlab::train
