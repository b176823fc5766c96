#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "core/tokenize/io/tokenizer_files.hpp"

using namespace pretrainlab;

// GPT-2's real tokenizer: its ranks and js-tiktoken's ids for texts of every kind were recorded
// by tests/reference/make_gpt2_fixture.js; our encoder must give the same ids.
class TestGpt2Parity : public QObject {
    Q_OBJECT

private slots:
    void sameIdsAsTiktoken() {
        const Tokenizer gpt2 = loadTokenizer(PRETRAINLAB_TEST_DATA "/gpt2/gpt2.tiktoken");
        QCOMPARE(gpt2.vocabulary().size(), std::size_t(50256));
        QFile file(QStringLiteral(PRETRAINLAB_TEST_DATA "/gpt2/expected.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(file.readAll()).array();
        QVERIFY(cases.size() >= 15);
        for (const QJsonValue& entry : cases) {
            const QByteArray text = entry.toObject().value("text").toString().toUtf8();
            std::vector<TokenId> expected;
            for (const QJsonValue& id : entry.toObject().value("ids").toArray()) {
                expected.push_back(static_cast<TokenId>(id.toInt()));
            }
            const std::vector<TokenId> ids = gpt2.encode(std::string_view(text.constData(), text.size()));
            if (ids != expected) {
                QString got;
                for (const TokenId id : ids) got += QString::number(id) + ' ';
                QFAIL(qPrintable(QStringLiteral("text \"%1\": got %2").arg(QString::fromUtf8(text), got)));
            }
            QCOMPARE(gpt2.decode(ids), std::string(text.constData(), static_cast<std::size_t>(text.size())));
        }
    }
};

QTEST_APPLESS_MAIN(TestGpt2Parity)
#include "test_gpt2_parity.moc"
