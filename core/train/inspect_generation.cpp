#include "core/train/inspect_generation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace pretrainlab::train {

using nn::Index;

namespace {

// The most likely `count` ids of a distribution, best first.
std::vector<std::size_t> topIds(const std::vector<double>& probabilities, std::size_t count) {
    std::vector<std::size_t> order(probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    count = std::min(count, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                      [&](std::size_t a, std::size_t b) {
                          return probabilities[a] > probabilities[b] || (probabilities[a] == probabilities[b] && a < b);
                      });
    order.resize(count);
    return order;
}

// Softmax over the text's tokens only (special tokens get 0), at a temperature (0 counts as 1).
// softmax(logits / t) over the tokens that are text: not the specials the model reads text with
// ([PAD], [CLS], [SEP], [MASK], <s>), which sit above the text in the tiny models and among it in
// real BERT (ids 0 and 101–103), so generating or filling never writes one.
std::vector<double> textDistribution(const nn::RowVector<float>& logits, const ModelBundle& bundle, double temperature) {
    const double t = temperature > 0 ? temperature : 1.0;
    std::vector<double> p(static_cast<std::size_t>(logits.size()), 0.0);
    const std::size_t n = std::min(bundle.textVocabulary(), p.size());
    const data::SpecialTokens& s = bundle.specials;
    std::vector<bool> text(n, true);
    for (const std::int32_t special : {s.pad, s.cls, s.sep, s.mask, s.bos}) {
        if (special >= 0 && std::size_t(special) < n) text[std::size_t(special)] = false;
    }
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
        if (text[i]) top = std::max(top, double(logits[Index(i)]) / t);
    }
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (text[i]) sum += p[i] = std::exp(double(logits[Index(i)]) / t - top);
    }
    for (std::size_t i = 0; i < n; ++i) p[i] /= sum;
    return p;
}

std::vector<Prediction> predictionsOf(const ModelBundle& bundle, const std::vector<double>& p, std::size_t shown) {
    std::vector<Prediction> out;
    for (const std::size_t id : topIds(p, shown)) out.push_back({bundle.name(static_cast<std::int32_t>(id)), p[id]});
    return out;
}

}  // namespace

Generator::Generator(std::shared_ptr<const ModelBundle> bundle, std::vector<std::int32_t> prompt, SamplingOptions options)
    : bundle_(std::move(bundle)), tokens_(std::move(prompt)), promptLength_(tokens_.size()), options_(options),
      random_(options.seed) {
    if (bundle_->architecture() != nn::Architecture::Decoder) {
        throw std::invalid_argument("generating token by token needs a decoder");
    }
    requireTokens(tokens_);
}

