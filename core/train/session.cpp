#include "core/train/session.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/input_file.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/run_memory.hpp"

namespace pretrainlab::train {

// ---- the session ----

namespace {

// The special tokens' names, for the tokenizer-less random data.
void requireEnough(const std::vector<std::int32_t>& stream, nn::Index needed, const std::string& source) {
    if (static_cast<nn::Index>(stream.size()) < needed) {
        throw LocatedError({source, {}, {}}, "the text holds " + std::to_string(stream.size()) +
                                                 " tokens; a window of the context needs " + std::to_string(needed) +
                                                 ". Use a smaller context (--ctx) or a longer text");
    }
}

// Each line of the text as token ids (empty lines left out).
std::vector<std::vector<std::int32_t>> tokenizedLines(const Tokenizer& tokenizer, std::string_view text) {
    std::vector<std::vector<std::int32_t>> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::vector<std::int32_t> ids = tokenIds(tokenizer, text.substr(start, end - start));
        if (!ids.empty()) lines.push_back(std::move(ids));
        start = end + 1;
    }
    return lines;
}

}  // namespace

TrainingSession::TrainingSession(RunSettings settings, const Progress& progress)
    : TrainingSession(std::move(settings), std::nullopt, progress) {}

TrainingSession::TrainingSession(RunSettings settings, std::optional<Tokenizer> tokenizer, const Progress& progress)
    : settings_(std::move(settings)) {
    if (const std::string problem = settings_.problem(tokenizer.has_value()); !problem.empty()) {
        throw std::invalid_argument(problem);
    }
    // Refused before any data is made, with the vocabulary known so far (a text file's tokenizer is
    // read below), and again before the model is built.
    const nn::Index knownVocabulary = settings_.corpus.empty() ? settings_.model.vocabulary
                                      : tokenizer                ? static_cast<nn::Index>(tokenizer->vocabulary().size())
                                                                 : 0;
    if (const std::string problem = memoryProblem(settings_, knownVocabulary); !problem.empty()) {
        throw std::invalid_argument(problem);
    }
    settings_.trainer.schedule.total = settings_.steps;
    const nn::Architecture architecture = settings_.model.architecture;
    const nn::Index window = settings_.model.context + 1;

    if (settings_.corpus.empty()) {
        specials_ = data::reserveSpecialTokens(settings_.model.vocabulary, architecture, textVocabulary_);
    } else {
        std::string text;
        std::string heldOutText;
        if (settings_.corpus == toyWorldCorpus) {
            const data::ToyWorld world(settings_.trainer.seed);
            text = world.corpus(settings_.toyWorldBytes, settings_.trainer.seed,
                                Progress{[&progress](double done) { progress(0.25 * done); }, progress.shouldStop});
            heldOutText = world.corpus(std::max<std::size_t>(4096, settings_.toyWorldBytes / 20), settings_.trainer.seed + 1);
            probeItems_ = data::ToyWorld::lectureProbes();
            probeItems_.insert(probeItems_.end(), world.probes().begin(), world.probes().end());
        } else {
            text = readInputFile(settings_.corpus);
            if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
                throw LocatedError(SourceLocation{settings_.corpus, lineOfOffset(text, nul), nul},
                                   "a NUL byte: this looks like a binary file, not text");
            }
            corpusHash_ = fingerprint(text);
        }
        progress(0.3);
        if (progress.stopRequested()) throw Cancelled();
        if (tokenizer) {
            tokenizer_ = std::move(tokenizer);
        } else if (!settings_.tokenizer.empty()) {
            tokenizer_ = loadTokenizer(settings_.tokenizer);
        } else {
            tokenizer_ = data::ToyWorld::tokenizer();
        }
        if (!tokenizer_->config().byteLevel || !tokenizer_->config().normalizer.empty()) utf8::requireValid(text, settings_.corpus);
        if (settings_.corpus != toyWorldCorpus) {
            if (const std::vector<std::string> lost = tokenizer_->dropped(text); !lost.empty()) {
                throw LocatedError(droppedLocation(text, settings_.corpus, lost),
                                   droppedMessage(lost) + ": training would never see them");
            }
        }
        stream_ = tokenIds(*tokenizer_, text);
        if (stream_.empty()) throw LocatedError({settings_.corpus, {}, {}}, "the corpus is empty: it holds no tokens");
        progress(0.8);
        if (progress.stopRequested()) throw Cancelled();
        if (heldOutText.empty()) {
            // A text file: its tail is held out, if that leaves enough of both.
            const auto tail = static_cast<std::size_t>(double(stream_.size()) * settings_.heldOutShare);
            if (static_cast<nn::Index>(tail) >= window && static_cast<nn::Index>(stream_.size() - tail) >= window) {
                heldOut_.assign(stream_.end() - static_cast<std::ptrdiff_t>(tail), stream_.end());
                stream_.resize(stream_.size() - tail);
            }
        } else {
            heldOut_ = tokenIds(*tokenizer_, heldOutText);
        }
        requireEnough(stream_, architecture == nn::Architecture::Decoder ? window : settings_.model.context,
                      settings_.corpus);
        if (settings_.nextSentence) {
            // Sentence pairs: the text's lines, each tokenized; the held-out text's (or a file's last lines).
            sentences_ = tokenizedLines(*tokenizer_, text);
            if (heldOutText.empty()) {
                const auto tail = static_cast<std::size_t>(double(sentences_.size()) * settings_.heldOutShare);
                if (tail >= 2 && sentences_.size() - tail >= 2) {
                    heldOutSentences_.assign(sentences_.end() - static_cast<std::ptrdiff_t>(tail), sentences_.end());
                    sentences_.resize(sentences_.size() - tail);
                }
            } else {
                heldOutSentences_ = tokenizedLines(*tokenizer_, heldOutText);
            }
            if (sentences_.size() < 2) {
                throw LocatedError({settings_.corpus, {}, {}}, "sentence pairs need at least two lines of text");
            }
        }
        textVocabulary_ = static_cast<nn::Index>(tokenizer_->vocabulary().size());
        nn::Index vocabulary = textVocabulary_;
        specials_ = data::appendSpecialTokens(vocabulary, architecture);
        settings_.model.vocabulary = vocabulary;
    }
    settings_.masking.textVocabulary = textVocabulary_;
    settings_.model.nextSentenceHead = settings_.nextSentence;
    if (const std::string problem = memoryProblem(settings_, settings_.model.vocabulary); !problem.empty()) {
        throw std::invalid_argument(problem);
    }
    model_ = std::make_unique<nn::Transformer<float>>(settings_.model, settings_.trainer.seed);
    if (settings_.trainer.precision != optim::NumberFormat::Fp32) {
        const double scale = settings_.lossScaleValue().value_or(0.0);
        // bf16 has fp32's range: no scaling unless asked for; fp16 scales dynamically unless given a number.
        settings_.trainer.dynamicLossScale = scale == 0.0 && settings_.trainer.precision == optim::NumberFormat::Fp16;
        settings_.trainer.lossScale = scale > 0 ? scale : settings_.trainer.precision == optim::NumberFormat::Fp16 ? 65536.0 : 1.0;
    }
    trainer_ = std::make_unique<Trainer<float>>(*model_, settings_.trainer);
    random_.seed(settings_.trainer.seed);
    if (static_cast<nn::Index>(heldOut_.size()) >= window && (!settings_.nextSentence || heldOutSentences_.size() >= 2)) {
        std::mt19937_64 fixed(settings_.trainer.seed ^ 0x4e1d07ULL);
        std::swap(stream_, heldOut_);  // nextBatch reads stream_ and sentences_
        std::swap(sentences_, heldOutSentences_);
        for (int i = 0; i < 4; ++i) heldOutBatches_.push_back(nextBatch(settings_.batch, fixed));
        std::swap(sentences_, heldOutSentences_);
        std::swap(stream_, heldOut_);
    }
    progress(1.0);
}

