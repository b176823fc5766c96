// Optimizers, schedules, memory accounting, the trainer (accumulation, divergence, determinism,
// freezing) and the objectives' batches.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <random>

#include "core/data/objectives.hpp"
#include "core/optim/memory.hpp"
#include "core/train/session.hpp"
#include "core/train/tiny_models.hpp"
#include "core/train/trainer.hpp"

using namespace pretrainlab;
using nn::Index;
using Flat = nn::FlatArray<double>;

namespace {

nn::ModelConfig tinyConfig(nn::Architecture architecture) {
    nn::ModelConfig config;
    config.architecture = architecture;
    config.vocabulary = 64;
    config.width = 16;
    config.layers = 2;
    config.heads = 2;
    config.context = 16;
    return config;
}

std::vector<std::int32_t> randomStream(std::size_t n, std::int32_t vocabulary, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<std::int32_t> token(0, vocabulary - 1);
    std::vector<std::int32_t> stream(n);
    for (auto& t : stream) t = token(random);
    return stream;
}

nn::Batch batchFor(nn::Architecture architecture, Index vocabulary, Index sequences, Index length, std::uint64_t seed) {
    Index text = 0;
    const data::SpecialTokens specials = data::reserveSpecialTokens(vocabulary, architecture, text, 4);
    std::mt19937_64 random(seed);
    return data::randomBatch(architecture, text, sequences, length, specials, random);
}

double maxDifference(const nn::FlatArray<float>& a, const nn::FlatArray<float>& b) {
    double largest = 0;
    for (std::size_t i = 0; i < a.size(); ++i) largest = std::max(largest, double(std::abs(a[i] - b[i])));
    return largest;
}

}  // namespace

class TestTraining : public QObject {
    Q_OBJECT

private slots:
    // ---- optimizers, by hand from the equations ----
    void sgdAndMomentumFollowTheirEquations() {
        const Flat g1{0.5, -2.0, 0.0};
        const Flat g2{1.0, 1.0, -1.0};
        const double eta = 0.1;
        const double mu = 0.9;
        {
            optim::Optimizer<double> sgd({optim::OptimizerKind::Sgd}, 3);
            Flat theta{1.0, 2.0, 3.0};
            sgd.step(theta, g1, eta);
            QCOMPARE(theta[0], 1.0 - 0.1 * 0.5);
            QCOMPARE(theta[1], 2.0 + 0.2);
            QCOMPARE(theta[2], 3.0);
            QCOMPARE(sgd.stateBytes(), std::size_t(0));
        }
        {
            optim::OptimizerOptions options{optim::OptimizerKind::Momentum};
            options.momentum = mu;
            optim::Optimizer<double> momentum(options, 3);
            Flat theta{1.0, 2.0, 3.0};
            momentum.step(theta, g1, eta);
            momentum.step(theta, g2, eta);
            for (std::size_t i = 0; i < 3; ++i) {
                const double b1 = g1[i];
                const double b2 = mu * b1 + g2[i];
                QVERIFY(std::abs(theta[i] - ((1.0 + double(i)) - eta * b1 - eta * b2)) < 1e-15);
            }
            QCOMPARE(momentum.stateBytes(), 3 * sizeof(double));
        }
    }

