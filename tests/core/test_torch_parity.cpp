// The engine against PyTorch: fixtures written by tests/reference/make_fixtures.py from PyTorch's
// own layers hold the weights, a batch, the logits, the loss, every gradient, and the parameters
// after three Adam and AdamW steps under a warmup schedule. Double precision must agree element
// by element; float to 1e-4 of each tensor's largest magnitude.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/train/trainer.hpp"

using namespace pretrainlab;
using nn::Index;
using Json = nlohmann::json;

namespace {

constexpr double tolerance = 1e-4;
const char* const cases[] = {"decoder_causal",  "decoder_prefix_classifier", "encoder_mlm_nsp",
                             "encoder_classifier_tagger", "encdec", "encdec_post_ln"};

Json load(const std::string& name) {
    std::ifstream in(std::string(PRETRAINLAB_TEST_DATA) + "/torch/" + name + ".json");
    if (!in) throw std::runtime_error("missing fixture " + name);
    return Json::parse(in);
}

nn::ModelConfig configOf(const Json& c) {
    nn::ModelConfig config;
    config.architecture = *nn::parseArchitecture(c.at("architecture").get<std::string>());
    config.vocabulary = c.at("vocab");
    config.width = c.at("d");
    config.heads = c.at("heads");
    config.layers = c.at("layers");
    config.decoderLayers = c.at("decoder_layers");
    config.context = c.at("ctx");
    config.preNorm = c.at("pre_norm");
    config.nextSentenceHead = c.at("nsp");
    config.classes = c.at("classes");
    config.tags = c.at("tags");
    return config;
}

nn::Batch batchOf(const Json& b) {
    nn::Batch batch;
    batch.sequences = b.at("sequences");
    batch.length = b.at("length");
    batch.tokens = b.at("tokens").get<std::vector<std::int32_t>>();
    batch.segments = b.at("segments").get<std::vector<std::int32_t>>();
    batch.targets = b.at("targets").get<std::vector<std::int32_t>>();
    batch.padding = b.at("padding").get<std::vector<std::uint8_t>>();
    batch.prefixLength = b.at("prefix_length");
    batch.targetLength = b.at("target_length");
    batch.decoderTokens = b.at("decoder_tokens").get<std::vector<std::int32_t>>();
    batch.decoderTargets = b.at("decoder_targets").get<std::vector<std::int32_t>>();
    batch.sequenceLabels = b.at("sequence_labels").get<std::vector<std::int32_t>>();
    return batch;
}

// Every parameter of the engine gets its value from the fixture; the two must list the same ones.
template <typename S>
void loadParameters(nn::Parameters<S>& parameters, const Json& values) {
    QCOMPARE(values.size(), parameters.infos().size());
    for (const nn::ParameterInfo& info : parameters.infos()) {
        QVERIFY2(values.contains(info.name), ("the fixture lacks " + info.name).c_str());
        const Json& entry = values.at(info.name);
        QCOMPARE(entry.at("shape")[0].get<Index>(), info.rows);
        QCOMPARE(entry.at("shape")[1].get<Index>(), info.cols);
        const auto flat = entry.at("values").get<std::vector<double>>();
        for (std::size_t i = 0; i < flat.size(); ++i) parameters.values()[info.offset + i] = static_cast<S>(flat[i]);
    }
}

// What differs most between `actual` and `expected`, as a message; empty when they agree.
// Double: each element within 1e-4 of its own size (plus 1e-12). Float: within 1e-4 of the
// tensor's largest magnitude, since float rounding is relative to the values that were summed.
template <typename S>
std::string compare(const std::string& what, const S* actual, const std::vector<double>& expected) {
    double largest = 0;
    for (const double e : expected) largest = std::max(largest, std::abs(e));
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const double a = double(actual[i]);
        const double e = expected[i];
        const double allowed = std::is_same_v<S, double> ? tolerance * std::abs(e) + 1e-12 : tolerance * largest + 1e-12;
        if (!(std::abs(a - e) <= allowed)) {
            return what + "[" + std::to_string(i) + "] is " + std::to_string(a) + ", PyTorch has " + std::to_string(e) +
                   " (largest " + std::to_string(largest) + ")";
        }
    }
    return {};
}

template <typename S>
void checkParameters(const nn::Parameters<S>& parameters, const nn::FlatArray<S>& flat, const Json& expected,
                     const std::string& what) {
    for (const nn::ParameterInfo& info : parameters.infos()) {
        const auto values = expected.at(info.name).at("values").get<std::vector<double>>();
        const std::string problem = compare(what + " " + info.name, flat.data() + info.offset, values);
        QVERIFY2(problem.empty(), problem.c_str());
    }
}