nn::Batch TrainingSession::nextBatch(nn::Index sequences, std::mt19937_64& random) const {
    const nn::Index length = settings_.model.context;
    if (stream_.empty()) {
        return data::randomBatch(settings_.model.architecture, textVocabulary_, sequences, length, specials_, random);
    }
    switch (settings_.model.architecture) {
        case nn::Architecture::Decoder: return data::nextTokenBatch(stream_, sequences, length, random);
        case nn::Architecture::Encoder:
            if (settings_.nextSentence) return data::sentencePairBatch(sentences_, sequences, length, settings_.masking, specials_, random);
            return data::maskedLmBatch(stream_, sequences, length, settings_.masking, specials_, random);
        case nn::Architecture::EncoderDecoder: return data::spanCorruptionBatch(stream_, sequences, length, {}, specials_, random);
    }
    return {};
}

nn::Batch TrainingSession::sampleBatch(nn::Index sequences, std::uint64_t seed) const {
    std::mt19937_64 random(seed);
    return nextBatch(sequences, random);
}

std::vector<std::size_t> TrainingSession::tokenCounts() const {
    if (stream_.empty()) return {};
    std::vector<std::size_t> counts(static_cast<std::size_t>(settings_.model.vocabulary), 0);
    for (const std::int32_t id : stream_)
        if (id >= 0 && static_cast<std::size_t>(id) < counts.size()) ++counts[static_cast<std::size_t>(id)];
    return counts;
}