    void adamFollowsEquationsOneToFour() {
        optim::OptimizerOptions options{optim::OptimizerKind::Adam};
        optim::Optimizer<double> adam(options, 2);
        Flat theta{0.5, -0.5};
        const std::vector<Flat> grads{{0.1, -3.0}, {0.2, 1.0}, {-0.3, 0.5}};
        Flat m(2, 0.0), v(2, 0.0), expected = theta;
        const double eta = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        for (std::size_t t = 1; t <= grads.size(); ++t) {
            adam.step(theta, grads[t - 1], eta);
            for (std::size_t i = 0; i < 2; ++i) {
                m[i] = b1 * m[i] + (1 - b1) * grads[t - 1][i];
                v[i] = b2 * v[i] + (1 - b2) * grads[t - 1][i] * grads[t - 1][i];
                const double mHat = m[i] / (1 - std::pow(b1, double(t)));
                const double vHat = v[i] / (1 - std::pow(b2, double(t)));
                expected[i] -= eta * mHat / (std::sqrt(vHat) + eps);
            }
        }
        for (std::size_t i = 0; i < 2; ++i) {
            QVERIFY(std::abs(theta[i] - expected[i]) < 1e-14);
            QVERIFY(std::abs(adam.firstMoment()[i] - m[i]) < 1e-15);
            QVERIFY(std::abs(adam.secondMoment()[i] - v[i]) < 1e-15);
        }
        // Bias correction: the first step moves every parameter by about η, whatever its gradient's size.
        optim::Optimizer<double> fresh(options, 2);
        Flat start{0.0, 0.0};
        fresh.step(start, {1e-3, 1e3}, eta);
        QVERIFY(std::abs(start[0] + eta) < 1e-7);
        QVERIFY(std::abs(start[1] + eta) < 1e-7);
        QCOMPARE(adam.stateBytes(), 4 * sizeof(double));
    }

    void adamWDecaysApartFromTheGradient() {
        // With a zero gradient Adam's step is 0, so AdamW moves θ by the decay alone.
        optim::OptimizerOptions options{optim::OptimizerKind::AdamW};
        options.weightDecay = 0.1;
        optim::Optimizer<double> adamw(options, 1);
        Flat theta{2.0};
        adamw.step(theta, {0.0}, 0.5);
        QCOMPARE(theta[0], 2.0 * (1.0 - 0.5 * 0.1));
        // Adam with L2 puts λθ into the gradient, so the moments see it and the step is about η.
        options.kind = optim::OptimizerKind::Adam;
        optim::Optimizer<double> adam(options, 1);
        Flat other{2.0};
        adam.step(other, {0.0}, 0.5);
        QVERIFY(std::abs(other[0] - 1.5) < 1e-6);
    }

    void frozenRangesStayPut() {
        optim::Optimizer<double> sgd({optim::OptimizerKind::Sgd}, 6);
        sgd.setFrozen({{1, 3}, {5, 6}});
        Flat theta(6, 1.0);
        sgd.step(theta, Flat(6, 1.0), 0.5);
        QVERIFY(theta == (Flat{0.5, 1.0, 1.0, 0.5, 0.5, 1.0}));
    }

    void clippingScalesToTheNorm() {
        Flat g{3.0, 4.0};
        QCOMPARE(optim::clipGradientNorm(g, 1.0), 5.0);
        QVERIFY(std::abs(std::hypot(g[0], g[1]) - 1.0) < 1e-6);
        QVERIFY(std::abs(g[0] / g[1] - 0.75) < 1e-12);
        Flat small{0.3, 0.4};
        optim::clipGradientNorm(small, 1.0);
        QVERIFY(small == (Flat{0.3, 0.4}));
    }

    // ---- schedules ----
    void schedulesHaveTheirShapes() {
        using optim::ScheduleKind;
        const double peak = 1e-3;
        optim::Schedule s{ScheduleKind::Linear, peak, 10, 110};
        QCOMPARE(s.at(1), peak / 10);
        QCOMPARE(s.at(5), peak / 2);
        QCOMPARE(s.at(10), peak);
        QVERIFY(std::abs(s.at(60) - peak / 2) < 1e-15);
        QCOMPARE(s.at(110), 0.0);
        QCOMPARE(s.at(500), 0.0);
        for (std::size_t t = 11; t < 110; ++t) QVERIFY(s.at(t + 1) < s.at(t));

        s.kind = ScheduleKind::Cosine;
        s.floor = 1e-4;
        QCOMPARE(s.at(10), peak);
        QVERIFY(std::abs(s.at(60) - (peak + 1e-4) / 2) < 1e-15);
        QVERIFY(std::abs(s.at(110) - 1e-4) < 1e-15);

        s.kind = ScheduleKind::Exponential;
        QVERIFY(std::abs(s.at(110) - 0.01 * peak) < 1e-12);
        QVERIFY(std::abs(s.at(12) / s.at(11) - s.at(50) / s.at(49)) < 1e-12);  // a constant factor

        s.kind = ScheduleKind::InverseSqrt;
        QCOMPARE(s.at(10), peak);
        QVERIFY(std::abs(s.at(40) - peak / 2) < 1e-15);

        s.kind = ScheduleKind::Constant;
        QCOMPARE(s.at(3), 3 * peak / 10);
        QCOMPARE(s.at(1000), peak);
        for (const auto kind : {ScheduleKind::Constant, ScheduleKind::Linear, ScheduleKind::Cosine,
                                ScheduleKind::Exponential, ScheduleKind::InverseSqrt}) {
            QCOMPARE(optim::parseSchedule(optim::scheduleName(kind)), std::optional(kind));
        }
        QVERIFY(!optim::parseSchedule("step"));
    }

