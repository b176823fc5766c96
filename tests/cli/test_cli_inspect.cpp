// pretrainlab-cli inspect: any valid safetensors file is listed (metadata, then each tensor's name,
// dtype, shape and byte range); a malformed one is one line naming the file and what is wrong, exit 2.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

#include "cli_runner.hpp"

namespace {

QByteArray safetensorsOf(const QByteArray& header, const QByteArray& data, quint64 length) {
    QByteArray bytes(8, '\0');
    std::memcpy(bytes.data(), &length, 8);
    return bytes + header + data;
}
QByteArray safetensorsOf(const QByteArray& header, const QByteArray& data) {
    return safetensorsOf(header, data, quint64(header.size()));
}

}  // namespace

class TestCliInspect : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;
    QString write(const QString& name, const QByteArray& bytes) {
        const QString path = folder_.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) return {};
        file.write(bytes);
        return path;
    }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    void listsEveryTensorOfAnyDtype() {
        const QByteArray header =
            R"({"__metadata__":{"format":"pt"},)"
            R"("f32":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("f16":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]},)"
            R"("bf16":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]},)"
            R"("ids":{"dtype":"I64","shape":[1],"data_offsets":[16,24]},)"
            R"("mask":{"dtype":"BOOL","shape":[3],"data_offsets":[24,27]},)"
            R"("none":{"dtype":"F32","shape":[0],"data_offsets":[27,27]},)"
            R"("scalar":{"dtype":"U8","shape":[],"data_offsets":[27,28]}})";
        const QString file = write("all.safetensors", safetensorsOf(header, QByteArray(28, '\1')));
        const CliRun run = runCli({"inspect", file});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.err.isEmpty());
        const QList<QJsonObject> lines = jsonLines(run.out);
        QCOMPARE(lines.size(), 8);
        QCOMPARE(lines[0]["tensors"].toInt(), 7);
        QCOMPARE(lines[0]["metadata"].toObject()["format"].toString(), QString("pt"));
        QCOMPARE(lines[0]["data_bytes"].toInt(), 28);
        QCOMPARE(lines[1]["name"].toString(), QString("f32"));
        QCOMPARE(lines[2]["dtype"].toString(), QString("F16"));
        QCOMPARE(lines[2]["shape"].toArray(), (QJsonArray{1, 2}));
        QCOMPARE(lines[4]["dtype"].toString(), QString("I64"));
        QCOMPARE(lines[5]["data_offsets"].toArray(), (QJsonArray{24, 27}));
        QCOMPARE(lines[6]["bytes"].toInt(), 0);
        QCOMPARE(lines[7]["shape"].toArray(), QJsonArray{});
        QCOMPARE(lines[7]["name"].toString(), QString("scalar"));
    }

    void listsAShippedModel() {
        const CliRun run = runCli({"inspect", QStringLiteral(PRETRAINLAB_SOURCE_DIR "/resources/models/tiny-decoder.safetensors")});
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = jsonLines(run.out);
        QCOMPARE(lines[1]["name"].toString(), QString("token_embedding.weight"));
        QCOMPARE(lines.size() - 1, lines[0]["tensors"].toInt());
    }

    void aLargeSparseFileIsListedFromItsHeader() {
        const qint64 dataBytes = qint64(4) << 30;
        const QByteArray header = R"({"big":{"dtype":"U8","shape":[)" + QByteArray::number(dataBytes) +
                                  R"(],"data_offsets":[0,)" + QByteArray::number(dataBytes) + "]}}";
        const QString path = write("big.safetensors", safetensorsOf(header, {}));
        QVERIFY(QFile::resize(path, 8 + header.size() + dataBytes));
        const CliRun run = runCli({"inspect", path});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(jsonLines(run.out)[1]["bytes"].toInteger(), dataBytes);
        QFile::remove(path);
    }

    void malformedFilesAreOneLineNamingTheFile_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("says");
        const QByteArray one = R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
        QTest::newRow("too short") << QByteArray("\1\0\0\0", 4) << "too short for a safetensors file: 4 bytes";
        QTest::newRow("header length past the end") << safetensorsOf("{}", {}, 1000) << "should take 1000 bytes but only 2";
        QTest::newRow("header length absurd") << safetensorsOf("{}", {}, quint64(1) << 60) << "is absurdly large";
        QTest::newRow("not JSON") << safetensorsOf("{\"a\":", {}) << "the header is not valid JSON";
        QTest::newRow("not UTF-8") << safetensorsOf("{\"\xc3\x28\":1}", {}) << "the header is not valid UTF-8";
        QTest::newRow("unknown dtype") << safetensorsOf(R"({"a":{"dtype":"F12","shape":[1],"data_offsets":[0,4]}})", "abcd")
                                       << "tensor 'a' has the unknown dtype 'F12'";
        QTest::newRow("range against shape") << safetensorsOf(R"({"a":{"dtype":"I64","shape":[1],"data_offsets":[0,4]}})", "abcd")
                                             << "shape [1] of I64 needs 8 bytes, its data_offsets give 4";
        QTest::newRow("hole") << safetensorsOf(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})", "ab")
                              << "a hole in the data: bytes 0..1 belong to no tensor";
        QTest::newRow("overlap")
            << safetensorsOf("{" + one + R"(,"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", "abcd") << "overlap";
        QTest::newRow("trailing bytes") << safetensorsOf("{" + one + "}", "abcdef") << "2 trailing bytes after the last tensor";
        // Printing this shape in a message once overflowed the stack.
        QTest::newRow("shape nested 200,000 deep")
            << safetensorsOf(R"({"a":{"dtype":"F32","shape":)" + QByteArray(200'000, '[') + QByteArray(200'000, ']') +
                                 R"(,"data_offsets":[0,0]}})",
                             {})
            << "the header nests more than 64 levels deep at byte 98 of the file";
    }
    void malformedFilesAreOneLineNamingTheFile() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, says);
        const QString file = write("bad.safetensors", bytes);
        const CliRun run = runCli({"inspect", file});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.startsWith(("pretrainlab-cli inspect: " + file + ": ").toUtf8()) && run.err.contains(says.toUtf8()),
                 run.err.constData());
    }

    void aMissingFileOrArgumentIsNamed() {
        CliRun run = runCli({"inspect", folder_.filePath("absent.safetensors")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("absent.safetensors: cannot open"), run.err.constData());
        run = runCli({"inspect"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("missing --file"), run.err.constData());
    }
};

QTEST_APPLESS_MAIN(TestCliInspect)
#include "test_cli_inspect.moc"
