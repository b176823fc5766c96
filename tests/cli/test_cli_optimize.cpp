// pretrainlab-cli optimize2d, memory and experiment: one JSON line per point (the start first)
// with the moments of equations (1)-(4), the bytes of a training step, and bad names or values as
// one line naming the flag (exit 2).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <cmath>

#include "cli_runner.hpp"

namespace {

const QString decoder = QStringLiteral(PRETRAINLAB_SOURCE_DIR "/resources/models/tiny-decoder.safetensors");


double at(const QJsonObject& line, const char* key, int i) { return line.value(QLatin1String(key)).toArray().at(i).toDouble(); }

}  // namespace

class TestCliOptimize : public QObject {
    Q_OBJECT

private slots:
    // Rosenbrock (a = 1, b = 100) from (−1.5, 2): f = 2.5² + 100·(2 − 2.25)² = 12.5; ∇f at the start
    // = (−2·2.5 − 400·(−1.5)·(−0.25), 200·(−0.25)) = (−155, −50). Adam's first step is η·sign(g).
    void optimize2dPrintsEveryPoint() {
        const CliRun run = runCli({"optimize2d", "--surface", "rosenbrock", "--optimizer", "adam", "--lr", "0.01",
                                   "--steps", "3"});
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = jsonObjectLines(run.out);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0].value("step").toInt(), 0);
        QCOMPARE(at(lines[0], "theta", 0), -1.5);
        QCOMPARE(at(lines[0], "theta", 1), 2.0);
        QVERIFY(std::abs(lines[0].value("loss").toDouble() - 12.5) < 1e-12);
        QVERIFY(std::abs(at(lines[1], "grad", 0) + 155) < 1e-9);
        QVERIFY(std::abs(at(lines[1], "grad", 1) + 50) < 1e-9);
        QVERIFY(std::abs(at(lines[1], "theta", 0) - (-1.49)) < 1e-8);
        QVERIFY(std::abs(at(lines[1], "m", 1) - (-5.0)) < 1e-9);       // (1 − 0.9) · −50
        QVERIFY(std::abs(at(lines[1], "v", 1) - 2.5) < 1e-9);          // (1 − 0.999) · 2500
        QVERIFY(std::abs(at(lines[1], "m_hat", 1) - (-50.0)) < 1e-9);
        QVERIFY(std::abs(at(lines[1], "v_hat", 1) - 2500.0) < 1e-6);
        for (const char* key : {"grad", "m", "v", "m_hat", "v_hat", "update"}) QVERIFY(lines[3].contains(key));
        // Without bias correction the first step is (1 − β₁)/√(1 − β₂) ≈ 3.16 times longer.
        const CliRun raw = runCli({"optimize2d", "--surface", "rosenbrock", "--optimizer", "adam", "--lr", "0.01",
                                   "--steps", "1", "--no-bias-correction"});
        const QList<QJsonObject> rawLines = jsonObjectLines(raw.out);
        QVERIFY(std::abs(at(rawLines[1], "update", 0) / at(lines[1], "update", 0) - 0.1 / std::sqrt(0.001)) < 1e-4);
    }

    void memoryOfAPresetAndACheckpoint() {
        CliRun run = runCli({"memory", "--preset", "GPT-2 XL", "--optimizer", "adam", "--precision", "mixed"});
        QCOMPARE(run.exitCode, 0);
        QJsonObject line = jsonObjectLines(run.out).value(0);
        QCOMPARE(line.value("parameters").toDouble(), 1.558e9);
        const QJsonObject bytes = line.value("bytes").toObject();
        QCOMPARE(bytes.value("model_states").toDouble(), 1.558e9 * 16);
        QCOMPARE(bytes.value("master_weights").toDouble(), 1.558e9 * 4);
        QCOMPARE(bytes.value("total").toDouble(), bytes.value("model_states").toDouble() + bytes.value("activations").toDouble());
        run = runCli({"memory", "--preset", "bert-base", "--optimizer", "sgd"});
        QCOMPARE(jsonObjectLines(run.out).value(0).value("bytes").toObject().value("optimizer_state").toDouble(), 0.0);
        run = runCli({"memory", "--from", decoder, "--optimizer", "adam", "--batch", "16"});
        QCOMPARE(run.exitCode, 0);
        line = jsonObjectLines(run.out).value(0);
        QVERIFY(line.value("parameters").toDouble() > 1e4);
        QCOMPARE(line.value("bytes").toObject().value("optimizer_state").toDouble(), 8 * line.value("parameters").toDouble());
    }

    void badInputIsOneLineAndExitTwo() {
        const QList<QStringList> cases{
            {"optimize2d", "--surface", "everest", "--optimizer", "adam"},
            {"optimize2d", "--surface", "valley", "--optimizer", "lion"},
            {"optimize2d", "--surface", "valley", "--optimizer", "adam", "--lr", "0"},
            {"optimize2d", "--surface", "valley", "--optimizer", "adam", "--lr", "-1"},
            {"optimize2d", "--surface", "valley", "--optimizer", "adam", "--beta1", "1"},
            {"optimize2d", "--surface", "valley", "--optimizer", "adam", "--beta2", "1.5"},
            {"optimize2d", "--surface", "valley", "--optimizer", "adam", "--start", "1;2"},
            {"memory", "--preset", "GPT-5"},
            {"memory", "--preset", "GPT-2", "--precision", "fp8"},
            {"memory"},
            {"experiment", "--name", "luck"},
            {"train", "--steps", "1", "--precision", "fp8"},
            {"train", "--steps", "1", "--precision", "fp16", "--loss-scale", "-4"},
        };
        const QStringList named{"everest", "lion", "learning rate", "learning rate", "β₁", "β₂", "--start", "GPT-5",
                                "--precision", "--preset", "luck", "--precision", "loss scale"};
        for (int i = 0; i < cases.size(); ++i) {
            const CliRun run = runCli(cases[i]);
            QVERIFY2(run.exitCode == 2, qPrintable(cases[i].join(' ')));
            const QString err = QString::fromUtf8(run.err).trimmed();
            QVERIFY2(!err.contains('\n') && err.contains(named[i]), qPrintable(cases[i].join(' ') + " → " + err));
        }
    }

    void trainInHalfPrecision() {
        const CliRun run = runCli({"train", "--steps", "4", "--log-every", "1", "--precision", "fp16", "--threads", "1"});
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = jsonObjectLines(run.out);
        QVERIFY(lines.size() >= 4);
        QVERIFY2(lines[0].contains("loss_scale"), run.out.constData());
        QCOMPARE(lines[0].value("loss_scale").toDouble(), 65536.0);
    }
};

QTEST_GUILESS_MAIN(TestCliOptimize)
#include "test_cli_optimize.moc"
