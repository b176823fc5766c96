#include "core/train/session.hpp"

#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/text/utf8.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/safetensors.hpp"

namespace pretrainlab::train {

using Json = nlohmann::ordered_json;

// ---- settings ----

bool RunSettings::applyPreset(const std::string& name) {
    struct Preset {
        const char* name;
        nn::Index vocabulary, width, layers, heads, context, batch;
    };
    static constexpr Preset presets[] = {{"tiny", 256, 64, 2, 4, 64, 16},
                                         {"small", 512, 128, 4, 4, 128, 16},
                                         {"medium", 2048, 256, 6, 8, 256, 8}};
    for (const Preset& p : presets) {
        if (name != p.name) continue;
        preset = name;
        model.vocabulary = p.vocabulary;
        model.width = p.width;
        model.layers = p.layers;
        model.heads = p.heads;
        model.context = p.context;
        batch = p.batch;
        return true;
    }
    return false;
}

std::string RunSettings::problem() const {
    if (std::string problem = model.problem(); !problem.empty()) return problem;
    if (batch < 1) return "the batch needs at least one sequence";
    if (accumulation < 1 || batch % accumulation != 0) {
        return "gradient accumulation (" + std::to_string(accumulation) + ") must divide the batch (" +
               std::to_string(batch) + "): each micro-batch gets batch / accumulation sequences";
    }
    if (steps < 1) return "the run needs at least one step";
    if (model.architecture != nn::Architecture::Decoder && model.context < 3) {
        return model.architecture == nn::Architecture::Encoder
                   ? "the encoder's context must hold at least 3 tokens: [CLS], a token and [SEP]"
                   : "the encoder-decoder's context must hold at least 3 tokens: a sentinel, a span and the closing sentinel";
    }
    if (!(masking.rate > 0 && masking.rate <= 1)) return "the masking rate must be above 0 and at most 1";
    if (masking.maskShare < 0 || masking.randomShare < 0 || masking.maskShare + masking.randomShare > 1) {
        return "the [MASK] and random shares must be non-negative and add up to at most 1";
    }
    if (!(trainer.schedule.peak >= 0) || !std::isfinite(trainer.schedule.peak)) return "the learning rate must be a number of at least 0";
    if (!tokenizer.empty() && corpus.empty()) return "a tokenizer needs a corpus to tokenize";
    if (!corpus.empty() && corpus != toyWorldCorpus && tokenizer.empty()) return "a text file needs a tokenizer";
    return {};
}

std::string RunSettings::toJson() const {
    Json json{{"preset", preset},
              {"arch", std::string(nn::architectureName(model.architecture))},
              {"vocab", model.vocabulary},
              {"d", model.width},
              {"layers", model.layers},
              {"decoder_layers", model.decoderLayers},
              {"heads", model.heads},
              {"ctx", model.context},
              {"ffn", model.feedForward},
              {"pre_norm", model.preNorm},
              {"dropout", model.dropout},
              {"init_std", model.initialStd},
              {"batch", batch},
              {"accum", accumulation},
              {"steps", steps},
              {"optimizer", std::string(optim::optimizerName(trainer.optimizer.kind))},
              {"beta1", trainer.optimizer.beta1},
              {"beta2", trainer.optimizer.beta2},
              {"epsilon", trainer.optimizer.epsilon},
              {"momentum", trainer.optimizer.momentum},
              {"weight_decay", trainer.optimizer.weightDecay},
              {"lr", trainer.schedule.peak},
              {"schedule", std::string(optim::scheduleName(trainer.schedule.kind))},
              {"warmup", trainer.schedule.warmup},
              {"clip", trainer.clipNorm},
              {"threads", trainer.threads},
              {"seed", trainer.seed},
              {"corpus", corpus},
              {"tokenizer", tokenizer},
              {"toyworld_bytes", toyWorldBytes},
              {"mask_rate", masking.rate},
              {"mask_share", masking.maskShare},
              {"random_share", masking.randomShare},
              {"held_out_share", heldOutShare}};
    return json.dump();
}

RunSettings RunSettings::fromJson(const std::string& text, const std::string& source) {
    RunSettings s;
    std::string key;
    try {
        const Json json = Json::parse(text);
        const auto get = [&](const char* name, auto& into) {
            key = name;
            if (json.contains(name)) into = json.at(name).get<std::decay_t<decltype(into)>>();
        };
        get("preset", s.preset);
        std::string arch = "decoder";
        get("arch", arch);
        const auto architecture = nn::parseArchitecture(arch);
        if (!architecture) throw LocatedError({source, {}, {}}, "settings.arch: unknown architecture '" + arch + "'");
        s.model.architecture = *architecture;
        get("vocab", s.model.vocabulary);
        get("d", s.model.width);
        get("layers", s.model.layers);
        get("decoder_layers", s.model.decoderLayers);
        get("heads", s.model.heads);
        get("ctx", s.model.context);
        get("ffn", s.model.feedForward);
        get("pre_norm", s.model.preNorm);
        get("dropout", s.model.dropout);
        get("init_std", s.model.initialStd);
        get("batch", s.batch);
        get("accum", s.accumulation);
        get("steps", s.steps);
        std::string optimizer = "adamw", schedule = "constant";
        get("optimizer", optimizer);
        get("schedule", schedule);
        const auto kind = optim::parseOptimizer(optimizer);
        const auto scheduleKind = optim::parseSchedule(schedule);
        if (!kind) throw LocatedError({source, {}, {}}, "settings.optimizer: unknown optimizer '" + optimizer + "'");
        if (!scheduleKind) throw LocatedError({source, {}, {}}, "settings.schedule: unknown schedule '" + schedule + "'");
        s.trainer.optimizer.kind = *kind;
        s.trainer.schedule.kind = *scheduleKind;
        get("beta1", s.trainer.optimizer.beta1);
        get("beta2", s.trainer.optimizer.beta2);
        get("epsilon", s.trainer.optimizer.epsilon);
        get("momentum", s.trainer.optimizer.momentum);
        get("weight_decay", s.trainer.optimizer.weightDecay);
        get("lr", s.trainer.schedule.peak);
        get("warmup", s.trainer.schedule.warmup);
        get("clip", s.trainer.clipNorm);
        get("threads", s.trainer.threads);
        get("seed", s.trainer.seed);
        get("corpus", s.corpus);
        get("tokenizer", s.tokenizer);
        get("toyworld_bytes", s.toyWorldBytes);
        get("mask_rate", s.masking.rate);
        get("mask_share", s.masking.maskShare);
        get("random_share", s.masking.randomShare);
        get("held_out_share", s.heldOutShare);
    } catch (const Json::exception& error) {
        throw LocatedError({source, {}, {}}, "settings" + (key.empty() ? std::string() : "." + key) + ": " + error.what());
    }
    s.trainer.schedule.total = s.steps;
    return s;
}

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

std::vector<std::int64_t> shapeOf(const nn::ParameterInfo& info) {
    if (info.rows == 1) return {info.cols};
    return {info.rows, info.cols};
}

std::string hex(std::uint64_t value) {
    std::ostringstream text;
    text << std::hex << value;
    return text.str();
}

}  // namespace

