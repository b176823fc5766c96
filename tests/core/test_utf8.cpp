#include <QtTest>

#include "core/common/error.hpp"
#include "core/text/utf8.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

class TestUtf8 : public QObject {
    Q_OBJECT

private slots:
    void wellFormedTextHasNoProblem() {
        QVERIFY(!utf8::findProblem("").has_value());
        QVERIFY(!utf8::findProblem("banana band ban").has_value());
        QVERIFY(!utf8::findProblem("é 日本 🙂 \xF4\x8F\xBF\xBF").has_value());  // up to U+10FFFF
    }

    void problems_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("reason");
        QTest::newRow("stray continuation") << QByteArray("ab\x80z") << 2 << 1 << "unexpected continuation byte 0x80";
        QTest::newRow("never in UTF-8") << QByteArray("x\xFFy") << 1 << 1 << "byte 0xFF never appears in UTF-8";
        QTest::newRow("C0 lead is overlong") << QByteArray("\xC0\xAF") << 0 << 1 << "byte 0xC0 never appears in UTF-8";
        QTest::newRow("overlong 3-byte") << QByteArray("\xE0\x80\xAF") << 0 << 1 << "overlong encoding";
        QTest::newRow("surrogate") << QByteArray("ok\n\xED\xA0\x80") << 3 << 2 << "encoded surrogate code point";
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0 << 1 << "code point above U+10FFFF";
        QTest::newRow("missing continuation") << QByteArray("a\nb\n\xC3(") << 5 << 3 << "expected a continuation byte after 0xC3, got 0x28";
        QTest::newRow("truncated at end") << QByteArray("abc\xE6\x97") << 3 << 1 << "truncated sequence at end of input (lead byte 0xE6)";
    }

    void problems() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, offset);
        QFETCH(int, line);
        QFETCH(QString, reason);
        const auto problem = utf8::findProblem(std::string_view(bytes.constData(), bytes.size()));
        QVERIFY(problem.has_value());
        QCOMPARE(int(problem->byteOffset), offset);
        QCOMPARE(int(problem->line), line);
        QCOMPARE(q(problem->reason), reason);
    }

    void requireValidNamesTheSourceAndPlace() {
        try {
            utf8::requireValid("good\nbad \xFF", "notes.txt");
            QFAIL("expected an error");
        } catch (const LocatedError& error) {
            QCOMPARE(QString::fromUtf8(error.what()),
                     QStringLiteral("notes.txt: byte 9 (line 2): invalid UTF-8: byte 0xFF never appears in UTF-8"));
            QCOMPARE(int(*error.where().byteOffset), 9);
        }
    }

    void splitsIntoCodePoints() {
        QCOMPARE(q(utf8::splitCharacters("aé日🙂")), (QStringList{"a", "é", "日", "🙂"}));
        QCOMPARE(int(utf8::countCharacters("aé日🙂")), 4);
        // A family emoji is several code points joined by ZWJ: each is its own character.
        QCOMPARE(int(utf8::splitCharacters("👨‍👩‍👧").size()), 5);
    }

    void decodeAndEncodeRoundTrip() {
        for (const char32_t codePoint : {U'a', U'\u00E9', U'\u65E5', U'\U0001F642', U'\U0010FFFF'}) {
            const std::string bytes = utf8::encode(codePoint);
            QVERIFY(!utf8::findProblem(bytes).has_value());
            std::size_t pos = 0;
            QCOMPARE(utf8::decode(bytes, pos), codePoint);
            QCOMPARE(pos, bytes.size());
        }
        QCOMPARE(utf8::firstCodePoint("日本"), U'\u65E5');
    }

    void whitespaceFollowsUnicode() {
        for (const char32_t space : {U' ', U'\t', U'\n', U'\r', U'\u00A0', U'\u2003', U'\u3000'}) {
            QVERIFY(utf8::isWhitespace(space));
        }
        for (const char32_t other : {U'a', U'_', U'\u200B', U'\u00AD'}) QVERIFY(!utf8::isWhitespace(other));
    }
};

QTEST_APPLESS_MAIN(TestUtf8)
#include "test_utf8.moc"
