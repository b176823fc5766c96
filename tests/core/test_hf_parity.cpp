#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>

#include "core/tokenize/corpus_file.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

// Against Hugging Face tokenizers itself (npm's native binding, run with Node.js): its BPE trainer
// must learn the merges ours learns, and the tokenizer.json we write must load there and encode
// the same. Skipped, with the reason, when Node.js or the npm packages are missing
// (scripts/install-peers.sh installs them; CI does).
namespace {

QString peersDirectory() {
    const QByteArray fromEnvironment = qgetenv("PRETRAINLAB_PEERS_DIR");
    return fromEnvironment.isEmpty() ? QStringLiteral(PRETRAINLAB_PEERS_DIR) : QString::fromLocal8Bit(fromEnvironment);
}

QString missingPeers() {
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty()) return QStringLiteral("node is not on PATH");
    if (!QDir(peersDirectory() + "/node_modules/tokenizers").exists()) {
        return QStringLiteral("npm's tokenizers is not in %1/node_modules").arg(peersDirectory());
    }
    return {};
}

QByteArray node(const QStringList& arguments) {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("NODE_PATH"), peersDirectory() + "/node_modules");
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral("node"), arguments);
    if (!process.waitForFinished(300000) || process.exitCode() != 0) {
        qWarning("node %s failed: %s", qPrintable(arguments.join(' ')), process.readAllStandardError().constData());
        return {};
    }
    return process.readAllStandardOutput();
}

QString script(const char* name) { return QStringLiteral(PRETRAINLAB_SOURCE_DIR "/tests/peers/") + name; }
const char* corpusPath = PRETRAINLAB_TEST_DATA "/parity_corpus.txt";

QStringList mergeList(const Tokenizer& tokenizer) {
    QStringList merges;
    for (const TokenPair& pair : tokenizer.config().merges) {
        merges << q(tokenizer.vocabulary().token(pair.left)) + " " + q(tokenizer.vocabulary().token(pair.right));
    }
    return merges;
}

}  // namespace

class TestHfParity : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;
    QJsonArray texts_;

    std::vector<std::vector<TokenId>> hfIds(const QStringList& arguments) {
        const QJsonArray all = QJsonDocument::fromJson(node(arguments)).array();
        std::vector<std::vector<TokenId>> ids;
        for (const QJsonValue& one : all) {
            ids.emplace_back();
            for (const QJsonValue& id : one.toArray()) ids.back().push_back(static_cast<TokenId>(id.toInt()));
        }
        return ids;
    }

    void compareEncodings(const Tokenizer& ours, const std::vector<std::vector<TokenId>>& theirs) {
        QCOMPARE(theirs.size(), std::size_t(texts_.size()));
        for (qsizetype i = 0; i < texts_.size(); ++i) {
            const QByteArray text = texts_[i].toString().toUtf8();
            const std::vector<TokenId> ids = ours.encode(std::string_view(text.constData(), text.size()));
            if (ids != theirs[static_cast<std::size_t>(i)]) {
                QFAIL(qPrintable(QStringLiteral("text %1 (\"%2\") encodes differently").arg(i).arg(texts_[i].toString())));
            }
        }
    }

    Tokenizer trainOurs(bool byteLevel, MergeCriterion criterion, bool allBytes) {
        const WordCounts words = readCorpusWords(
            corpusPath, {byteLevel ? PreTokenizerKind::ByteLevel : PreTokenizerKind::Whitespace, byteLevel, 1});
        BpeOptions options;
        options.vocabSize = 30000;  // Hugging Face's default
        options.symbols = byteLevel ? InitialSymbols::Bytes : InitialSymbols::Characters;
        options.allBytesInAlphabet = allBytes;
        options.criterion = criterion;
        if (criterion == MergeCriterion::Likelihood) {
            options.continuingPrefix = "##";
            options.specialTokens = {"[UNK]"};
            options.vocabSize = 400;
        }
        BpeTrainer trainer(words, options);
        while (trainer.step()) {
        }
        return tokenizerFromTrainer(trainer, byteLevel ? PreTokenizerKind::ByteLevel : PreTokenizerKind::Whitespace);
    }

private slots:
    void initTestCase() {
        QVERIFY(folder_.isValid());
        QFile file(QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/texts.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        texts_ = QJsonDocument::fromJson(file.readAll()).array();
        QVERIFY(!texts_.isEmpty());
    }

    void sameMergesAsHuggingFaceTrainer_data() {
        QTest::addColumn<bool>("byteLevel");
        QTest::newRow("byte-level") << true;
        QTest::newRow("whitespace, characters") << false;
    }

    void sameMergesAsHuggingFaceTrainer() {
        QFETCH(bool, byteLevel);
        const QString out = folder_.filePath(byteLevel ? "hf-byte.json" : "hf-whitespace.json");
        QVERIFY(!node({script("hf_train.js"), QString::fromLatin1(corpusPath),
                       byteLevel ? "byte-level" : "whitespace", out})
                     .isEmpty());
        const Tokenizer theirs = readTokenizerJson(out.toStdString());
        // The default trainer's alphabet is the bytes seen, so ours leaves the others out too.
        const Tokenizer ours = trainOurs(byteLevel, MergeCriterion::Frequency, false);
        QVERIFY(theirs.config().merges.size() > 500);
        QCOMPARE(mergeList(ours), mergeList(theirs));
        QCOMPARE(ours.vocabulary().tokens(), theirs.vocabulary().tokens());
    }

    void ourTokenizerJsonEncodesTheSameThere_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("byte-level BPE") << 0;
        QTest::newRow("whitespace BPE") << 1;
        QTest::newRow("WordPiece") << 2;
    }

    void ourTokenizerJsonEncodesTheSameThere() {
        QFETCH(int, kind);
        const Tokenizer ours = kind == 0 ? trainOurs(true, MergeCriterion::Frequency, true)
                               : kind == 1 ? trainOurs(false, MergeCriterion::Frequency, true)
                                           : trainOurs(false, MergeCriterion::Likelihood, true);
        const QString path = folder_.filePath(QStringLiteral("ours-%1.json").arg(kind));
        writeTokenizerJson(ours, path.toStdString());
        compareEncodings(ours, hfIds({script("hf_encode.js"), path, QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/texts.json")}));
    }

    void gpt2FilesEncodeTheSameThere() {
        const Tokenizer ours = trainOurs(true, MergeCriterion::Frequency, true);
        const std::string vocab = folder_.filePath("vocab.json").toStdString();
        const std::string merges = folder_.filePath("merges.txt").toStdString();
        writeGpt2Files(ours, vocab, merges);
        const Tokenizer reread = readGpt2Files(vocab, merges);
        compareEncodings(reread, hfIds({script("hf_encode.js"), QString::fromStdString(vocab),
                                        QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/texts.json"),
                                        QString::fromStdString(merges)}));
    }
};

int main(int argc, char** argv) {
    const QString missing = missingPeers();
    if (!missing.isEmpty()) {
        std::printf("SKIPPED: Hugging Face parity needs Node.js and npm's tokenizers (%s); run "
                    "scripts/install-peers.sh\n", qPrintable(missing));
        return 77;  // CTest's SKIP_RETURN_CODE
    }
    TestHfParity test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_hf_parity.moc"