TrainingSession::TrainingSession(RunSettings settings, const Progress& progress)
    : TrainingSession(std::move(settings), progress, std::nullopt) {}

TrainingSession::TrainingSession(RunSettings settings, const Progress& progress, std::optional<Tokenizer> tokenizer)
    : settings_(std::move(settings)) {
    if (const std::string problem = settings_.problem(); !problem.empty()) throw std::invalid_argument(problem);
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
            text = world.corpus(settings_.toyWorldBytes, settings_.trainer.seed);
            heldOutText = world.corpus(std::max<std::size_t>(4096, settings_.toyWorldBytes / 20), settings_.trainer.seed + 1);
            probeItems_ = data::ToyWorld::lectureProbes();
            probeItems_.insert(probeItems_.end(), world.probes().begin(), world.probes().end());
        } else {
            text = readFileBytes(settings_.corpus);
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
        textVocabulary_ = static_cast<nn::Index>(tokenizer_->vocabulary().size());
        nn::Index vocabulary = textVocabulary_;
        specials_ = data::appendSpecialTokens(vocabulary, architecture);
        settings_.model.vocabulary = vocabulary;
    }
    settings_.masking.textVocabulary = textVocabulary_;
    model_ = std::make_unique<nn::Transformer<float>>(settings_.model, settings_.trainer.seed);
    trainer_ = std::make_unique<Trainer<float>>(*model_, settings_.trainer);
    random_.seed(settings_.trainer.seed);
    if (static_cast<nn::Index>(heldOut_.size()) >= window) {
        std::mt19937_64 fixed(settings_.trainer.seed ^ 0x4e1d07ULL);
        std::swap(stream_, heldOut_);  // nextBatch reads stream_
        for (int i = 0; i < 4; ++i) heldOutBatches_.push_back(nextBatch(settings_.batch, fixed));
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
            return data::maskedLmBatch(stream_, sequences, length, settings_.masking, specials_, random);
        case nn::Architecture::EncoderDecoder: return data::spanCorruptionBatch(stream_, sequences, length, {}, specials_, random);
    }
    return {};
}