    // ---- memory ----
    void memoryOfSgdMomentumAndAdam() {
        const std::size_t billion = 1'000'000'000;
        QCOMPARE(optim::trainingMemory(billion, optim::OptimizerKind::Sgd).total(), 8 * billion);
        QCOMPARE(optim::trainingMemory(billion, optim::OptimizerKind::Momentum).total(), 12 * billion);
        QCOMPARE(optim::trainingMemory(billion, optim::OptimizerKind::Adam).total(), 16 * billion);
        QCOMPARE(optim::trainingMemory(billion, optim::OptimizerKind::AdamW).optimizerState, 8 * billion);
        QCOMPARE(optim::trainingMemory(10, optim::OptimizerKind::Adam, 2).parameters, std::size_t(20));

        nn::Transformer<float> model(tinyConfig(nn::Architecture::Decoder));
        train::TrainerOptions options;
        train::Trainer<float> trainer(model, options);
        const optim::TrainingMemory memory = trainer.memory();
        QCOMPARE(memory.parameters, model.parameters().size() * 4);
        QCOMPARE(memory.optimizerState, 2 * memory.parameters);
        trainer.step(batchFor(nn::Architecture::Decoder, 64, 4, 16, 1));
        QCOMPARE(trainer.optimizer().stateBytes(), memory.optimizerState);
    }

    // ---- the trainer ----
    void accumulationMatchesOneLargeBatch_data() {
        QTest::addColumn<int>("architecture");
        QTest::newRow("decoder") << int(nn::Architecture::Decoder);
        QTest::newRow("encoder") << int(nn::Architecture::Encoder);
        QTest::newRow("encdec") << int(nn::Architecture::EncoderDecoder);
    }
    void accumulationMatchesOneLargeBatch() {
        QFETCH(int, architecture);
        const auto arch = nn::Architecture(architecture);
        const nn::Batch whole = batchFor(arch, 64, 8, 16, 3);
        std::vector<nn::Batch> micro;
        for (Index i = 0; i < 4; ++i) micro.push_back(whole.slice(2 * i, 2));

        nn::Transformer<float> a(tinyConfig(arch), 5);
        nn::Transformer<float> b(tinyConfig(arch), 5);
        train::TrainerOptions options;
        options.schedule = {optim::ScheduleKind::Constant, 1e-3};
        options.threads = 1;
        train::Trainer<float> big(a, options);
        train::Trainer<float> accumulated(b, options);
        for (int step = 0; step < 3; ++step) {
            const auto one = big.step(whole);
            const auto four = accumulated.step(micro);
            const auto& m1 = std::get<train::StepMetrics>(one);
            const auto& m4 = std::get<train::StepMetrics>(four);
            QVERIFY(std::abs(m1.loss - m4.loss) < 1e-5 * m1.loss);
            QCOMPARE(m1.tokensWithLoss, m4.tokensWithLoss);
            QVERIFY2(maxDifference(big.gradients(), accumulated.gradients()) < 1e-6,
                     std::to_string(maxDifference(big.gradients(), accumulated.gradients())).c_str());
        }
        QVERIFY(maxDifference(a.parameters().values(), b.parameters().values()) < 1e-5);
        // The micro-batches keep a quarter of the activations.
        QVERIFY(accumulated.activationBytes() * 3 < big.activationBytes());
    }

