#include <QtTest>

#include <random>
#include <set>

#include "core/text/byte_level.hpp"
#include "core/text/utf8.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

class TestByteLevel : public QObject {
    Q_OBJECT

private slots:
    void gpt2Table() {
        QCOMPARE(q(byte_level::symbols()['a']), QStringLiteral("a"));
        QCOMPARE(q(byte_level::symbols()['!']), QStringLiteral("!"));
        QCOMPARE(byte_level::codePointOf(' '), U'\u0120');   // Ġ
        QCOMPARE(byte_level::codePointOf('\n'), U'\u010A');  // Ċ
        QCOMPARE(byte_level::codePointOf(0), U'\u0100');     // Ā
        QCOMPARE(byte_level::codePointOf(0xAD), U'\u0143');  // the last one moved
        QCOMPARE(byte_level::codePointOf(0xE9), U'\u00E9');  // é keeps its own character
        std::set<char32_t> distinct;
        for (int byte = 0; byte < 256; ++byte) {
            distinct.insert(byte_level::codePointOf(static_cast<std::uint8_t>(byte)));
            QCOMPARE(int(utf8::countCharacters(byte_level::symbols()[byte])), 1);
        }
        QCOMPARE(int(distinct.size()), 256);
    }

    void encodesSpacesAndMultibyteCharacters() {
        QCOMPARE(q(byte_level::encode("hi there")), QStringLiteral("hiĠthere"));
        // é is two bytes, C3 A9, so it becomes two symbols.
        QCOMPARE(q(byte_level::encode("é")), QStringLiteral("Ã©"));
        QCOMPARE(int(utf8::countCharacters(byte_level::encode("🙂"))), 4);
    }

    void everyByteStringRoundTrips() {
        std::mt19937 random(7);
        std::uniform_int_distribution<int> byte(0, 255);
        for (int trial = 0; trial < 200; ++trial) {
            std::string bytes(static_cast<std::size_t>(trial % 40), '\0');
            for (char& b : bytes) b = static_cast<char>(byte(random));
            const std::optional<std::string> back = byte_level::decode(byte_level::encode(bytes));
            QVERIFY(back.has_value());
            QCOMPARE(*back, bytes);
        }
    }

    void decodeRejectsCharactersOutsideTheTable() {
        QVERIFY(!byte_level::decode("日").has_value());
        QVERIFY(!byte_level::decode("\xFF").has_value());
    }
};

QTEST_APPLESS_MAIN(TestByteLevel)
#include "test_byte_level.moc"
