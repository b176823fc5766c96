#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "cli_runner.hpp"

namespace {

using Run = CliRun;
Run cli(const QStringList& arguments) { return runCli(arguments); }
QString data(const char* name) { return testData(name); }

QJsonArray words(const QJsonValue& segmentation) {
    return segmentation.toArray();
}

QStringList joined(const QJsonArray& segmentation) {
    QStringList out;
    for (const QJsonValue& word : segmentation) {
        QStringList pieces;
        for (const QJsonValue& piece : word.toArray()) pieces << piece.toString();
        out << pieces.join(QLatin1Char(' '));
    }
    return out;
}

}  // namespace

class TestCliBpeSteps : public QObject {
    Q_OBJECT

private slots:
    void bananaPrintsOneJsonObjectPerMerge() {
        const Run run = cli({"bpe-steps", "--input", data("banana.txt")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.err.isEmpty());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        // Merges until every word is one token: an, ban, ana, banana, band.
        QCOMPARE(lines.size(), 5);

        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first.value("step").toInt(), 1);
        QCOMPARE(first.value("pair").toArray(), (QJsonArray{"a", "n"}));
        QCOMPARE(first.value("count").toInt(), 4);
        QCOMPARE(first.value("new_token").toString(), QStringLiteral("an"));
        QCOMPARE(first.value("ties").toArray(), QJsonArray());
        QCOMPARE(first.value("tie_rule").toString(), QStringLiteral("hf"));
        QCOMPARE(joined(words(first.value("segmentation"))),
                 (QStringList{"b an an a", "b an d", "b an"}));
        // The keys come in the documented order.
        QVERIFY(lines[0].startsWith("{\"step\":1,\"pair\":[\"a\",\"n\"],\"count\":4,\"new_token\":\"an\""));

        const QJsonObject second = QJsonDocument::fromJson(lines[1]).object();
        QCOMPARE(second.value("pair").toArray(), (QJsonArray{"b", "an"}));
        QCOMPARE(second.value("count").toInt(), 3);
        QCOMPARE(joined(words(second.value("segmentation"))), (QStringList{"ban an a", "ban d", "ban"}));

        // Step 3 is a three-way tie at count 1, listed in the rule's order, smallest ids first:
        // ids a=0 b=1 d=2 n=3 an=4 ban=5, so (4,0) < (5,2) < (5,4).
        const QJsonObject third = QJsonDocument::fromJson(lines[2]).object();
        QCOMPARE(third.value("ties").toArray(),
                 (QJsonArray{QJsonArray{"an", "a"}, QJsonArray{"ban", "d"}, QJsonArray{"ban", "an"}}));
        QCOMPARE(third.value("pair").toArray(), (QJsonArray{"an", "a"}));
    }

    void mergesAndTieBreakOptions() {
        const Run one = cli({"bpe-steps", "--input", data("banana.txt"), "--merges", "1"});
        QCOMPARE(one.exitCode, 0);
        QCOMPARE(one.out.trimmed().split('\n').size(), 1);

        const Run lex = cli({"bpe-steps", "--input", data("banana.txt"), "--tie-break", "lex"});
        QCOMPARE(lex.exitCode, 0);
        const QJsonObject third = QJsonDocument::fromJson(lex.out.split('\n')[2]).object();
        QCOMPARE(third.value("tie_rule").toString(), QStringLiteral("lex"));
        QCOMPARE(third.value("pair").toArray(), (QJsonArray{"an", "a"}));  // "an" < "ban"

        const Run first = cli({"bpe-steps", "--input", data("banana.txt"), "--tie-break", "first"});
        QCOMPARE(first.exitCode, 0);
        const QJsonObject firstThird = QJsonDocument::fromJson(first.out.split('\n')[2]).object();
        QCOMPARE(firstThird.value("pair").toArray(), (QJsonArray{"ban", "an"}));  // first in "banana"
    }

