#include <QtTest>

#include "core/text/pretokenizer.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

namespace {

QStringList pieces(PreTokenizerKind kind, std::string_view text) {
    QStringList out;
    for (const std::string_view piece : PreTokenizer(kind).pieces(text)) {
        out << QString::fromUtf8(piece.data(), static_cast<qsizetype>(piece.size()));
    }
    return out;
}

}  // namespace

class TestPreTokenizer : public QObject {
    Q_OBJECT

private slots:
    void gpt2_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("contractions") << "It's what we'll do" << QStringList{"It", "'s", " what", " we", "'ll", " do"};
        QTest::newRow("numbers apart from letters") << "abc123 456" << QStringList{"abc", "123", " 456"};
        QTest::newRow("punctuation runs") << "wait... what?!" << QStringList{"wait", "...", " what", "?!"};
        // A run of spaces keeps its last space for the next word.
        QTest::newRow("space runs") << "a   b" << QStringList{"a", "  ", " b"};
        QTest::newRow("trailing spaces") << "end  " << QStringList{"end", "  "};
        QTest::newRow("newlines") << "one\n\ntwo" << QStringList{"one", "\n", "\n", "two"};
        QTest::newRow("unicode letters") << "naïve 東京 Привет" << QStringList{"naïve", " 東京", " Привет"};
        QTest::newRow("emoji are other") << "hi 🙂🙂" << QStringList{"hi", " 🙂🙂"};
    }

    void gpt2() {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const QByteArray bytes = text.toUtf8();
        QCOMPARE(pieces(PreTokenizerKind::ByteLevel, std::string_view(bytes.constData(), bytes.size())), expected);
    }

    void gpt2KeepsInvalidBytesAsPieces() {
        const std::string text = "ok\xFF\xFEgo on";
        const std::vector<std::string_view> found = PreTokenizer(PreTokenizerKind::ByteLevel).pieces(text);
        std::string joined;
        for (const std::string_view piece : found) joined += piece;
        QCOMPARE(joined, text);  // nothing lost
        QCOMPARE(found.size(), std::size_t(4));  // ok | FF FE | go | " on"
        QCOMPARE(found[1], std::string_view("\xFF\xFE"));
    }

    void whitespaceLikeHuggingFace() {
        QCOMPARE(pieces(PreTokenizerKind::Whitespace, "don't stop, ok?"),
                 (QStringList{"don", "'", "t", "stop", ",", "ok", "?"}));
        QCOMPARE(pieces(PreTokenizerKind::Whitespace, "snake_case x²"), (QStringList{"snake_case", "x", "²"}));
    }

    void whitespaceSplitKeepsPunctuation() {
        QCOMPARE(pieces(PreTokenizerKind::WhitespaceSplit, " don't\tstop,\u00A0ok? "),
                 (QStringList{"don't", "stop,", "ok?"}));
    }

    void bertIsolatesPunctuation() {
        QCOMPARE(pieces(PreTokenizerKind::Bert, "Hello, world! $5 «yes»"),
                 (QStringList{"Hello", ",", "world", "!", "$", "5", "«", "yes", "»"}));
    }

    void namesRoundTrip() {
        for (const PreTokenizerKind kind : {PreTokenizerKind::WhitespaceSplit, PreTokenizerKind::Whitespace,
                                            PreTokenizerKind::ByteLevel, PreTokenizerKind::Bert}) {
            QCOMPARE(parsePreTokenizer(preTokenizerName(kind)), std::optional<PreTokenizerKind>(kind));
        }
        QVERIFY(!parsePreTokenizer("spaces").has_value());
    }
};

QTEST_APPLESS_MAIN(TestPreTokenizer)
#include "test_pretokenizer.moc"
