// Training sessions: resuming gives the identical curve, saves are atomic, damaged checkpoints
// are refused with a message naming the file, safetensors files follow the format, probes answer.
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/train/safetensors.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/session.hpp"

using namespace pretrainlab;
using train::RunSettings;
using train::TrainingSession;

namespace {

RunSettings toyRun(nn::Architecture architecture = nn::Architecture::Decoder) {
    RunSettings settings;
    settings.applyPreset("tiny");
    settings.model.architecture = architecture;
    settings.model.width = 32;
    settings.model.context = 24;
    settings.batch = 8;
    settings.steps = 12;
    settings.corpus = train::toyWorldCorpus;
    settings.toyWorldBytes = 100'000;
    settings.trainer.threads = 1;
    settings.trainer.seed = 5;
    settings.trainer.schedule = {optim::ScheduleKind::Cosine, 2e-3, 3};
    return settings;
}

std::vector<double> losses(TrainingSession& session, std::size_t steps) {
    std::vector<double> out;
    for (std::size_t i = 0; i < steps; ++i) out.push_back(std::get<train::StepMetrics>(session.step()).loss);
    return out;
}

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return {};
}

}  // namespace

class TestSession : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;
    std::string path(const char* name) const { return folder_.filePath(name).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    void resumingContinuesTheIdenticalCurve_data() {
        QTest::addColumn<int>("architecture");
        QTest::addColumn<QString>("optimizer");
        QTest::addColumn<QString>("precision");
        QTest::newRow("decoder adamw") << int(nn::Architecture::Decoder) << "adamw" << "fp32";
        QTest::newRow("encoder momentum") << int(nn::Architecture::Encoder) << "momentum" << "fp32";
        QTest::newRow("encdec sgd") << int(nn::Architecture::EncoderDecoder) << "sgd" << "fp32";
        // Mixed precision: the checkpoint holds the fp32 master copy and the loss scaler's state.
        QTest::newRow("decoder adamw fp16") << int(nn::Architecture::Decoder) << "adamw" << "fp16";
        QTest::newRow("encoder adam bf16") << int(nn::Architecture::Encoder) << "adam" << "bf16";
    }
    void resumingContinuesTheIdenticalCurve() {
        QFETCH(int, architecture);
        QFETCH(QString, optimizer);
        QFETCH(QString, precision);
        RunSettings settings = toyRun(nn::Architecture(architecture));
        settings.trainer.optimizer.kind = *optim::parseOptimizer(optimizer.toStdString());
        settings.trainer.precision = *optim::parseFormat(precision.toStdString());
        TrainingSession straight(settings);
        const std::vector<double> all = losses(straight, 12);

        TrainingSession first(settings);
        std::vector<double> halves = losses(first, 6);
        const std::string file = path("half.safetensors");
        train::saveCheckpoint(first, file);
        const auto resumed = train::loadCheckpoint(file);
        QCOMPARE(resumed->stepsDone(), std::size_t(6));
        const std::vector<double> rest = losses(*resumed, 6);
        halves.insert(halves.end(), rest.begin(), rest.end());
        QVERIFY(std::memcmp(all.data(), halves.data(), all.size() * sizeof(double)) == 0);
        QVERIFY(straight.model().parameters().values() == resumed->model().parameters().values());
    }

    void aSaveInterruptedBeforeTheRenamesLeavesTheOldCheckpoint() {
        TrainingSession session(toyRun());
        losses(session, 2);
        const std::string file = path("atomic.safetensors");
        train::saveCheckpoint(session, file);
        const std::string before = readFileBytes(file);
        losses(session, 3);
        const std::string problem = errorOf([&] { train::saveCheckpoint(session, file, [] { throw std::runtime_error("killed"); }); });
        QCOMPARE(problem, std::string("killed"));
        QCOMPARE(readFileBytes(file), before);
        QCOMPARE(train::loadCheckpoint(file)->stepsDone(), std::size_t(2));
        // The next save replaces the leftovers and the checkpoint.
        train::saveCheckpoint(session, file);
        QCOMPARE(train::loadCheckpoint(file)->stepsDone(), std::size_t(5));
    }

    void damagedCheckpointsAreRefusedByName() {
        TrainingSession session(toyRun());
        losses(session, 1);
        const std::string file = path("damaged.safetensors");
        train::saveCheckpoint(session, file);
        const std::string bytes = readFileBytes(file);

        writeFileAtomically(file, bytes.substr(0, bytes.size() / 2));
        std::string problem = errorOf([&] { train::loadCheckpoint(file); });
        QVERIFY2(problem.find(file) != std::string::npos && problem.find("truncated") != std::string::npos, problem.c_str());

        std::string flipped = bytes;
        flipped[bytes.size() - 5] ^= 0x40;
        writeFileAtomically(file, flipped);
        problem = errorOf([&] { train::loadCheckpoint(file); });
        QVERIFY2(problem.find(file) != std::string::npos && problem.find("corrupt") != std::string::npos, problem.c_str());

        writeFileAtomically(file, bytes);
        writeFileAtomically(train::checkpointJsonPath(file), "{\"format\": \"pretrainlab-checkpoint\", ");
        problem = errorOf([&] { train::loadCheckpoint(file); });
        QVERIFY2(problem.find("damaged.json") != std::string::npos && problem.find("JSON") != std::string::npos,
                 problem.c_str());

        problem = errorOf([&] { train::loadCheckpoint(path("missing.safetensors")); });
        QVERIFY2(problem.find("missing.json") != std::string::npos, problem.c_str());
    }

    void safetensorsFollowTheFormat() {
        TrainingSession session(toyRun());
        const std::string file = path("format.safetensors");
        train::saveCheckpoint(session, file);
        const std::string bytes = readFileBytes(file);
        // Read it as any reader would: the length, the JSON header, then the raw little-endian floats.
        std::uint64_t headerLength = 0;
        std::memcpy(&headerLength, bytes.data(), 8);
        QCOMPARE(headerLength % 8, std::uint64_t(0));
        const auto header = nlohmann::json::parse(bytes.substr(8, headerLength));
        const nn::Parameters<float>& parameters = session.model().parameters();
        QCOMPARE(header.size(), parameters.infos().size() + 1);  // + __metadata__
        std::size_t covered = 0;
        for (const nn::ParameterInfo& info : parameters.infos()) {
            const auto& entry = header.at(info.name);
            QCOMPARE(entry.at("dtype").get<std::string>(), std::string("F32"));
            const auto shape = entry.at("shape").get<std::vector<std::int64_t>>();
            QCOMPARE(std::size_t(shape.size() == 1 ? shape[0] : shape[0] * shape[1]), info.size());
            const auto offsets = entry.at("data_offsets").get<std::vector<std::size_t>>();
            QCOMPARE(offsets[1] - offsets[0], info.size() * 4);
            covered += offsets[1] - offsets[0];
            float first = 0;
            std::memcpy(&first, bytes.data() + 8 + headerLength + offsets[0], 4);
            QCOMPARE(first, parameters.values()[info.offset]);
        }
        QCOMPARE(covered, bytes.size() - 8 - headerLength);  // no holes
        QCOMPARE(header.at("blocks.0.mlp.fc.weight").at("shape").get<std::vector<int>>(), (std::vector<int>{32, 128}));
        QCOMPARE(header.at("blocks.0.mlp.fc.bias").at("shape").get<std::vector<int>>(), (std::vector<int>{128}));
    }

    void safetensorsErrorsSayWhat_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("says");
        const auto withHeader = [](const std::string& json, std::size_t data) {
            std::string bytes(8, '\0');
            const std::uint64_t n = json.size();
            std::memcpy(bytes.data(), &n, 8);
            return QByteArray::fromStdString(bytes + json + std::string(data, '\0'));
        };
        QTest::newRow("too short") << QByteArray("abc") << "too short";
        QTest::newRow("header too long") << withHeader("{}", 0).replace(0, 1, "\x7f") << "truncated";
        QTest::newRow("not JSON") << withHeader("{nope", 0) << "not valid JSON";
        QTest::newRow("beyond the data")
            << withHeader(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8) << "tensor 'w' needs bytes 0..16";
        QTest::newRow("shape against bytes")
            << withHeader(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", 16) << "needs 12 bytes";
        QTest::newRow("no offsets") << withHeader(R"({"w":{"dtype":"F32","shape":[4]}})", 16) << "lacks";
    }
    void safetensorsErrorsSayWhat() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, says);
        const std::string problem = errorOf([&] { train::SafetensorsFile(bytes.toStdString(), "x.safetensors"); });
        QVERIFY2(problem.find("x.safetensors") != std::string::npos && problem.find(says.toStdString()) != std::string::npos,
                 problem.c_str());
    }

    void wrongDtypeOrShapeIsNamed() {
        const float values[4] = {1, 2, 3, 4};
        const std::string bytes = train::safetensorsBytes({{"w", {2, 2}, values}});
        const train::SafetensorsFile file(bytes, "y.safetensors");
        QCOMPARE(file.floats("w", {2, 2}), (std::vector<float>{1, 2, 3, 4}));
        QVERIFY(errorOf([&] { file.floats("w", {4}); }).find("has shape [2, 2]; this model needs [4]") != std::string::npos);
        QVERIFY(errorOf([&] { file.floats("v", {4}); }).find("has no tensor 'v'") != std::string::npos);
    }

    void probesAnswerEveryItemForEachArchitecture_data() {
        QTest::addColumn<int>("architecture");
        QTest::newRow("decoder") << int(nn::Architecture::Decoder);
        QTest::newRow("encoder") << int(nn::Architecture::Encoder);
        QTest::newRow("encdec") << int(nn::Architecture::EncoderDecoder);
    }
    void probesAnswerEveryItemForEachArchitecture() {
        QFETCH(int, architecture);
        TrainingSession session(toyRun(nn::Architecture(architecture)));
        const train::ProbeReport report = session.probes();
        QCOMPARE(report.outcomes.size(), session.probeItems().size());
        QCOMPARE(report.outcomes.size(), std::size_t(5 + 5 * 40));
        for (const train::ProbeOutcome& outcome : report.outcomes) {
            QCOMPARE(outcome.top.size(), std::size_t(5));
            for (std::size_t k = 1; k < 5; ++k) QVERIFY(outcome.top[k - 1].probability >= outcome.top[k].probability);
            QVERIFY(outcome.answerProbability >= 0 && outcome.answerProbability <= outcome.top[0].probability + 1e-9);
            QCOMPARE(outcome.correct, outcome.top[0].token == outcome.item.answer);
        }
        QVERIFY(std::abs(report.chance[0] - 0.5) < 1e-9);  // is / are
        // One item alone gets the same answer as in the batch (padding changes nothing).
        const train::ProbeReport alone = session.probe({session.probeItems()[3]});
        QVERIFY(std::abs(alone.outcomes[0].answerProbability - report.outcomes[3].answerProbability) < 1e-5);
    }

    // The held-out loss and the probes run on the training threads, the masked LM's only at the
    // rows it predicts: the same figures as one thread running the whole model.
    void evaluationIsTheSameOnEveryThreadCount_data() { probesAnswerEveryItemForEachArchitecture_data(); }
    void evaluationIsTheSameOnEveryThreadCount() {
        QFETCH(int, architecture);
        RunSettings settings = toyRun(nn::Architecture(architecture));
        settings.model.layers = 2;
        TrainingSession session(settings);
        losses(session, 6);

        session.trainer().setThreads(1);
        const double oneThread = *session.heldOutLoss();
        const train::ProbeReport oneThreadProbes = session.probes();
        session.trainer().setThreads(3);
        QCOMPARE(*session.heldOutLoss(), oneThread);  // the batches' sums add up in their order
        const train::ProbeReport split = session.probes();
        QCOMPARE(split.outcomes.size(), oneThreadProbes.outcomes.size());
        for (std::size_t i = 0; i < split.outcomes.size(); ++i) {
            QCOMPARE(split.outcomes[i].item.sentence(), oneThreadProbes.outcomes[i].item.sentence());
            QVERIFY(std::abs(split.outcomes[i].answerProbability - oneThreadProbes.outcomes[i].answerProbability) < 1e-5);
        }
        for (int c = 0; c < data::probeCategoryCount; ++c) {
            QCOMPARE(split.items[c], oneThreadProbes.items[c]);
            QCOMPARE(split.chance[c], oneThreadProbes.chance[c]);
        }

        // Every row, as the views run it, against the losses only.
        const nn::Batch batch = session.sampleBatch(8, 3);
        nn::Transformer<float>::Workspace whole, lossesOnly;
        lossesOnly.lossesOnly = true;
        const double all = session.model().run(batch, whole, nullptr, 1.0, 0.0).tokenMean();
        const double rows = session.model().run(batch, lossesOnly, nullptr, 1.0, 0.0).tokenMean();
        QVERIFY2(std::abs(all - rows) < 1e-5 * std::abs(all), qPrintable(QString("%1 against %2").arg(all).arg(rows)));
        const bool shortcut = nn::Architecture(architecture) == nn::Architecture::Encoder;
        QCOMPARE(lossesOnly.targetRows.empty(), !shortcut);
        if (shortcut) {  // the last block's weights then cover the masked rows only
            QVERIFY_THROWS_EXCEPTION(std::logic_error,
                                     session.model().attentionWeights(lossesOnly, nn::AttentionStack::Encoder, 1, 0, 0));
        }
        QCOMPARE(session.model().attentionWeights(whole, nn::AttentionStack::Encoder, 1, 0, 0).rows(), batch.length);
    }

    void badSettingsAreRefused() {
        RunSettings settings = toyRun();
        settings.accumulation = 3;
        QVERIFY(settings.problem().find("must divide the batch") != std::string::npos);
        settings = toyRun();
        settings.corpus = path("nothing.txt");
        settings.tokenizer = path("nothing.json");
        QVERIFY(errorOf([&] { TrainingSession session(settings); }).find("nothing.txt") != std::string::npos);
        RunSettings round = RunSettings::fromJson(toyRun().toJson(), "settings.json");
        QCOMPARE(round.toJson(), toyRun().toJson());
    }
};

QTEST_APPLESS_MAIN(TestSession)
#include "test_session.moc"
