#include "core/train/model_bundle.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "core/text/utf8.hpp"
#include "core/tokenize/bpe_encoder.hpp"
#include "core/train/probes.hpp"

namespace pretrainlab::train {

using nn::Index;

std::string ModelBundle::name(std::int32_t id) const {
    return tokenName(static_cast<TokenId>(id), tokenizer, specials);
}

std::vector<std::string> ModelBundle::names(const std::vector<std::int32_t>& ids) const {
    std::vector<std::string> labels;
    labels.reserve(ids.size());
    for (const std::int32_t id : ids) labels.push_back(name(id));
    return labels;
}

std::vector<std::int32_t> ModelBundle::encode(const std::string& text) const { return tokenIds(tokenizer, text); }

std::vector<std::int32_t> ModelBundle::encodeWithMasks(const std::string& text) const {
    static constexpr std::string_view marker = "[MASK]";
    std::vector<std::int32_t> tokens;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = text.find(marker, start);
        const std::vector<std::int32_t> ids = encode(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        tokens.insert(tokens.end(), ids.begin(), ids.end());
        if (at == std::string::npos) return tokens;
        tokens.push_back(specials.mask);
        start = at + marker.size();
    }
}

std::vector<std::string> ModelBundle::unknownWords(const std::string& text) const {
    std::optional<TokenId> unknown;
    if (const auto& name = tokenizer.config().unknownToken) unknown = tokenizer.vocabulary().find(*name);
    std::vector<std::string> words;
    for (const std::string& piece : tokenizer.pieces(text)) {
        const std::vector<TokenId> ids = tokenizer.encode(piece);
        bool lost = unknown && std::find(ids.begin(), ids.end(), *unknown) != ids.end();
        if (!lost && ids.size() > 1) {
            // Spelled out one character at a time: the vocabulary has no piece of it longer than a
            // letter (the toy world's fallback for words outside it).
            const std::string& prefix = tokenizer.config().continuingPrefix;
            lost = std::all_of(ids.begin(), ids.end(), [&](TokenId id) {
                std::string_view text = tokenizer.vocabulary().token(id);
                if (!prefix.empty() && text.starts_with(prefix)) text.remove_prefix(prefix.size());
                return utf8::countCharacters(text) <= 1;
            });
        }
        if (!lost && !unknown && tokenizer.bpeEncoder()) {
            std::vector<TokenId> symbols;
            std::vector<std::string> missing;
            tokenizer.bpeEncoder()->initialSymbols(piece, symbols, &missing);
            lost = !missing.empty();
        }
        if (lost && std::find(words.begin(), words.end(), piece) == words.end()) words.push_back(piece);
    }
    return words;
}

std::size_t ModelBundle::textVocabulary() const {
    return std::min<std::size_t>(tokenizer.vocabulary().size(), static_cast<std::size_t>(model->config().vocabulary));
}

std::shared_ptr<const ModelBundle> snapshotOf(const TrainingSession& session, std::string description) {
    if (!session.tokenizer()) return nullptr;
    return std::make_shared<const ModelBundle>(
        ModelBundle{std::make_shared<const nn::Transformer<float>>(session.model()), *session.tokenizer(),
                    session.specials(), std::move(description)});
}

nn::Batch readingBatch(const std::vector<std::int32_t>& tokens) {
    nn::Batch batch;
    batch.sequences = 1;
    batch.length = static_cast<Index>(tokens.size());
    batch.tokens = tokens;
    batch.targets.assign(tokens.size(), -1);
    if (!batch.targets.empty()) batch.targets.back() = 0;
    return batch;
}

std::vector<std::int32_t> lastTokens(const std::vector<std::int32_t>& tokens, Index count) {
    if (static_cast<Index>(tokens.size()) <= count) return tokens;
    return {tokens.end() - count, tokens.end()};
}

void requireTokens(const std::vector<std::int32_t>& tokens) {
    if (tokens.empty()) throw std::invalid_argument("the text has no tokens");
}

double logSoftmaxAt(const nn::RowVector<float>& logits, Index at) {
    const double top = double(logits.maxCoeff());
    double sum = 0;
    for (Index i = 0; i < logits.size(); ++i) sum += std::exp(double(logits[i]) - top);
    return double(logits[at]) - top - std::log(sum);
}

}  // namespace pretrainlab::train
