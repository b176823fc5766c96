// pretrainlab-cli score / generate / attention --model: a GPT-2 and a BERT folder in Hugging Face's
// layout (the small random models of tests/data/hf) give the reference's numbers in the documented
// JSON; a checkpoint saved by train is a model too; a folder that is not a model is one line
// naming it, exit 2.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "cli_runner.hpp"

class TestCliModels : public QObject {
    Q_OBJECT

private slots:
    void scoreGivesEachTokensLogProbability() {
        // GPT-2: log p(token | before) for each token, null for the first; the sum of a sentence
        // read in two parts agrees with the whole.
        const CliRun run = runCli({"score", "--model", testData("hf/gpt2"), "--text", "the cat sat on the mat"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.keys(), (QStringList{"ids", "logprobs", "tokens"}));
        const QJsonArray tokens = out["tokens"].toArray(), ids = out["ids"].toArray(), lps = out["logprobs"].toArray();
        QCOMPARE(tokens.at(2).toString(), QStringLiteral("Ġcat"));  // the model's own byte-level tokens
        QCOMPARE(ids.size(), tokens.size());
        QVERIFY(lps.at(0).isNull());
        for (int i = 1; i < lps.size(); ++i) QVERIFY(lps.at(i).toDouble() < 0);
        // BERT: one pseudo-log-likelihood per token, none null.
        const CliRun bert = runCli({"score", "--model", testData("hf/bert"), "--text", "the cat sat on the mat"});
        QCOMPARE(bert.exitCode, 0);
        const QJsonObject b = QJsonDocument::fromJson(bert.out).object();
        QCOMPARE(b["tokens"].toArray().first().toString(), QStringLiteral("the"));
        for (const QJsonValue lp : b["logprobs"].toArray()) QVERIFY(lp.isDouble() && lp.toDouble() < 0);
    }

    void generateRepeatsForASeedAndFillsMasks() {
        const QStringList sampled{"generate", "--model", testData("hf/gpt2"), "--prompt", "the cat", "--max-tokens", "5",
                                  "--temperature", "1.5", "--top-k", "20", "--seed", "3"};
        const CliRun first = runCli(sampled), second = runCli(sampled);
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.out, second.out);
        const QList<QJsonObject> lines = jsonLines(first.out);
        QCOMPARE(lines.size(), 6);  // five tokens, then the summary
        QCOMPARE(lines.last()["ids"].toArray().size(), 5);
        for (int i = 0; i < 5; ++i) QCOMPARE(lines[i]["candidates"].toArray().size(), 5);
        const CliRun greedy = runCli({"generate", "--model", testData("hf/gpt2"), "--prompt", "the cat", "--max-tokens", "5"});
        QVERIFY(greedy.out != first.out);
        // An encoder fills the [MASK]s: one line per mask, then the sentence.
        const CliRun fill = runCli({"generate", "--model", testData("hf/bert"), "--prompt", "the [MASK] sat on the [MASK] ."});
        QCOMPARE(fill.exitCode, 0);
        const QList<QJsonObject> filled = jsonLines(fill.out);
        QCOMPARE(filled.size(), 3);
        QVERIFY(!filled.last()["tokens"].toArray().contains(QStringLiteral("[MASK]")));
    }

    void attentionPrintsOneHeadsMatrix() {
        const CliRun run = runCli({"attention", "--model", testData("hf/bert"), "--text", "the cat sat", "--layer", "1", "--head", "3"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out["tokens"].toArray().first().toString(), QStringLiteral("[CLS]"));
        const QJsonArray weights = out["weights"].toArray();
        QCOMPARE(weights.size(), 5);  // [CLS] the cat sat [SEP]
        for (const QJsonValue row : weights) {
            double sum = 0;
            for (const QJsonValue w : row.toArray()) sum += w.toDouble();
            QVERIFY(std::abs(sum - 1) < 1e-5);
        }
        const CliRun gpt2 = runCli({"attention", "--model", testData("hf/gpt2"), "--text", "the cat", "--layer", "0", "--head", "0"});
        const QJsonArray causal = QJsonDocument::fromJson(gpt2.out).object()["weights"].toArray();
        QCOMPARE(causal.first().toArray().at(1).toDouble(), 0.0);  // the first token cannot see the second
        const CliRun bad = runCli({"attention", "--model", testData("hf/gpt2"), "--text", "the cat", "--layer", "2"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("--layer"));
    }

    void aCheckpointIsAModelAndAFolderThatIsNotIsRefused() {
        QTemporaryDir dir;
        const QString weights = dir.filePath("tiny.safetensors");
        QCOMPARE(runCli({"train", "--steps", "3", "--threads", "1", "--save", weights}).exitCode, 0);
        const CliRun run = runCli({"score", "--model", weights, "--text", "the cat is happy ."});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(run.out).object()["logprobs"].toArray().size() >= 4);
        const CliRun refused = runCli({"score", "--model", dir.path(), "--text", "x"});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("config.json") && refused.err.contains(dir.path().toUtf8()), refused.err.constData());
    }
};

QTEST_APPLESS_MAIN(TestCliModels)
#include "test_cli_models.moc"