    void wordPieceStepsCarryScores() {
        const Run run = cli({"bpe-steps", "--input", data("banana.txt"), "--algo", "wordpiece", "--merges", "1"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject first = QJsonDocument::fromJson(run.out.trimmed()).object();
        // b ##a ##n ##a ##n ##a / b ##a ##n ##d / b ##a ##n: ##n ##d scores 1/(4*1) = 0.25, the best.
        QCOMPARE(first.value("pair").toArray(), (QJsonArray{"##n", "##d"}));
        QCOMPARE(first.value("score").toDouble(), 0.25);
        QCOMPARE(first.value("left_count").toInt(), 4);
        QCOMPARE(first.value("right_count").toInt(), 1);
        const QJsonArray candidates = first.value("candidates").toArray();
        QVERIFY(candidates.size() >= 4);
        for (const QJsonValue& candidate : candidates) {
            const QJsonObject c = candidate.toObject();
            QCOMPARE(c.value("score").toDouble(),
                     c.value("count").toDouble() / (c.value("left_count").toDouble() * c.value("right_count").toDouble()));
        }
    }

    void byteLevelStepsUseByteSymbols() {
        const Run run = cli({"bpe-steps", "--input", data("parity_corpus.txt"), "--byte-level", "--merges", "2"});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first.value("pair").toArray(), (QJsonArray{"a", "n"}));
        // Byte-level starts from one token per byte: each merge of count n saves n tokens.
        const int bytes = int(QFileInfo(data("parity_corpus.txt")).size());
        QCOMPARE(first.value("total_tokens").toInt(), bytes - first.value("count").toInt());
        const QJsonObject second = QJsonDocument::fromJson(lines[1]).object();
        QCOMPARE(second.value("pair").toArray(), (QJsonArray{"Ġ", "t"}));  // a space is "Ġ"
        QCOMPARE(second.value("ties").toArray().size(), 2);
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing file")
            << QStringList{"bpe-steps", "--input", data("no_such_file.txt")}
            << data("no_such_file.txt") + ": cannot open: No such file or directory";
        QTest::newRow("empty corpus") << QStringList{"bpe-steps", "--input", data("empty.txt")}
                                      << data("empty.txt") + ": the corpus is empty: it holds no words";
        QTest::newRow("only whitespace")
            << QStringList{"bpe-steps", "--input", data("whitespace_only.txt")}
            << data("whitespace_only.txt") + ": the corpus is empty: it holds no words";
        QTest::newRow("invalid UTF-8")
            << QStringList{"bpe-steps", "--input", data("invalid_utf8.txt")}
            << data("invalid_utf8.txt") + ": byte 15 (line 2): invalid UTF-8: byte 0xFF never appears in UTF-8";
        QTest::newRow("directory") << QStringList{"bpe-steps", "--input", QStringLiteral(PRETRAINLAB_TEST_DATA)}
                                   << QStringLiteral(PRETRAINLAB_TEST_DATA ": cannot read: it is a directory");
        QTest::newRow("no input") << QStringList{"bpe-steps"} << QStringLiteral("missing --input");
        QTest::newRow("bad tie rule")
            << QStringList{"bpe-steps", "--input", data("banana.txt"), "--tie-break", "random"}
            << QStringLiteral("--tie-break expects hf, lex or first, got 'random'");
        QTest::newRow("bad merges")
            << QStringList{"bpe-steps", "--input", data("banana.txt"), "--merges", "-3"}
            << QStringLiteral("--merges expects a whole number from 0 to 2147483647, got '-3'");
        QTest::newRow("unknown option")
            << QStringList{"bpe-steps", "--input", data("banana.txt"), "--colour"}
            << QStringLiteral("unknown option --colour");
        QTest::newRow("unknown command") << QStringList{"bpe-stepz"}
                                         << QStringLiteral("unknown command 'bpe-stepz' (try --help)");
    }

    void badInput() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        const QString err = QString::fromUtf8(run.err);
        QCOMPARE(err.count(QLatin1Char('\n')), 1);  // one line
        QCOMPARE(err.trimmed(), QStringLiteral("pretrainlab-cli %1: %2").arg(arguments.first(), message));
    }
};

QTEST_APPLESS_MAIN(TestCliBpeSteps)
#include "test_cli_bpe_steps.moc"