StepOutcome TrainingSession::step() {
    std::vector<nn::Batch> micro;
    const nn::Index perMicro = settings_.batch / settings_.accumulation;
    for (nn::Index k = 0; k < settings_.accumulation; ++k) micro.push_back(nextBatch(perMicro, random_));
    return trainer_->step(micro);
}

std::optional<double> TrainingSession::heldOutLoss() {
    if (heldOutBatches_.empty()) return std::nullopt;
    nn::Losses total;
    typename nn::Transformer<float>::Workspace workspace;
    for (const nn::Batch& batch : heldOutBatches_) total += model_->run(batch, workspace, nullptr, 1.0, 0.0);
    return total.tokenMean();
}

ProbeReport TrainingSession::probe(const std::vector<data::ProbeItem>& items, std::size_t top) const {
    if (!tokenizer_ || items.empty()) return {};
    return evaluateProbes(*model_, *tokenizer_, specials_, items, top);
}

ProbeReport TrainingSession::probes(std::size_t top) const { return probe(probeItems_, top); }

// ---- checkpoints ----

RunSettings toyWorldRun(nn::Architecture architecture, std::size_t steps, double peak) {
    RunSettings s;
    s.applyPreset("tiny");
    s.model.architecture = architecture;
    s.corpus = toyWorldCorpus;
    s.steps = steps;
    s.trainer.schedule = {optim::ScheduleKind::Cosine, peak, 30, steps};
    return s;
}

std::string checkpointJsonPath(const std::string& weightsPath) {
    std::filesystem::path path(weightsPath);
    if (path.extension() == ".safetensors") path.replace_extension();
    return path.string() + ".json";
}

std::string checkpointOptimizerPath(const std::string& weightsPath) {
    std::filesystem::path path(weightsPath);
    if (path.extension() == ".safetensors") path.replace_extension();
    return path.string() + ".optimizer.safetensors";
}

