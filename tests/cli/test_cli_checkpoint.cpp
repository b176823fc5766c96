// train --save / --resume with files from the wild: a plain safetensors file, a missing optimizer
// file, settings out of range, configurations larger than the machine, outputs that are not
// regular files, and a run stopped by Ctrl+C or SIGTERM, which saves before it exits.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include <csignal>
#include <sys/stat.h>

#include "cli_runner.hpp"

namespace {

const QStringList quickRun{"train", "--random-data", "--d", "16", "--ctx", "16", "--batch", "4", "--threads", "1"};

void expectOneLine(const CliRun& run, int exitCode, const QStringList& says) {
    QCOMPARE(run.exitCode, exitCode);
    QCOMPARE(run.err.count('\n'), 1);
    for (const QString& part : says) QVERIFY2(run.err.contains(part.toUtf8()), run.err.constData());
}

}  // namespace

class TestCliCheckpoint : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;
    QString path(const QString& name) const { return folder_.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    void aPlainSafetensorsFileIsNotACheckpoint() {
        const QString plain = QStringLiteral(PRETRAINLAB_SOURCE_DIR "/resources/models/tiny-decoder.safetensors");
        QFile::copy(plain, path("plain.safetensors"));
        expectOneLine(runCli({"train", "--resume", path("plain.safetensors")}), 2,
                      {path("plain.safetensors") + ": is a safetensors file of 28 tensors, not a PretrainLab checkpoint",
                       "no plain.json beside it", "NAME.optimizer.safetensors"});
    }

    void aMissingOptimizerFileIsRefusedUnlessAskedFor() {
        const QString checkpoint = path("opt.safetensors");
        QCOMPARE(runCli(QStringList(quickRun) << "--steps" << "10" << "--stop-after" << "4" << "--save" << checkpoint).exitCode, 0);
        QVERIFY(QFile::remove(path("opt.optimizer.safetensors")));
        expectOneLine(runCli({"train", "--resume", checkpoint}), 2,
                      {"opt.optimizer.safetensors: is missing", "give --restart-optimizer"});
        const CliRun restarted = runCli({"train", "--resume", checkpoint, "--restart-optimizer"});
        QCOMPARE(restarted.exitCode, 0);
        QVERIFY2(restarted.err.contains("opt.optimizer.safetensors is missing: the optimizer restarts"), restarted.err.constData());
        QCOMPARE(jsonLines(restarted.out).last()["steps"].toInt(), 10);
        expectOneLine(runCli(QStringList(quickRun) << "--restart-optimizer"), 2, {"--restart-optimizer goes with --resume"});
    }

    // A finished run continued for more steps: with a constant rate it is the run that was
    // planned that long from the start (identical weights); the JSON says its new length; a
    // length shorter than what was done is refused; a decaying schedule is planned again, and
    // stderr says so.
    void aFinishedRunContinuesForMoreSteps() {
        const QStringList constant = QStringList(quickRun) << "--schedule" << "constant" << "--warmup" << "0";
        const QString whole = path("whole.safetensors");
        const QString first = path("first.safetensors");
        const QString continued = path("continued.safetensors");
        QCOMPARE(runCli(QStringList(constant) << "--steps" << "12" << "--save" << whole).exitCode, 0);
        QCOMPARE(runCli(QStringList(constant) << "--steps" << "8" << "--save" << first).exitCode, 0);
        const CliRun resumed = runCli({"train", "--resume", first, "--steps", "12", "--save", continued});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QVERIFY2(resumed.err.contains("continuing to step 12 (the saved run was 8 steps long)"), resumed.err.constData());
        QCOMPARE(jsonLines(resumed.out).last()["steps"].toInt(), 12);
        QFile a(whole), b(continued);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QVERIFY2(a.readAll() == b.readAll(), "8 steps continued to 12 should equal 12 steps at a constant rate");
        QFile json(path("continued.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(json.readAll()).object()["settings"].toObject()["steps"].toInt(), 12);

        expectOneLine(runCli({"train", "--resume", first, "--steps", "5"}), 2,
                      {"--steps 5 is fewer than the 8 steps the saved run has done"});
        // Cosine: planned again over the new length, so the continued run differs from the one
        // that was planned long from the start, and its rate at step 9 is the new plan's.
        QCOMPARE(runCli(QStringList(quickRun) << "--schedule" << "cosine" << "--warmup" << "0" << "--steps" << "8" << "--save"
                                              << path("cosine.safetensors")).exitCode, 0);
        const CliRun cosine = runCli({"train", "--resume", path("cosine.safetensors"), "--steps", "16", "--log-every", "1"});
        QVERIFY2(cosine.exitCode == 0, cosine.err.constData());
        double rate9 = -1;
        for (const QJsonObject& line : jsonLines(cosine.out))
            if (line["step"].toInt() == 9 && line.contains("lr")) rate9 = line["lr"].toDouble();
        const double peak = 2e-3;  // the default rate
        const double pi = std::acos(-1.0);
        QVERIFY2(std::abs(rate9 - peak * 0.5 * (1 + std::cos(pi * 9.0 / 16.0))) < 1e-9 * peak, qPrintable(QString::number(rate9)));
    }

    void checkpointSettingsOutOfRangeAreNamed_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("says");
        QTest::newRow("layers") << "layers" << "100000" << "settings.layers: expects a whole number from 1 to 256";
        QTest::newRow("d") << "d" << "1e9" << "settings.d: expects a whole number from 1 to 8192";
        QTest::newRow("ctx") << "ctx" << "0" << "settings.ctx: expects a whole number from 1 to 65536";
        QTest::newRow("too large") << "d" << "8192" << "of memory";
    }
    void checkpointSettingsOutOfRangeAreNamed() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, says);
        const QString checkpoint = path("set.safetensors");
        QCOMPARE(runCli(QStringList(quickRun) << "--steps" << "2" << "--save" << checkpoint).exitCode, 0);
        QFile json(path("set.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        QByteArray text = json.readAll();
        json.close();
        QJsonObject object = QJsonDocument::fromJson(text).object();
        QJsonObject settings = object["settings"].toObject();
        settings[key] = QJsonDocument::fromJson("[" + value.toUtf8() + "]").array().at(0);
        if (QString(QTest::currentDataTag()) == "too large") settings["layers"] = 256;
        object["settings"] = settings;
        QVERIFY(json.open(QIODevice::WriteOnly | QIODevice::Truncate));
        json.write(QJsonDocument(object).toJson());
        json.close();
        expectOneLine(runCli({"train", "--resume", checkpoint}), 2, {path("set.json") + ": ", says});
    }

    void oversizedConfigurationsAreRefusedUpFront_data() {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("option");
        QTest::newRow("ctx 20000") << QStringList{"--ctx", "20000"} << "lower --ctx or --batch";
        QTest::newRow("d 8192 layers 256") << QStringList{"--d", "8192", "--layers", "256"} << "lower --d";
        QTest::newRow("batch 65536 ctx 4096") << QStringList{"--batch", "65536", "--ctx", "4096"} << "raise --accum";
    }
    void oversizedConfigurationsAreRefusedUpFront() {
        QFETCH(QStringList, flags);
        QFETCH(QString, option);
        expectOneLine(runCli(QStringList{"train", "--random-data"} << flags), 2,
                      {"this run needs about", "of memory", "available", option});
        // The built-in world too: refused before its text is generated.
        expectOneLine(runCli(QStringList{"train"} << flags), 2, {"this run needs about", option});
    }

    void outputsThatAreNotRegularFilesAreRefusedBeforeTraining() {
        const QString fifo = path("pipe.csv");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        expectOneLine(runCli(QStringList(quickRun) << "--steps" << "3" << "--metrics" << fifo), 2,
                      {fifo + ": is a FIFO (named pipe), not a regular file: refusing to replace it"});
        QDir(folder_.path()).mkdir("taken.json");
        expectOneLine(runCli(QStringList(quickRun) << "--steps" << "3" << "--save" << path("taken.safetensors")), 2,
                      {"taken.json: is a directory"});
        // A symbolic link is written through: the link stays, its file gets the metrics.
        QVERIFY(QFile::link("real.csv", path("link.csv")));
        QCOMPARE(runCli(QStringList(quickRun) << "--steps" << "3" << "--metrics" << path("link.csv")).exitCode, 0);
        QVERIFY(QFileInfo(path("link.csv")).isSymLink());
        QFile real(path("real.csv"));
        QVERIFY(real.open(QIODevice::ReadOnly));
        QCOMPARE(real.readAll().count('\n'), 4);  // the header and three steps
    }

    void saveEveryNStepsAndAtTheEnd() {
        const QString checkpoint = path("every.safetensors");
        const CliRun run = runCli(QStringList(quickRun) << "--steps" << "10" << "--log-every" << "100" << "--save-every" << "4"
                                                        << "--save" << checkpoint);
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = jsonLines(run.out);
        QStringList saved;
        for (const QJsonObject& line : lines) {
            if (line.contains("saved") && line.contains("step")) saved << QString::number(line["step"].toInt());
        }
        QCOMPARE(saved, (QStringList{"4", "8"}));
        QCOMPARE(lines.last()["saved"].toString(), checkpoint);
        QCOMPARE(jsonLines(runCli({"train", "--resume", checkpoint}).out).last()["steps"].toInt(), 10);
        expectOneLine(runCli(QStringList(quickRun) << "--save-every" << "4"), 2, {"--save-every needs --save"});
    }

    // `--save run.json` names the checkpoint: its weights go to run.safetensors, and the run can
    // be continued and saved in place.
    void saveAndResumeGivenTheJsonName() {
        const QString folder = path("jsonname");
        QVERIFY(QDir().mkpath(folder));
        const QString json = folder + "/run.json";
        QCOMPARE(runCli(QStringList(quickRun) << "--steps" << "6" << "--stop-after" << "3" << "--save" << json).exitCode, 0);
        QCOMPARE(QDir(folder).entryList(QDir::Files, QDir::Name),
                 (QStringList{"run.json", "run.optimizer.safetensors", "run.safetensors"}));
        const CliRun resumed = runCli({"train", "--resume", json, "--stop-after", "5", "--save", json});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(jsonLines(resumed.out).last()["steps"].toInt(), 5);
        QCOMPARE(QDir(folder).entryList(QDir::Files, QDir::Name),
                 (QStringList{"run.json", "run.optimizer.safetensors", "run.safetensors"}));
        QCOMPARE(jsonLines(runCli({"train", "--resume", folder + "/run.safetensors"}).out).last()["steps"].toInt(), 6);
    }

    // The save at the end would fail: refused before training, and nothing is written.
    void aTiktokenTokenizerWithSaveIsRefusedBeforeTraining() {
        const QString folder = path("tiktoken");
        QVERIFY(QDir().mkpath(folder));
        const QString corpus = folder + "/corpus.txt";
        QFile text(corpus);
        QVERIFY(text.open(QIODevice::WriteOnly));
        for (int i = 0; i < 200; ++i) text.write("The quick brown fox jumps over the lazy dog. ");
        text.close();
        const CliRun run = runCli({"train", "--corpus", corpus, "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--d", "16", "--ctx",
                                   "16", "--batch", "2", "--steps", "2", "--threads", "1", "--save", folder + "/run.safetensors"});
        expectOneLine(run, 2, {"--save", "tiktoken rank file, which cannot be stored in a checkpoint", "tokenizer.json"});
        QVERIFY(run.out.isEmpty());  // no step was trained
        QCOMPARE(QDir(folder).entryList(QDir::Files), QStringList{"corpus.txt"});
    }

    void aSignalFinishesTheStepSavesAndExits_data() {
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("name");
        QTest::newRow("Ctrl+C") << SIGINT << 130 << "SIGINT";
        QTest::newRow("SIGTERM") << SIGTERM << 143 << "SIGTERM";
    }
    void aSignalFinishesTheStepSavesAndExits() {
        QFETCH(int, signal);
        QFETCH(int, exitCode);
        QFETCH(QString, name);
        const QString checkpoint = path(name + ".safetensors");
        QProcess process;
        process.start(QStringLiteral(PRETRAINLAB_CLI),
                      QStringList(quickRun) << "--steps" << "1000000" << "--log-every" << "1" << "--save" << checkpoint);
        QVERIFY(process.waitForStarted());
        // Wait for a few steps, then ask it to stop.
        QByteArray out;
        while (out.count('\n') < 3 && process.waitForReadyRead(30000)) out += process.readAllStandardOutput();
        QVERIFY(out.count('\n') >= 3);
        ::kill(static_cast<pid_t>(process.processId()), signal);
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), exitCode);
        out += process.readAllStandardOutput();
        const QList<QJsonObject> lines = jsonLines(out);
        const QJsonObject summary = lines.last();
        QCOMPARE(summary["interrupted"].toString(), name);
        QCOMPARE(summary["saved"].toString(), checkpoint);
        const int stepsDone = summary["steps"].toInt();
        QCOMPARE(lines[lines.size() - 2]["step"].toInt(), stepsDone);  // the step under way was finished and logged
        QVERIFY(stepsDone >= 3 && stepsDone < 1000000);
        // The saved run continues from there.
        const CliRun resumed = runCli({"train", "--resume", checkpoint, "--stop-after", QString::number(stepsDone + 2),
                                       "--log-every", "1"});
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(jsonLines(resumed.out).first()["step"].toInt(), stepsDone + 1);
    }
};

QTEST_APPLESS_MAIN(TestCliCheckpoint)
#include "test_cli_checkpoint.moc"
