#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/tokenize/corpus_file.hpp"
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

    // A corpus file is read and counted block by block (blocks end at line breaks), so memory
    // follows the words: the counts equal one pass over the whole text, and a problem in a later
    // block is reported at its place in the file.
    void corpusFilesAreCountedBlockByBlock() {
        QTemporaryDir folder;
        std::string text;
        for (int i = 0; i < 400; ++i) text += "the cat " + std::to_string(i % 37) + " sat\n\n  on the mat  ";
        const std::string path = folder.filePath("corpus.txt").toStdString();
        std::ofstream(path, std::ios::binary) << text;
        for (const PreTokenizerKind kind : {PreTokenizerKind::WhitespaceSplit, PreTokenizerKind::ByteLevel}) {
            CorpusOptions options;
            options.preTokenizer = kind;
            options.blockBytes = 100;  // hundreds of blocks
            const WordCounts whole = countCorpusWords(text, path, options);
            QCOMPARE(listing(readCorpusWords(path, options)), listing(whole));
        }
        const std::string invalid = folder.filePath("late.txt").toStdString();
        std::ofstream(invalid, std::ios::binary) << text << "caf\xE9\n";
        CorpusOptions options;
        options.blockBytes = 100;
        try {
            readCorpusWords(invalid, options);
            QFAIL("expected an error");
        } catch (const LocatedError& error) {
            QCOMPARE(error.where().byteOffset, std::optional<std::size_t>(text.size() + 4));
            QCOMPARE(error.where().line, std::optional<std::size_t>(801));
        }
        // A binary file is refused at its first NUL, before a line break is ever found.
        const std::string binary = folder.filePath("binary.dat").toStdString();
        std::ofstream(binary, std::ios::binary) << std::string(5000, 'x') << std::string(3, '\0') << std::string(5000, 'y');
        try {
            readCorpusWords(binary, options);
            QFAIL("expected an error");
        } catch (const LocatedError& error) {
            QCOMPARE(QString::fromStdString(error.reason()), QStringLiteral("a NUL byte: this looks like a binary file, not text"));
            QCOMPARE(error.where().byteOffset, std::optional<std::size_t>(5000));
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