    void divergenceStopsTheStepBeforeTheWeightsChange() {
        nn::Transformer<float> model(tinyConfig(nn::Architecture::Decoder), 2);
        train::TrainerOptions options;
        options.optimizer.kind = optim::OptimizerKind::Sgd;
        options.schedule = {optim::ScheduleKind::Constant, 1e9};
        train::Trainer<float> trainer(model, options);
        const nn::Batch batch = batchFor(nn::Architecture::Decoder, 64, 4, 16, 7);
        std::optional<train::Divergence> divergence;
        nn::FlatArray<float> before;
        for (int step = 0; step < 20 && !divergence; ++step) {
            before = model.parameters().values();
            const auto outcome = trainer.step(batch);
            if (auto* d = std::get_if<train::Divergence>(&outcome)) divergence = *d;
        }
        QVERIFY2(divergence.has_value(), "a learning rate of 1e9 should diverge");
        QCOMPARE(divergence->step, trainer.stepsDone() + 1);
        QVERIFY(!std::isfinite(divergence->value));
        QVERIFY(divergence->quantity == "loss" || divergence->quantity == "gradient norm");
        QVERIFY(divergence->message().find("Step " + std::to_string(divergence->step)) != std::string::npos);
        QVERIFY(std::memcmp(before.data(), model.parameters().values().data(), before.size() * sizeof(float)) == 0);

        // A non-finite weight makes the loss non-finite at once.
        nn::Transformer<float> broken(tinyConfig(nn::Architecture::Decoder), 2);
        broken.parameters().values()[5] = std::numeric_limits<float>::infinity();
        train::Trainer<float> second(broken, {});
        const auto outcome = second.step(batch);
        QVERIFY(std::holds_alternative<train::Divergence>(outcome));
        QCOMPARE(std::get<train::Divergence>(outcome).step, std::size_t(1));
        QCOMPARE(second.stepsDone(), std::size_t(0));
    }

    void sameSeedGivesTheSameLossCurve_data() {
        QTest::addColumn<unsigned>("threads");
        QTest::newRow("one thread") << 1u;
        QTest::newRow("two threads") << 2u;
    }
    void sameSeedGivesTheSameLossCurve() {
        QFETCH(unsigned, threads);
        const auto curve = [threads](double dropout) {
            nn::ModelConfig config = tinyConfig(nn::Architecture::Encoder);
            config.dropout = dropout;
            nn::Transformer<float> model(config, 11);
            train::TrainerOptions options;
            options.threads = threads;
            options.seed = 4;
            options.schedule = {optim::ScheduleKind::Linear, 1e-2, 2, 8};
            train::Trainer<float> trainer(model, options);
            const nn::Batch batch = batchFor(nn::Architecture::Encoder, 64, 6, 16, 100);  // learnt by heart
            std::vector<double> losses;
            for (int step = 0; step < 8; ++step) {
                const auto outcome = trainer.step(batch);
                losses.push_back(std::get<train::StepMetrics>(outcome).loss);
            }
            return losses;
        };
        for (const double dropout : {0.0, 0.1}) {
            const auto first = curve(dropout);
            const auto second = curve(dropout);
            QVERIFY(std::memcmp(first.data(), second.data(), first.size() * sizeof(double)) == 0);
            QVERIFY(first.back() < first.front());  // and it learns
        }
    }

