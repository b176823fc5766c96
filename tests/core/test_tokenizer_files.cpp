#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/common/error.hpp"
#include "core/tokenize/io/tokenizer_files.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "text_helpers.hpp"

using namespace pretrainlab;

class TestTokenizerFiles : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;

    std::string write(const char* name, std::string_view content) {
        const std::string path = folder_.filePath(QString::fromLatin1(name)).toStdString();
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    template <typename Load>
    QString failure(Load load) {
        try {
            load();
        } catch (const LocatedError& error) {
            return QString::fromUtf8(error.what()).remove(folder_.path() + "/");
        }
        return QStringLiteral("(no error)");
    }

    static QStringList pieces(const Tokenizer& tokenizer, std::string_view text, bool specials = false) {
        QStringList out;
        for (const TokenId id : tokenizer.encode(text, specials)) out << q(tokenizer.vocabulary().token(id));
        return out;
    }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    void bertVocabTxt() {
        const std::string path = write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nun\n##aff\n##able\n,\n!\ncafe\n");
        QCOMPARE(detectTokenizerFile(path), TokenizerFileKind::BertVocab);
        const Tokenizer bert = loadTokenizer(path);
        QCOMPARE(q(bert.kindName()), QStringLiteral("WordPiece"));
        // Uncased (no capitals in the vocabulary): lowercased, accents stripped, punctuation apart.
        QCOMPARE(pieces(bert, "The CAT, unaffable café!", true),
                 (QStringList{"[CLS]", "the", "cat", ",", "un", "##aff", "##able", "cafe", "!", "[SEP]"}));
        QCOMPARE(pieces(bert, "dog"), QStringList{"[UNK]"});
        QCOMPARE(q(bert.decode(bert.encode("The unaffable cat!"))), QStringLiteral("the unaffable cat!"));
    }

    void tiktokenRanks() {
        // "a"=0 "b"=1 "ab"=2 " "=3 " ab"=4, in base64.
        const std::string path = write("tiny.tiktoken", "YQ== 0\nYg== 1\nYWI= 2\nIA== 3\nIGFi 4\n");
        QCOMPARE(detectTokenizerFile(path), TokenizerFileKind::TiktokenRanks);
        const Tokenizer ranks = loadTokenizer(path);
        QCOMPARE(ranks.encode("ab ab"), (std::vector<TokenId>{2, 4}));
        QCOMPARE(ranks.decode(std::vector<TokenId>{2, 4, 3}), std::string("ab ab "));
    }

    void gpt2VocabAndMerges() {
        const std::string vocab = write("vocab.json", R"({"a":0,"b":1,"Ġ":2,"ab":3,"Ġab":4,"<|endoftext|>":5})");
        const std::string merges = write("merges.txt", "#version: 0.2\na b\nĠ ab\n");
        QCOMPARE(detectTokenizerFile(vocab), TokenizerFileKind::VocabJson);
        const Tokenizer gpt2 = loadTokenizer(vocab, merges);
        QCOMPARE(q(gpt2.kindName()), QStringLiteral("byte-level BPE"));
        QCOMPARE(gpt2.encode("ab ab<|endoftext|>"), (std::vector<TokenId>{3, 4, 5}));
        QCOMPARE(failure([&] { loadTokenizer(vocab); }),
                 QStringLiteral("vocab.json: this is a vocab.json: give its merges.txt as well"));
    }

    // GPT-2's own vocab.json has a token "model" (id 19849): it is still a vocab.json, not a
    // tokenizer.json, whose "model" is an object.
    void vocabJsonWithATokenNamedModel() {
        const std::string vocab = write("model-vocab.json", R"({"model":0,"a":1})");
        const std::string merges = write("model-merges.txt", "#version: 0.2\n");
        QCOMPARE(detectTokenizerFile(vocab), TokenizerFileKind::VocabJson);
        QCOMPARE(loadTokenizer(vocab, merges).encode("a"), (std::vector<TokenId>{1}));
        const std::string tokenizerJson = write("model-tokenizer.json", R"({"model":{"type":"WordLevel"}})");
        QCOMPARE(detectTokenizerFile(tokenizerJson), TokenizerFileKind::TokenizerJson);
    }

    void badFiles_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("truncated tokenizer.json")
            << "truncated.json" << QByteArray("{\"model\": {\"type\": \"BPE\",\n \"vocab\": {\"a\": 0")
            << "truncated.json: byte 43 (line 2): not valid JSON: syntax error while parsing object - "
               "unexpected end of input; expected '}'";
        QTest::newRow("no model") << "nomodel.json" << QByteArray("{\"version\": \"1.0\", \"model\": 5}")
                                  << "nomodel.json: model: expected an object, got number";
        QTest::newRow("three-token merge")
            << "merge3.json"
            << QByteArray(R"({"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b","a b c"]}})")
            << "merge3.json: model.merges[1]: expected two tokens separated by one space, got \"a b c\"";
        QTest::newRow("merge of unknown token")
            << "unknown.json" << QByteArray(R"({"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":[["a","z"]]}})")
            << "unknown.json: model.merges[0]: token \"z\" is not in model.vocab";
        QTest::newRow("unsupported model")
            << "unigram.json" << QByteArray(R"({"model":{"type":"Unigram","vocab":[]}})")
            << "unigram.json: model.type: model \"Unigram\" is not supported (BPE and WordPiece are)";
        QTest::newRow("bad vocab id")
            << "badid.json" << QByteArray(R"({"model":{"type":"WordPiece","vocab":{"a":-1}}})")
            << "badid.json: model.vocab[\"a\"]: expected a token id (a whole number from 0), got -1";
        QTest::newRow("unsupported pre-tokenizer")
            << "meta.json"
            << QByteArray(R"({"pre_tokenizer":{"type":"Metaspace"},"model":{"type":"WordPiece","vocab":{"a":0}}})")
            << "meta.json: pre_tokenizer.type: pre-tokenizer \"Metaspace\" is not supported (ByteLevel, "
               "Whitespace, WhitespaceSplit and BertPreTokenizer are)";
        QTest::newRow("bad rank line") << "bad.tiktoken" << QByteArray("YQ== 0\nYg== one\n")
                                       << "bad.tiktoken line 2: expected a rank (a whole number), got \"one\"";
        QTest::newRow("bad base64") << "bad64.tiktoken" << QByteArray("YQ== 0\nY!== 1\n")
                                    << "bad64.tiktoken line 2: \"Y!==\" is not valid base64";
        QTest::newRow("duplicate vocab.txt token") << "dup.txt" << QByteArray("[UNK]\na\nb\na\n")
                                                   << "dup.txt line 4: the token \"a\" appears twice";
        QTest::newRow("empty file") << "empty.json" << QByteArray("  \n")
                                    << "empty.json: the file is empty: expected a tokenizer.json, vocab.json, "
                                       "tiktoken rank file or vocab.txt";
    }

    void badFiles() {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        const std::string path = write(name.toLatin1().constData(), std::string_view(content.constData(), content.size()));
        QCOMPARE(failure([&] { loadTokenizer(path); }), message);
    }

    void badMergesTxt() {
        const std::string vocab = write("v.json", R"({"a":0,"b":1,"ab":2})");
        const std::string three = write("three.txt", "#version: 0.2\na b\na b a\n");
        QCOMPARE(failure([&] { readGpt2Files(vocab, three); }),
                 QStringLiteral("three.txt line 3: expected two tokens, got 3"));
        const std::string missing = write("missing.txt", "a zz\n");
        QCOMPARE(failure([&] { readGpt2Files(vocab, missing); }),
                 QStringLiteral("missing.txt line 1: token \"zz\" is not in v.json"));
        QCOMPARE(failure([&] { readGpt2Files(vocab, folder_.filePath("nope.txt").toStdString()); }),
                 QStringLiteral("nope.txt: cannot open: No such file or directory"));
    }
};

QTEST_APPLESS_MAIN(TestTokenizerFiles)
#include "test_tokenizer_files.moc"
