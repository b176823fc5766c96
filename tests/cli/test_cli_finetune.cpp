// pretrainlab-cli finetune and ablation: JSON lines and a summary, the table's cells and its
// Markdown, the checkpoint's notes, and bad input as one line naming the file or flag (exit 2).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_runner.hpp"

namespace {

const QString decoder = QStringLiteral(PRETRAINLAB_SOURCE_DIR "/resources/models/tiny-decoder.safetensors");
const QString encoder = QStringLiteral(PRETRAINLAB_SOURCE_DIR "/resources/models/tiny-encoder.safetensors");

}  // namespace

class TestCliFinetune : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    void finetunePrintsStepsAndASummary() {
        const CliRun run = runCli({"finetune", "--from", decoder, "--task", "acceptability", "--labels", "64", "--steps",
                                   "20", "--log-every", "10", "--threads", "2"});
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = jsonObjectLines(run.out);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0]["step"].toInt(), 10);
        QCOMPARE(lines[1]["step"].toInt(), 20);
        for (int i = 0; i < 2; ++i) {
            QVERIFY(lines[i]["loss"].toDouble() > 0);
            const double accuracy = lines[i]["held_out_accuracy"].toDouble(-1);
            QVERIFY(accuracy >= 0 && accuracy <= 1);
        }
        const QJsonObject summary = lines.last();
        QCOMPARE(summary["task"].toString(), QStringLiteral("acceptability"));
        QCOMPARE(summary["arch"].toString(), QStringLiteral("decoder"));
        QCOMPARE(summary["pretrained"].toBool(), true);
        QCOMPARE(summary["held_out"].toInt(), 200);
        QCOMPARE(summary["trainable_parameters"].toInt(), summary["parameters"].toInt());
    }

    void saveWritesTheModelAndItsRecord() {
        const QString path = folder_.filePath("acceptability.safetensors");
        const CliRun run = runCli({"finetune", "--from", decoder, "--task", "acceptability", "--steps", "5", "--threads", "1",
                                   "--save", path});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(jsonObjectLines(run.out).last()["saved"].toString(), path);
        QFile json(folder_.filePath("acceptability.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject saved = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(saved["format"].toString(), QStringLiteral("pretrainlab-finetuned"));
        QCOMPARE(saved["task"].toString(), QStringLiteral("acceptability"));
        QCOMPARE(saved["settings"].toObject()["steps"].toInt(), 5);
        QCOMPARE(saved["body"].toObject()["arch"].toString(), QStringLiteral("decoder"));
        QVERIFY(QFile::exists(path));
        const CliRun nowhere = runCli({"finetune", "--scratch", "--steps", "1", "--save", "/nowhere/x.safetensors"});
        QCOMPARE(nowhere.exitCode, 2);
        QVERIFY(nowhere.err.contains("/nowhere"));
    }

    void probeTrainsTheHeadOnly() {
        const CliRun run = runCli({"finetune", "--from", encoder, "--task", "sentiment", "--mode", "probe", "--steps", "5",
                                   "--threads", "1"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject summary = jsonObjectLines(run.out).last();
        QCOMPARE(summary["mode"].toString(), QStringLiteral("probe"));
        // A linear layer d -> 2 classes: 64 · 2 weights and 2 biases.
        QCOMPARE(summary["trainable_parameters"].toInt(), 64 * 2 + 2);
        QCOMPARE(summary["memory_bytes"].toObject()["optimizer_state"].toInt(), 2 * 4 * (64 * 2 + 2));
    }

    void scratchNeedsNoCheckpoint() {
        const CliRun run = runCli({"finetune", "--scratch", "--arch", "encoder", "--task", "tagging", "--steps", "3",
                                   "--mode", "freeze:1", "--threads", "1"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject summary = jsonObjectLines(run.out).last();
        QCOMPARE(summary["pretrained"].toBool(), false);
        QCOMPARE(summary["mode"].toString(), QStringLiteral("freeze:1"));
        QVERIFY(summary["trainable_parameters"].toInt() < summary["parameters"].toInt());
    }

    void ablationPrintsCellsThenMarkdown() {
        const CliRun run = runCli({"ablation", "--from", decoder, "--tasks", "sentiment,tagging", "--labels", "32,64",
                                   "--seeds", "2", "--steps", "5", "--threads", "2"});
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> cells = jsonObjectLines(run.out);
        QCOMPARE(cells.size(), 14);
        const QStringList rows{"full (aux LM)", "finetune all, no aux LM", "from scratch (no pretraining)", "linear probe",
                               "zero-shot", "few-shot", "bag of words"};
        for (int i = 0; i < cells.size(); ++i) {
            QCOMPARE(cells[i]["row"].toString(), rows[i % 7]);
            QCOMPARE(cells[i]["task"].toString(), i < 7 ? QStringLiteral("sentiment") : QStringLiteral("tagging"));
            QCOMPARE(cells[i]["labels"].toInt(), i < 7 ? 32 : 64);
            if (cells[i].contains("not_run")) continue;
            const int seeds = cells[i]["seeds"].toInt();
            QCOMPARE(seeds, rows[i % 7] == "zero-shot" ? 1 : 2);
            QCOMPARE(cells[i]["accuracies"].toArray().size(), seeds);
            QVERIFY(cells[i]["accuracy_mean"].toDouble() >= 0 && cells[i]["accuracy_sd"].toDouble() >= 0);
        }
        // Tagging has no prompt and no separate LM targets.
        QVERIFY(cells[7].contains("not_run") && cells[11].contains("not_run"));
        QVERIFY(run.out.contains("| finetune all, no aux LM |"));
        QVERIFY(run.out.contains("sentiment (32 labels)"));
    }

    void trainSavesHowItWasMade() {
        const QString path = folder_.filePath("nsp.safetensors");
        const CliRun run = runCli({"train", "--arch", "encoder", "--nsp", "--steps", "3", "--threads", "1", "--probes",
                                   "--save", path});
        QCOMPARE(run.exitCode, 0);
        QFile json(folder_.filePath("nsp.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject saved = QJsonDocument::fromJson(json.readAll()).object();
        const QJsonObject notes = saved["notes"].toObject();
        QVERIFY(notes["command"].toString().startsWith("pretrainlab-cli train --arch encoder --nsp"));
        QVERIFY(notes["probes"].toObject().contains("syntax"));
        QCOMPARE(saved["settings"].toObject()["nsp"].toBool(), true);
        // And it finetunes on the pair task: [CLS] A [SEP] B [SEP] with segments.
        const CliRun pair = runCli({"finetune", "--from", path, "--task", "facts", "--steps", "2", "--threads", "1"});
        QCOMPARE(pair.exitCode, 0);
    }

    void badInputIsOneLineAndExitTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing checkpoint") << QStringList{"finetune", "--from", "/nowhere/model.safetensors"}
                                            << "/nowhere/model";
        QTest::newRow("too many labels") << QStringList{"finetune", "--from", decoder, "--labels", "4096", "--task", "sentiment"}
                                         << "sentiment task has";
        QTest::newRow("unknown task") << QStringList{"finetune", "--from", decoder, "--task", "poetry"} << "--task";
        QTest::newRow("both bases") << QStringList{"finetune", "--from", decoder, "--scratch"} << "exclude";
        QTest::newRow("no base") << QStringList{"finetune", "--task", "sentiment"} << "--scratch";
        QTest::newRow("bad mode") << QStringList{"finetune", "--scratch", "--mode", "freeze:x"} << "--mode";
        QTest::newRow("tagging with T5") << QStringList{"finetune", "--scratch", "--arch", "encdec", "--task", "tagging"}
                                         << "encoder or a decoder";
        QTest::newRow("probe with aux") << QStringList{"finetune", "--scratch", "--mode", "probe", "--aux-lm", "0.5"}
                                        << "probe";
        QTest::newRow("labels per task") << QStringList{"ablation", "--from", decoder, "--tasks", "sentiment,facts", "--labels",
                                                        "8,9,10"}
                                         << "one per task";
        QTest::newRow("ablation missing file") << QStringList{"ablation", "--from", "/nowhere/x.safetensors"} << "/nowhere/x";
    }
    void badInputIsOneLineAndExitTwo() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const CliRun run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        const QString err = QString::fromUtf8(run.err).trimmed();
        QVERIFY2(err.contains(expected), qPrintable(err));
        QVERIFY2(!err.contains('\n'), qPrintable(err));
        QVERIFY(run.out.isEmpty());
    }

    void corruptCheckpointNamesTheFile() {
        QFile::copy(decoder, folder_.filePath("bad.safetensors"));
        QFile::copy(QString(decoder).replace(".safetensors", ".json"), folder_.filePath("bad.json"));
        QFile weights(folder_.filePath("bad.safetensors"));
        QVERIFY(weights.open(QIODevice::ReadWrite));
        weights.seek(5000);
        weights.write("garbage!");
        weights.close();
        const CliRun run = runCli({"finetune", "--from", folder_.filePath("bad.safetensors")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("bad.safetensors"), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliFinetune)
#include "test_cli_finetune.moc"