StepOutcome TrainingSession::step() {
    std::vector<nn::Batch> micro;
    const nn::Index perMicro = settings_.batch / settings_.accumulation;
    for (nn::Index k = 0; k < settings_.accumulation; ++k) micro.push_back(nextBatch(perMicro, random_));
    return trainer_->step(micro);
}

std::optional<double> TrainingSession::heldOutLoss() {
    if (heldOutBatches_.empty()) return std::nullopt;
    // The training threads share the batches (forward only, the losses alone), and the sums add up
    // in the batches' order: the same figure on any number of threads.
    const std::size_t count = heldOutBatches_.size();
    const unsigned parts = static_cast<unsigned>(std::min<std::size_t>(trainer_->options().threads, count));
    std::vector<nn::Losses> losses(count);
    trainer_->onThreads(parts, [&](unsigned part) {
        typename nn::Transformer<float>::Workspace workspace;
        workspace.lossesOnly = true;
        for (std::size_t b = part; b < count; b += parts) losses[b] = model_->run(heldOutBatches_[b], workspace, nullptr, 1.0, 0.0);
    });
    nn::Losses total;
    for (const nn::Losses& batch : losses) total += batch;
    return total.tokenMean();
}

ProbeReport TrainingSession::probe(const std::vector<data::ProbeItem>& items, std::size_t top) const {
    if (!tokenizer_ || items.empty()) return {};
    // The training threads take a run of items each; the outcomes join in the items' order.
    const unsigned parts = static_cast<unsigned>(std::min<std::size_t>(trainer_->options().threads, items.size()));
    std::vector<std::vector<ProbeOutcome>> runs(parts);
    trainer_->onThreads(parts, [&](unsigned part) {
        const auto first = items.begin() + static_cast<std::ptrdiff_t>(items.size() * part / parts);
        const auto last = items.begin() + static_cast<std::ptrdiff_t>(items.size() * (part + 1) / parts);
        runs[part] = probeOutcomes(*model_, *tokenizer_, specials_, {first, last}, top);
    });
    std::vector<ProbeOutcome> outcomes;
    for (std::vector<ProbeOutcome>& run : runs) std::move(run.begin(), run.end(), std::back_inserter(outcomes));
    return reportOf(std::move(outcomes));
}

ProbeReport TrainingSession::probes(std::size_t top) const { return probe(probeItems_, top); }

std::string TrainingSession::dataPosition() const {
    std::ostringstream state;
    state << random_;
    return state.str();
}

void TrainingSession::restoreDataPosition(const std::string& state, const std::string& source) {
    std::istringstream text(state);
    text >> random_;
    if (!text) throw LocatedError({source, {}, {}}, "data_random_state is not a random generator's state");
}

void TrainingSession::extendTo(std::size_t steps) {
    if (steps < stepsDone()) {
        throw std::invalid_argument("the run has done " + std::to_string(stepsDone()) + " steps: it cannot be " +
                                    std::to_string(steps) + " steps long");
    }
    settings_.steps = steps;
    settings_.trainer.schedule.total = steps;
    trainer_->setSchedule(settings_.trainer.schedule);
}

}  // namespace pretrainlab::train