template <typename S>
void checkForwardAndBackward(const Json& fixture) {
    nn::Transformer<S> model(configOf(fixture.at("config")));
    loadParameters(model.parameters(), fixture.at("parameters"));
    if (QTest::currentTestFailed()) return;
    const nn::Batch batch = batchOf(fixture.at("batch"));
    typename nn::Transformer<S>::Workspace workspace;
    nn::FlatArray<S> gradients(model.parameters().size(), S(0));
    const Index tokens = batch.tokensWithLoss();
    const double tokenScale = tokens ? 1.0 / double(tokens) : 0.0;
    const double sequenceScale = batch.sequenceLabels.empty() ? 0.0 : 1.0 / double(batch.sequences);
    // Forward alone first: with gradients, run() leaves dLoss/dlogits where the logits were.
    const nn::Losses forward = model.run(batch, workspace, nullptr, tokenScale, sequenceScale);

    const double loss = fixture.at("loss");
    QVERIFY2(std::abs(forward.total() - loss) <= tolerance * std::abs(loss),
             (std::to_string(forward.total()) + " against PyTorch's " + std::to_string(loss)).c_str());
    if (!fixture.at("logits").is_null()) {
        const auto expected = fixture.at("logits").at("values").get<std::vector<double>>();
        const nn::Matrix<S>& logits = model.logits(workspace);
        QCOMPARE(std::size_t(logits.size()), expected.size());
        const std::string problem = compare("logits", logits.data(), expected);  // both row-major
        QVERIFY2(problem.empty(), problem.c_str());
    }
    if (!fixture.at("sequence_logits").is_null()) {
        const auto expected = fixture.at("sequence_logits").at("values").get<std::vector<double>>();
        const nn::Matrix<S>& logits = model.sequenceLogits(workspace);
        QCOMPARE(std::size_t(logits.size()), expected.size());
        const std::string problem = compare("sequence logits", logits.data(), expected);
        QVERIFY2(problem.empty(), problem.c_str());
    }
    const nn::Losses losses = model.run(batch, workspace, &gradients, tokenScale, sequenceScale);
    QVERIFY(std::abs(losses.total() - forward.total()) <= 1e-6 * std::abs(forward.total()));
    checkParameters(model.parameters(), gradients, fixture.at("gradients"), "gradient of");
}

}  // namespace

class TestTorchParity : public QObject {
    Q_OBJECT

private slots:
    void forwardAndBackward_data() {
        QTest::addColumn<QString>("name");
        for (const char* name : cases) QTest::newRow(name) << QString(name);
    }
    void forwardAndBackward() {
        QFETCH(QString, name);
        const Json fixture = load(name.toStdString());
        checkForwardAndBackward<double>(fixture);
        checkForwardAndBackward<float>(fixture);
    }

    // Three optimizer steps through the trainer (two shards, so the gradient reduce is in it too).
    void optimizerSteps_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("optimizer");
        for (const char* name : cases) {
            QTest::newRow((std::string(name) + " adam").c_str()) << QString(name) << QString("adam");
            QTest::newRow((std::string(name) + " adamw").c_str()) << QString(name) << QString("adamw");
        }
    }
    void optimizerSteps() {
        QFETCH(QString, name);
        QFETCH(QString, optimizer);
        const Json fixture = load(name.toStdString());
        const Json& run = fixture.at("optimizer");
        nn::Transformer<double> model(configOf(fixture.at("config")));
        loadParameters(model.parameters(), fixture.at("parameters"));
        train::TrainerOptions options;
        options.optimizer.kind = *optim::parseOptimizer(optimizer.toStdString());
        options.optimizer.weightDecay = run.at(optimizer.toStdString() + "_weight_decay");
        options.schedule = {optim::ScheduleKind::Linear, run.at("peak"), run.at("warmup"), run.at("total")};
        options.threads = 2;
        train::Trainer<double> trainer(model, options);
        const nn::Batch batch = batchOf(fixture.at("batch"));
        for (int step = 0; step < run.at("steps").get<int>(); ++step) {
            const train::StepOutcome outcome = trainer.step(batch);
            QVERIFY(std::holds_alternative<train::StepMetrics>(outcome));
        }
        checkParameters(model.parameters(), model.parameters().values(),
                        fixture.at("after_steps").at(optimizer.toStdString()), optimizer.toStdString() + ":");
    }
};

QTEST_APPLESS_MAIN(TestTorchParity)
#include "test_torch_parity.moc"
