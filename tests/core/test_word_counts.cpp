#include <QtTest>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/tokenize/word_counts.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

namespace {

QStringList listing(const WordCounts& counts) {
    QStringList out;
    for (const CorpusWord& word : counts.words()) out << q(word.text) + "=" + QString::number(word.count);
    return out;
}

}  // namespace

class TestWordCounts : public QObject {
    Q_OBJECT

private slots:
    void countsWordsInFirstOccurrenceOrder() {
        const WordCounts counts = WordCounts::fromText("ban banana band ban\nbanana  ban", "t");
        QCOMPARE(listing(counts), (QStringList{"ban=3", "banana=2", "band=1"}));
        QCOMPARE(counts.totalOccurrences(), std::uint64_t(6));
    }

    void splitsOnUnicodeWhitespace() {
        const WordCounts counts = WordCounts::fromText("a\u00A0b\u3000c\td\r\ne", "t");
        QCOMPARE(listing(counts), (QStringList{"a=1", "b=1", "c=1", "d=1", "e=1"}));
    }

    void emptyAndBlankTextHaveNoWords() {
        QVERIFY(WordCounts::fromText("", "t").empty());
        QVERIFY(WordCounts::fromText(" \n\t\u3000 ", "t").empty());
    }

    void invalidUtf8IsReportedWithItsOffset() {
        try {
            WordCounts::fromText("fine\nnot \xC3 fine", "corpus.txt");
            QFAIL("expected an error");
        } catch (const LocatedError& error) {
            QCOMPARE(QString::fromUtf8(error.what()),
                     QStringLiteral("corpus.txt: byte 10 (line 2): invalid UTF-8: expected a "
                                    "continuation byte after 0xC3, got 0x20"));
        }
    }

    void readingAMissingFileNamesIt() {
        try {
            readFileBytes("/nonexistent/corpus.txt");
            QFAIL("expected an error");
        } catch (const LocatedError& error) {
            QCOMPARE(QString::fromUtf8(error.what()),
                     QStringLiteral("/nonexistent/corpus.txt: cannot open: No such file or directory"));
        }
        try {
            readFileBytes(PRETRAINLAB_TEST_DATA);
            QFAIL("expected an error");
        } catch (const LocatedError& error) {
            QVERIFY(QString::fromUtf8(error.what()).endsWith("cannot read: it is a directory"));
        }
    }

    void readsFileBytesExactly() {
        const std::string bytes = readFileBytes(PRETRAINLAB_TEST_DATA "/invalid_utf8.txt");
        QCOMPARE(bytes.size(), std::size_t(29));
        QCOMPARE(static_cast<unsigned char>(bytes[15]), 0xFF);
    }
};

QTEST_APPLESS_MAIN(TestWordCounts)
#include "test_word_counts.moc"