void TrainingSession::save(const std::string& weightsPath, const std::function<void()>& beforeCommit) const {
    const nn::Parameters<float>& parameters = model_->parameters();
    std::vector<TensorToWrite> weights;
    for (const nn::ParameterInfo& info : parameters.infos()) {
        weights.push_back({info.name, shapeOf(info), parameters.values().data() + info.offset});
    }
    const std::string weightBytes =
        safetensorsBytes(weights, {{"format", "pt"}, {"producer", "PretrainLab"},
                                   {"layout", "row-major; a linear layer's weight is [in, out], y = x W + b"}});

    const optim::Optimizer<float>& optimizer = trainer_->optimizer();
    std::vector<TensorToWrite> moments;
    for (const nn::ParameterInfo& info : parameters.infos()) {
        if (!optimizer.firstMoment().empty()) moments.push_back({"m." + info.name, shapeOf(info), optimizer.firstMoment().data() + info.offset});
        if (!optimizer.secondMoment().empty()) moments.push_back({"v." + info.name, shapeOf(info), optimizer.secondMoment().data() + info.offset});
    }
    const std::string momentBytes = safetensorsBytes(moments, {{"producer", "PretrainLab"}});

    std::ostringstream randomState;
    randomState << random_;
    const std::filesystem::path weightsFile(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    Json json{{"format", "pretrainlab-checkpoint"},
              {"version", 1},
              {"step", stepsDone()},
              {"optimizer_steps", optimizer.steps()},
              {"parameters", parameters.size()},
              {"settings", Json::parse(settings_.toJson())},
              {"weights", {{"file", weightsFile.filename().string()},
                           {"bytes", weightBytes.size()},
                           {"fnv1a", hex(fingerprint(weightBytes))}}},
              {"optimizer_state", {{"file", std::filesystem::path(optimizerPath).filename().string()},
                                   {"bytes", momentBytes.size()},
                                   {"fnv1a", hex(fingerprint(momentBytes))}}},
              {"data_random_state", randomState.str()},
              {"corpus_fnv1a", hex(corpusHash_)},
              {"tokenizer", tokenizer_ ? Json::parse(tokenizerJson(*tokenizer_)) : Json(nullptr)}};
    const std::string jsonPath = checkpointJsonPath(weightsPath);

    // All three under temporary names first; then the renames, the JSON last.
    const auto weightsTemporary = writeTemporaryFile(weightsPath, weightBytes);
    const auto momentsTemporary = writeTemporaryFile(optimizerPath, momentBytes);
    const auto jsonTemporary = writeTemporaryFile(jsonPath, json.dump(1) + "\n");
    if (beforeCommit) beforeCommit();
    commitTemporaryFile(momentsTemporary, optimizerPath);
    commitTemporaryFile(weightsTemporary, weightsPath);
    commitTemporaryFile(jsonTemporary, jsonPath);
}

std::unique_ptr<TrainingSession> TrainingSession::load(const std::string& weightsPath, const Progress& progress) {
    const std::string jsonPath = checkpointJsonPath(weightsPath);
    const std::string optimizerPath = checkpointOptimizerPath(weightsPath);
    const SourceLocation jsonWhere{jsonPath, {}, {}};
    Json json;
    try {
        json = Json::parse(readFileBytes(jsonPath));
    } catch (const Json::parse_error& error) {
        throw LocatedError(jsonWhere, std::string("not valid JSON: ") + error.what());
    }
    if (!json.is_object() || json.value("format", "") != "pretrainlab-checkpoint") {
        throw LocatedError(jsonWhere, "not a PretrainLab checkpoint (no \"format\": \"pretrainlab-checkpoint\")");
    }
    const std::string weightBytes = readFileBytes(weightsPath);
    const auto check = [&](const std::string& path, const std::string& bytes, const char* key) {
        try {
            const Json& entry = json.at(key);
            const auto expected = entry.at("bytes").get<std::size_t>();
            if (bytes.size() < expected) {
                throw LocatedError({path, {}, {}}, "is truncated: it holds " + std::to_string(bytes.size()) +
                                                       " bytes, and " + jsonPath + " recorded " +
                                                       std::to_string(expected));
            }
            if (bytes.size() != expected || entry.at("fnv1a").get<std::string>() != hex(fingerprint(bytes))) {
                throw LocatedError({path, {}, {}}, "is corrupt or was changed: its content does not match what " +
                                                       jsonPath + " recorded (was a save interrupted?)");
            }
        } catch (const Json::exception& error) {
            throw LocatedError(jsonWhere, std::string(key) + ": " + error.what());
        }
    };
    check(weightsPath, weightBytes, "weights");
    const SafetensorsFile weights(weightBytes, weightsPath);

    RunSettings settings = RunSettings::fromJson(json.at("settings").dump(), jsonPath);
    std::optional<Tokenizer> tokenizer;
    if (json.contains("tokenizer") && !json.at("tokenizer").is_null()) {
        tokenizer = parseTokenizerJson(json.at("tokenizer").dump(), jsonPath + ": tokenizer");
    }
    std::unique_ptr<TrainingSession> session(new TrainingSession(settings, progress, std::move(tokenizer)));
    if (session->corpusHash_ != 0 && json.value("corpus_fnv1a", "") != hex(session->corpusHash_)) {
        throw LocatedError({settings.corpus, {}, {}}, "changed since the checkpoint " + weightsPath +
                                                          " was saved, so the run cannot continue as it was");
    }
    nn::Parameters<float>& parameters = session->model_->parameters();
    for (const nn::ParameterInfo& info : parameters.infos()) {
        weights.copyFloats(info.name, shapeOf(info), parameters.values().data() + info.offset);
    }

    Trainer<float>& trainer = *session->trainer_;
    const std::size_t optimizerSteps = json.value("optimizer_steps", std::size_t(0));
    nn::FlatArray<float> m, v;
    if (std::filesystem::exists(optimizerPath)) {
        const std::string momentBytes = readFileBytes(optimizerPath);
        check(optimizerPath, momentBytes, "optimizer_state");
        const SafetensorsFile moments(momentBytes, optimizerPath);
        const auto read = [&](const char* prefix, nn::FlatArray<float>& into) {
            if (!moments.has(prefix + parameters.infos().front().name)) return;
            into.resize(parameters.size());
            for (const nn::ParameterInfo& info : parameters.infos()) {
                moments.copyFloats(prefix + info.name, shapeOf(info), into.data() + info.offset);
            }
        };
        read("m.", m);
        read("v.", v);
    }
    trainer.optimizer().restore(optimizerSteps, std::move(m), std::move(v));
    trainer.setStepsDone(json.value("step", std::size_t(0)));
    std::istringstream randomState(json.value("data_random_state", std::string()));
    randomState >> session->random_;
    if (!randomState) throw LocatedError(jsonWhere, "data_random_state is not a random generator's state");
    return session;
}

}  // namespace pretrainlab::train