    // Dropout regularizes training only: a forward without gradients (evaluation, probes, attention
    // maps, generation) is the whole network, the same every time and the same as without dropout.
    void inferenceDoesNotDrop_data() {
        QTest::addColumn<int>("architecture");
        QTest::newRow("decoder") << int(nn::Architecture::Decoder);
        QTest::newRow("encoder") << int(nn::Architecture::Encoder);
        QTest::newRow("encoder-decoder") << int(nn::Architecture::EncoderDecoder);
    }
    void inferenceDoesNotDrop() {
        QFETCH(int, architecture);
        const auto arch = nn::Architecture(architecture);
        nn::ModelConfig config = tinyConfig(arch);
        config.dropout = 0.5;
        nn::Transformer<float> dropping(config, 5);
        config.dropout = 0;
        nn::Transformer<float> whole(config, 5);
        QVERIFY(dropping.parameters().values() == whole.parameters().values());
        const nn::Batch batch = batchFor(arch, 64, 3, 12, 2);
        nn::Transformer<float>::Workspace a, b, c;
        const nn::Losses first = dropping.run(batch, a, nullptr, 1.0, 0.0);
        const nn::Losses second = dropping.run(batch, b, nullptr, 1.0, 0.0);
        const nn::Losses reference = whole.run(batch, c, nullptr, 1.0, 0.0);
        QCOMPARE(first.tokenSum, reference.tokenSum);
        QCOMPARE(second.tokenSum, reference.tokenSum);
        QVERIFY(dropping.logits(a) == whole.logits(c));
        // while training it does drop: the loss with gradients differs from the whole network's
        nn::FlatArray<float> gradients(dropping.parameters().size(), 0.0f);
        const nn::Losses training = dropping.run(batch, a, &gradients, 1.0, 0.0);
        QVERIFY(training.tokenSum != reference.tokenSum);
    }

    // The attention lesson's tiny models: each recipe's length, peak, warmup, starting σ and β₂
    // reach its run (what the recipe leaves at 0 stays the run settings' default), and the model
    // built for it starts with weights of that spread.
    void tinyModelRecipesReachTheirRuns() {
        for (const nn::Architecture arch : {nn::Architecture::Encoder, nn::Architecture::Decoder}) {
            const train::TinyModelRecipe recipe = train::tinyModelRecipe(arch);
            const train::RunSettings defaults = train::toyWorldRun(arch, recipe.steps, recipe.peak);
            const train::RunSettings settings = train::tinyModelRun(recipe, 1, 7);
            QCOMPARE(settings.model.architecture, arch);
            QCOMPARE(settings.steps, recipe.steps);
            QCOMPARE(settings.trainer.schedule.total, recipe.steps);
            QCOMPARE(settings.trainer.schedule.peak, recipe.peak);
            QCOMPARE(settings.trainer.seed, std::uint64_t(7));
            QCOMPARE(settings.trainer.schedule.warmup, recipe.warmup > 0 ? recipe.warmup : defaults.trainer.schedule.warmup);
            const double sigma = recipe.initialStd > 0 ? recipe.initialStd : defaults.model.initialStd;
            QCOMPARE(settings.model.initialStd, sigma);
            QCOMPARE(settings.trainer.optimizer.beta2, recipe.beta2);

            const train::TrainingSession session(settings);
            const auto bundle = train::snapshotOf(session, "at the start");
            const auto& parameters = bundle->model->parameters();
            const nn::ParameterInfo* qkv = parameters.find("blocks.0.attention.qkv.weight");
            QVERIFY(qkv);
            const float* w = parameters.values().data() + qkv->offset;
            double sum = 0, squares = 0;
            for (std::size_t i = 0; i < qkv->size(); ++i) {
                sum += w[i];
                squares += double(w[i]) * w[i];
            }
            const double n = double(qkv->size());
            const double spread = std::sqrt(squares / n - (sum / n) * (sum / n));
            QVERIFY2(std::abs(spread / sigma - 1) < 0.05, qPrintable(QString::number(spread)));
        }
        // the decoder's recipe keeps GPT-2's σ, narrower than the encoder's recipe's, itself narrower
        // than the run settings' default; every recipe keeps Adam's β₂ 0.999, not the default 0.95
        const train::RunSettings defaults = train::toyWorldRun(nn::Architecture::Encoder, 1);
        QCOMPARE(train::tinyModelRecipe(nn::Architecture::Decoder).initialStd, train::gpt2InitialStd);
        QVERIFY(train::gpt2InitialStd < train::tinyModelRecipe(nn::Architecture::Encoder).initialStd);
        QVERIFY(train::tinyModelRecipe(nn::Architecture::Encoder).initialStd < defaults.model.initialStd);
        for (const nn::Architecture arch :
             {nn::Architecture::Encoder, nn::Architecture::Decoder, nn::Architecture::EncoderDecoder}) {
            QCOMPARE(train::tinyModelRun(train::tinyModelRecipe(arch), 1).trainer.optimizer.beta2, 0.999);
        }
        QCOMPARE(defaults.trainer.optimizer.beta2, 0.95);
    }

