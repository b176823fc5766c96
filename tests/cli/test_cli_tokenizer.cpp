#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_runner.hpp"

class TestCliTokenizer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;

    QString file(const char* name, const QByteArray& content) {
        const QString path = folder_.filePath(QString::fromLatin1(name));
        QFile out(path);
        out.open(QIODevice::WriteOnly);
        out.write(content);
        return path;
    }
    static QJsonObject json(const QByteArray& line) { return QJsonDocument::fromJson(line.trimmed()).object(); }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    void trainsAndSavesTokenizerJson_data() {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("modelType");
        QTest::newRow("byte-level BPE") << QStringList{"--byte-level"} << "BPE";
        QTest::newRow("character BPE") << QStringList{} << "BPE";
        QTest::newRow("WordPiece") << QStringList{"--algo", "wordpiece"} << "WordPiece";
    }

    void trainsAndSavesTokenizerJson() {
        QFETCH(QStringList, options);
        QFETCH(QString, modelType);
        const QString output = folder_.filePath("trained.json");
        const CliRun run = runCli(QStringList{"bpe-train", "--input", testData("parity_corpus.txt"),
                                              "--vocab-size", "400", "--output", output} + options);
        QCOMPARE(run.exitCode, 0);
        const QJsonObject summary = json(run.out);
        QCOMPARE(summary.value("vocab_size").toInt(), 400);
        QVERIFY(summary.value("merges").toInt() > 100);
        QVERIFY(summary.value("seconds").toDouble() >= 0);
        QVERIFY(summary.value("peak_rss_mb").toDouble() > 0);
        QFile saved(output);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QJsonObject tokenizer = QJsonDocument::fromJson(saved.readAll()).object();
        QCOMPARE(tokenizer.value("model").toObject().value("type").toString(), modelType);
        QCOMPARE(tokenizer.value("model").toObject().value("vocab").toObject().size(), 400);
    }

    void encodeThenDecodeGivesTheBytesBack() {
        const QString tokenizer = folder_.filePath("bytes.json");
        QCOMPARE(runCli({"bpe-train", "--input", testData("parity_corpus.txt"), "--vocab-size", "600",
                         "--byte-level", "--output", tokenizer}).exitCode, 0);
        const QByteArray text("Tokens, bytes and \xFF\xFE not-UTF-8 bytes: all come back. 東京 🙂\n");
        const QString input = file("input.bin", text);
        const CliRun encoded = runCli({"encode", "--tokenizer", tokenizer, "--input", input, "--stats"});
        QCOMPARE(encoded.exitCode, 0);
        const QByteArray ids = encoded.out.trimmed();
        QVERIFY(ids.split(' ').size() < text.size());
        QCOMPARE(json(encoded.err).value("bytes").toInt(), text.size());
        const CliRun decoded = runCli({"decode", "--tokenizer", tokenizer, "--ids", QString::fromLatin1(ids)});
        QCOMPARE(decoded.exitCode, 0);
        QCOMPARE(decoded.out, text);
    }

    void encodesLikeGpt2() {
        QFile expected(testData("gpt2/expected.json"));
        QVERIFY(expected.open(QIODevice::ReadOnly));
        const QJsonObject first = QJsonDocument::fromJson(expected.readAll()).array().first().toObject();
        const QString input = file("gpt2.txt", first.value("text").toString().toUtf8());
        const CliRun run = runCli({"encode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--input", input});
        QCOMPARE(run.exitCode, 0);
        QStringList ids;
        for (const QJsonValue& id : first.value("ids").toArray()) ids << QString::number(id.toInt());
        QCOMPARE(QString::fromLatin1(run.out.trimmed()), ids.join(' '));
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString out = QStringLiteral("/tmp/pretrainlab-never-written.json");
        QTest::newRow("empty file") << QStringList{"bpe-train", "--input", testData("empty.txt"), "--vocab-size", "100", "--output", out}
                                    << testData("empty.txt") + ": the corpus is empty: it holds no words";
        QTest::newRow("only whitespace")
            << QStringList{"bpe-train", "--input", testData("whitespace_only.txt"), "--vocab-size", "100", "--output", out}
            << testData("whitespace_only.txt") + ": the corpus is empty: it holds no words";
        QTest::newRow("invalid UTF-8, characters")
            << QStringList{"bpe-train", "--input", testData("invalid_utf8.txt"), "--vocab-size", "100", "--output", out}
            << testData("invalid_utf8.txt") + ": byte 15 (line 2): invalid UTF-8: byte 0xFF never appears in UTF-8";
        QTest::newRow("vocabulary below the alphabet")
            << QStringList{"bpe-train", "--input", testData("banana.txt"), "--vocab-size", "3", "--output", out}
            << "--vocab-size 3 is smaller than the starting vocabulary of " + testData("banana.txt") +
                   " (4 symbols + 0 special tokens); ask for at least 4";
        QTest::newRow("unknown algorithm")
            << QStringList{"bpe-train", "--input", testData("banana.txt"), "--vocab-size", "9", "--output", out, "--algo", "unigram"}
            << "--algo expects bpe or wordpiece, got 'unigram'";
        QTest::newRow("vocab.json without merges")
            << QStringList{"encode", "--tokenizer", testData("gpt2/texts.json").replace("texts.json", "vocab_only.json"), "--input", testData("banana.txt")}
            << testData("gpt2/vocab_only.json") + ": cannot open: No such file or directory";
        QTest::newRow("id out of range")
            << QStringList{"decode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--ids", "31373 999999"}
            << "--ids: id 999999 is not in the vocabulary (50256 tokens)";
        QTest::newRow("ids not numbers")
            << QStringList{"decode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--ids", "12 x3"}
            << "--ids expects whole numbers separated by spaces; 'x3' is not one";
    }

    void badInput() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CliRun run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(QString::fromUtf8(run.err).trimmed(), QStringLiteral("pretrainlab-cli %1: %2").arg(arguments.first(), message));
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/pretrainlab-never-written.json")));
    }

    void binaryFileIsNotText() {
        const QString binary = file("binary.dat", QByteArray("\x7F" "ELF\x02\x01\x01\x00\x00\x00junk", 15));
        const CliRun run = runCli({"bpe-train", "--input", binary, "--vocab-size", "300", "--byte-level",
                                   "--output", folder_.filePath("never.json")});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(QString::fromUtf8(run.err).trimmed(),
                 QStringLiteral("pretrainlab-cli bpe-train: %1: byte 7 (line 1): a NUL byte: this looks like a binary file, not text").arg(binary));
    }

    void byteLevelAcceptsInvalidUtf8() {
        const CliRun run = runCli({"bpe-train", "--input", testData("invalid_utf8.txt"), "--vocab-size", "260",
                                   "--byte-level", "--output", folder_.filePath("invalid.json")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(json(run.out).value("vocab_size").toInt(), 260);
    }

    void encodeFindsTheFileKindByContent() {
        const QString vocab = file("vocab.json", R"({"a":0,"b":1,"ab":2})");
        const CliRun run = runCli({"encode", "--tokenizer", vocab, "--input", testData("banana.txt")});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(QString::fromUtf8(run.err).trimmed(),
                 QStringLiteral("pretrainlab-cli encode: %1: this is a vocab.json: give its merges.txt as well").arg(vocab));
    }

    // GPT-2's own vocab.json has a token "model"; with its merges.txt it is read as a vocab.json.
    void vocabJsonWithATokenNamedModel() {
        const QString vocab = file("v.json", R"({"model":0,"a":1})");
        const QString merges = file("m.txt", "#version: 0.2\n");
        const CliRun run = runCli({"encode", "--tokenizer", vocab, "--merges", merges, "--input", file("a.txt", "a")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(), QByteArray("1"));
    }

    // Files from the wild that used to pass with exit 0 while input vanished.
    void nothingIsLostSilently_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString text = file("text.txt", "a cab\n");
        const QString vocab = file("ab-vocab.json", R"({"a":0,"b":1,"ab":2,"\u0120":3})");
        const QString merges = file("ab-merges.txt", "#version: 0.2\na b\n");
        QTest::newRow("bytes the vocabulary lacks")
            << QStringList{"encode", "--tokenizer", vocab, "--merges", merges, "--input", text}
            << text + ": byte 2 (line 1): the tokenizer has no token for 'c' (63), byte 0A, and no unknown token: "
                      "encoding would lose them, so nothing was written";
        QTest::newRow("--merges with a tiktoken file")
            << QStringList{"encode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--merges", "/nonexistent/merges.txt", "--input", text}
            << "/nonexistent/merges.txt: a merges.txt goes only with a vocab.json, and gpt2.tiktoken is a tiktoken "
               "rank file (leave the merges out)";
        QTest::newRow("merges.txt as the tokenizer")
            << QStringList{"encode", "--tokenizer", merges, "--input", text}
            << merges + " line 2: this looks like a merges.txt (a pair of tokens per line), not a tokenizer: give "
                        "its vocab.json as the tokenizer and this file as its merges";
        QTest::newRow("a corpus as the tokenizer")
            << QStringList{"encode", "--tokenizer", testData("parity_corpus.txt"), "--input", text}
            << "this looks like plain text, not a tokenizer";
        QTest::newRow("an endless input") << QStringList{"bpe-train", "--input", "/dev/zero", "--vocab-size", "300", "--byte-level", "--output", folder_.filePath("never.json")}
                                          << "/dev/zero: cannot read: it is a device, not a file (it may never end)";
        QTest::newRow("a pipe as the text") << QStringList{"encode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--input", "/dev/stdin"}
                                            << "/dev/stdin: cannot read";
    }

    void nothingIsLostSilently() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CliRun run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.out.isEmpty(), run.out.constData());
        const QString err = QString::fromUtf8(run.err).trimmed();
        QVERIFY2(err.startsWith(QStringLiteral("pretrainlab-cli %1: ").arg(arguments.first())), qPrintable(err));
        QVERIFY2(err.count('\n') == 0 && err.contains(message), qPrintable(err));
    }

    // A binary corpus is refused by train as by bpe-train, even with a byte-level tokenizer.
    void trainRefusesABinaryCorpus() {
        const QString tokenizer = folder_.filePath("bytes.json");
        QCOMPARE(runCli({"bpe-train", "--input", testData("parity_corpus.txt"), "--vocab-size", "300", "--byte-level",
                         "--output", tokenizer}).exitCode, 0);
        const QString zeros = file("zeros.bin", QByteArray(200 * 1024, '\0'));
        const CliRun run = runCli({"train", "--corpus", zeros, "--tokenizer", tokenizer, "--steps", "1"});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(QString::fromUtf8(run.err).trimmed(),
                 QStringLiteral("pretrainlab-cli train: %1: byte 0 (line 1): a NUL byte: this looks like a binary file, not text").arg(zeros));

        // A tokenizer without an unknown token that cannot spell part of the corpus: refused, not
        // trained on a corpus with holes.
        const QString letters = folder_.filePath("letters.json");
        QCOMPARE(runCli({"bpe-train", "--input", testData("banana.txt"), "--vocab-size", "6", "--output", letters}).exitCode, 0);
        const QString corpus = file("zebra.txt", QByteArray("banana band ban ").repeated(200) + "zebra\n");
        const CliRun holes = runCli({"train", "--corpus", corpus, "--tokenizer", letters, "--steps", "1"});
        QCOMPARE(holes.exitCode, 2);
        QCOMPARE(QString::fromUtf8(holes.err).trimmed(),
                 QStringLiteral("pretrainlab-cli train: %1: byte 3200 (line 1): the tokenizer has no token for 'z' (7A), "
                                "'e' (65), 'r' (72), and no unknown token: training would never see them").arg(corpus));
    }

    // More ids than a command line holds: from a file, or from standard input.
    void decodesIdsFromAFileOrStandardInput() {
        QByteArray text;
        for (int i = 0; text.size() < 150000; ++i) text += "Sentence " + QByteArray::number(i) + " of a long text, with \xC3\xA9 and \xFF bytes.\n";
        const QString input = file("long.txt", text);
        const CliRun encoded = runCli({"encode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--input", input});
        QCOMPARE(encoded.exitCode, 0);
        QVERIFY2(encoded.out.count(' ') > 30000, "more ids than fit on a command line");
        const QString ids = file("ids.txt", encoded.out);
        const CliRun decoded = runCli({"decode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--ids-file", ids});
        QCOMPARE(decoded.exitCode, 0);
        QCOMPARE(decoded.out, text);

        QProcess process;
        process.start(QStringLiteral(PRETRAINLAB_CLI), {"decode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--ids-file", "-"});
        QVERIFY(process.waitForStarted());
        process.write(encoded.out);
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(process.readAllStandardOutput(), text);

        const QString bad = file("bad-ids.txt", "15496 11\n995 x7\n");
        const CliRun refused = runCli({"decode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--ids-file", bad});
        QCOMPARE(refused.exitCode, 2);
        QCOMPARE(QString::fromUtf8(refused.err).trimmed(),
                 QStringLiteral("pretrainlab-cli decode: %1: byte 13 (line 2): expected token ids (whole numbers "
                                "separated by spaces); 'x7' is not one").arg(bad));
        const QString unknown = file("unknown-ids.txt", "15496 999999\n");
        const CliRun outside = runCli({"decode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--ids-file", unknown});
        QCOMPARE(outside.exitCode, 2);
        QCOMPARE(QString::fromUtf8(outside.err).trimmed(),
                 QStringLiteral("pretrainlab-cli decode: %1: id 999999 is not in the vocabulary (50256 tokens)").arg(unknown));
        const CliRun both = runCli({"decode", "--tokenizer", testData("gpt2/gpt2.tiktoken"), "--ids", "1", "--ids-file", bad});
        QCOMPARE(both.exitCode, 2);
        QVERIFY(both.err.contains("either --ids or --ids-file"));
    }
};

QTEST_APPLESS_MAIN(TestCliTokenizer)
#include "test_cli_tokenizer.moc"