GeneratedToken Generator::next() {
    const nn::Transformer<float>& model = *bundle_->model;
    const nn::ModelConfig& config = model.config();
    const std::vector<std::int32_t> read = lastTokens(tokens_, config.context);
    const Index last = static_cast<Index>(read.size()) - 1;
    std::vector<float> attention(read.size(), 0.0f);  // the last layer's row for the newest token, mean of the heads
    nn::RowVector<float> logits;
    if (static_cast<Index>(tokens_.size()) <= config.context) {
        // Only the tokens not read yet go through the model.
        const std::vector<std::int32_t> unread(tokens_.begin() + std::ptrdiff_t(cache_.length), tokens_.end());
        logits = model.extend(cache_, unread);
        for (Index h = 0; h < config.heads; ++h) {
            for (Index k = 0; k <= last; ++k) attention[std::size_t(k)] += cache_.lastAttention(h, k) / float(config.heads);
        }
    } else {
        cache_ = {};
        const nn::Batch batch = readingBatch(read);
        typename nn::Transformer<float>::Workspace workspace;
        model.run(batch, workspace, nullptr, 1.0, 0.0);
        logits = model.logits(workspace).row(0);
        const Index lastLayer = config.layers - 1;
        for (Index h = 0; h < config.heads; ++h) {
            const nn::Matrix<float> w = model.attentionWeights(workspace, nn::AttentionStack::Encoder, lastLayer, 0, h);
            for (Index k = 0; k < w.cols(); ++k) attention[std::size_t(k)] += w(last, k) / float(config.heads);
        }
    }

    std::vector<double> p = textDistribution(logits, *bundle_, options_.temperature);
    if (options_.topK > 0 && static_cast<std::size_t>(options_.topK) < p.size()) {
        const std::vector<std::size_t> keep = topIds(p, static_cast<std::size_t>(options_.topK));
        std::vector<double> kept(p.size(), 0.0);
        double sum = 0;
        for (const std::size_t id : keep) sum += kept[id] = p[id];
        for (double& value : kept) value /= sum;
        p = std::move(kept);
    }
    std::size_t chosen = topIds(p, 1).front();
    if (options_.temperature > 0) {
        // Inverse transform sampling with 53 random bits, the same on every platform.
        const double u = double(random_() >> 11) * 0x1.0p-53;
        double cumulative = 0;
        for (std::size_t id = 0; id < p.size(); ++id) {
            if (p[id] <= 0) continue;
            chosen = id;
            cumulative += p[id];
            if (u < cumulative) break;
        }
    }

    GeneratedToken out;
    out.id = static_cast<std::int32_t>(chosen);
    out.text = bundle_->name(out.id);
    out.probability = p[chosen];
    out.candidates = predictionsOf(*bundle_, p, options_.shown);
    out.keyLabels = bundle_->names(read);
    out.attention = std::move(attention);
    tokens_.push_back(out.id);
    return out;
}

MaskFiller::MaskFiller(std::shared_ptr<const ModelBundle> bundle, std::vector<std::int32_t> tokens, std::size_t shown)
    : bundle_(std::move(bundle)), tokens_(std::move(tokens)), shown_(shown) {
    if (bundle_->architecture() != nn::Architecture::Encoder) throw std::invalid_argument("filling [MASK] needs an encoder");
    requireTokens(tokens_);
    const Index room = bundle_->model->config().context - 2;
    if (static_cast<Index>(tokens_.size()) > room) {
        throw std::invalid_argument("the sentence has " + std::to_string(tokens_.size()) +
                                    " tokens; this encoder reads at most " + std::to_string(room) +
                                    " between [CLS] and [SEP]");
    }
}

bool MaskFiller::done() const {
    return std::find(tokens_.begin(), tokens_.end(), bundle_->specials.mask) == tokens_.end();
}

FilledToken MaskFiller::next() {
    if (done()) throw std::logic_error("no [MASK] is left to fill");
    std::vector<std::int32_t> read{bundle_->specials.cls};
    read.insert(read.end(), tokens_.begin(), tokens_.end());
    read.push_back(bundle_->specials.sep);
    nn::Batch batch = readingBatch(read);
    batch.segments.assign(read.size(), 0);
    std::vector<Index> masks;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
        const bool open = tokens_[i] == bundle_->specials.mask;
        batch.targets[i + 1] = open ? 0 : -1;
        if (open) masks.push_back(static_cast<Index>(i));
    }
    batch.targets.back() = -1;
    typename nn::Transformer<float>::Workspace workspace;
    bundle_->model->run(batch, workspace, nullptr, 1.0, 0.0);
    const nn::Matrix<float>& logits = bundle_->model->logits(workspace);  // one row per open [MASK]

    FilledToken best;
    std::vector<double> bestDistribution;
    for (std::size_t m = 0; m < masks.size(); ++m) {
        std::vector<double> p = textDistribution(logits.row(Index(m)), *bundle_, 1.0);
        const std::size_t id = topIds(p, 1).front();
        if (bestDistribution.empty() || p[id] > best.probability) {
            best.position = masks[m];
            best.id = static_cast<std::int32_t>(id);
            best.probability = p[id];
            bestDistribution = std::move(p);
        }
    }
    best.text = bundle_->name(best.id);
    best.candidates = predictionsOf(*bundle_, bestDistribution, shown_);
    tokens_[std::size_t(best.position)] = best.id;
    best.remaining = masks.size() - 1;
    return best;
}

}  // namespace pretrainlab::train