    void frozenGroupsAreNotTrained() {
        nn::ModelConfig config = tinyConfig(nn::Architecture::Encoder);
        config.classes = 3;
        config.tags = 0;
        nn::Transformer<float> model(config, 3);
        train::TrainerOptions options;
        options.frozenGroups = {"embeddings", "blocks", "final_norm", "head"};  // a linear probe
        train::Trainer<float> trainer(model, options);
        const nn::FlatArray<float> before = model.parameters().values();
        nn::Batch batch = batchFor(nn::Architecture::Encoder, 64, 4, 16, 9);
        batch.sequenceLabels = {0, 1, 2, 1};
        QVERIFY(std::holds_alternative<train::StepMetrics>(trainer.step(batch)));
        for (const nn::ParameterInfo& info : model.parameters().infos()) {
            const bool changed = std::memcmp(before.data() + info.offset, model.parameters().values().data() + info.offset,
                                             info.size() * sizeof(float)) != 0;
            QVERIFY2(changed == (info.group == "task"), info.name.c_str());
        }
    }

    // ---- objectives ----
    void nextTokenTargetsAreTheFollowingTokens() {
        const auto stream = randomStream(500, 50, 1);
        std::mt19937_64 random(2);
        const nn::Batch batch = data::nextTokenBatch(stream, 3, 10, random);
        QCOMPARE(batch.tokensWithLoss(), Index(30));
        for (Index s = 0; s < 3; ++s) {
            for (Index t = 0; t + 1 < 10; ++t) QCOMPARE(batch.targets[s * 10 + t], batch.tokens[s * 10 + t + 1]);
        }
    }

    void maskingPicksFifteenPercentAndMixesReplacements() {
        Index vocabulary = 1000;
        const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, nn::Architecture::Encoder);
        const auto stream = randomStream(200000, 1000, 3);
        std::mt19937_64 random(4);
        data::MaskingOptions options;
        options.textVocabulary = 1000;
        const nn::Batch batch = data::maskedLmBatch(stream, 400, 128, options, specials, random);
        Index picked = 0, masked = 0, kept = 0, replaced = 0, text = 0;
        for (std::size_t i = 0; i < batch.tokens.size(); ++i) {
            const bool special = i % 128 == 0 || i % 128 == 127;
            if (special) {
                QCOMPARE(batch.targets[i], -1);  // [CLS] and [SEP] never become targets
                continue;
            }
            ++text;
            if (batch.targets[i] < 0) {
                QVERIFY(batch.tokens[i] < 1000);
                continue;
            }
            ++picked;
            if (batch.tokens[i] == specials.mask) ++masked;
            else if (batch.tokens[i] == batch.targets[i]) ++kept;
            else ++replaced;
        }
        QCOMPARE(batch.tokensWithLoss(), picked);
        const double rate = double(picked) / double(text);
        QVERIFY2(std::abs(rate - 0.15) < 0.005, std::to_string(rate).c_str());
        QVERIFY(std::abs(double(masked) / double(picked) - 0.8) < 0.01);
        // "unchanged" also gets the random replacements that drew the same token (1 in 1000)
        QVERIFY(std::abs(double(kept) / double(picked) - 0.1) < 0.01);
        QVERIFY(std::abs(double(replaced) / double(picked) - 0.1) < 0.01);

        options.maskShare = 1.0;
        options.randomShare = 0.0;
        const nn::Batch maskOnly = data::maskedLmBatch(stream, 50, 64, options, specials, random);
        for (std::size_t i = 0; i < maskOnly.tokens.size(); ++i) {
            if (maskOnly.targets[i] >= 0) QCOMPARE(maskOnly.tokens[i], specials.mask);
        }
    }

    void sentencePairsAreHalfNextHalfRandom() {
        Index vocabulary = 100;
        const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, nn::Architecture::Encoder);
        std::vector<std::vector<std::int32_t>> sentences;
        for (std::int32_t i = 0; i < 90; ++i) sentences.push_back({i, i, i});  // sentence i is "i i i"
        std::mt19937_64 random(6);
        data::MaskingOptions options;
        options.rate = 0.0;
        const nn::Batch batch = data::sentencePairBatch(sentences, 2000, 12, options, specials, random);
        Index next = 0;
        for (Index s = 0; s < 2000; ++s) {
            const auto at = [&](Index t) { return batch.tokens[static_cast<std::size_t>(s * 12 + t)]; };
            const auto segment = [&](Index t) { return batch.segments[static_cast<std::size_t>(s * 12 + t)]; };
            QCOMPARE(at(0), specials.cls);
            QCOMPARE(at(4), specials.sep);
            QCOMPARE(at(8), specials.sep);
            QCOMPARE(segment(3), 0);
            QCOMPARE(segment(5), 1);
            QCOMPARE(at(9), specials.pad);
            QCOMPARE(batch.padding[static_cast<std::size_t>(s * 12 + 9)], std::uint8_t(1));
            const bool isNext = at(5) == at(1) + 1;
            if (batch.sequenceLabels[static_cast<std::size_t>(s)] == 1) QVERIFY(isNext);
            next += batch.sequenceLabels[static_cast<std::size_t>(s)];
        }
        QVERIFY(std::abs(double(next) / 2000 - 0.5) < 0.04);
    }

    void spanCorruptionRebuildsTheWindow() {
        Index vocabulary = 500;
        const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, nn::Architecture::EncoderDecoder);
        std::vector<std::int32_t> stream(1000);
        std::iota(stream.begin(), stream.end(), 0);
        for (auto& t : stream) t %= 500;
        std::mt19937_64 random(8);
        const Index length = 40;
        const nn::Batch batch = data::spanCorruptionBatch(stream, 50, length, {}, specials, random);
        const auto isSentinel = [&](std::int32_t t) {
            return t >= specials.firstSentinel && t < specials.firstSentinel + specials.sentinels;
        };
        Index corrupted = 0;
        for (Index s = 0; s < 50; ++s) {
            const auto input = std::vector<std::int32_t>(batch.tokens.begin() + s * length, batch.tokens.begin() + (s + 1) * length);
            const auto target = std::vector<std::int32_t>(batch.decoderTargets.begin() + s * batch.targetLength,
                                                          batch.decoderTargets.begin() + (s + 1) * batch.targetLength);
            QCOMPARE(target.front(), specials.firstSentinel);
            QVERIFY(isSentinel(target.back()));
            QCOMPARE(batch.decoderTokens[static_cast<std::size_t>(s * batch.targetLength)], specials.bos);
            for (Index u = 1; u < batch.targetLength; ++u) {  // the decoder reads the target shifted right
                QCOMPARE(batch.decoderTokens[static_cast<std::size_t>(s * batch.targetLength + u)], target[static_cast<std::size_t>(u - 1)]);
            }
            // Put each span back where its sentinel stands: the window comes back, in order.
            std::map<std::int32_t, std::vector<std::int32_t>> spans;
            std::int32_t current = -1;
            for (const std::int32_t t : target) {
                if (isSentinel(t)) current = t;
                else spans[current].push_back(t), ++corrupted;
            }
            std::vector<std::int32_t> rebuilt;
            for (Index t = 0; t < length; ++t) {
                const std::int32_t token = input[static_cast<std::size_t>(t)];
                if (batch.padding[static_cast<std::size_t>(s * length + t)]) {
                    QCOMPARE(token, specials.pad);
                } else if (isSentinel(token)) {
                    QVERIFY(!spans[token].empty());
                    rebuilt.insert(rebuilt.end(), spans[token].begin(), spans[token].end());
                } else {
                    rebuilt.push_back(token);
                }
            }
            QCOMPARE(Index(rebuilt.size()), length);
            for (std::size_t i = 1; i < rebuilt.size(); ++i) QCOMPARE(rebuilt[i], (rebuilt[i - 1] + 1) % 500);
        }
        QCOMPARE(corrupted, 50 * 6);  // 15% of 40 tokens, rounded
    }
};

QTEST_APPLESS_MAIN(TestTraining)
#include "test_training.moc"
