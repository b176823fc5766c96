#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>

#include "core/common/base64.hpp"
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

    // A tiktoken rank file: every single byte (rank = byte), then `extra` "base64 rank" lines,
    // leaving out the bytes in `without`.
    static std::string tiktokenFile(const std::string& extra, std::initializer_list<int> without = {}) {
        std::string text;
        for (int byte = 0; byte < 256; ++byte) {
            if (std::find(without.begin(), without.end(), byte) != without.end()) {
                text += "\n";  // a blank line where the rank should be
                continue;
            }
            text += base64::encode(std::string(1, static_cast<char>(byte))) + " " + std::to_string(byte) + "\n";
        }
        return text + extra;
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
        // The 256 bytes, then "ab"=256 " ab"=257, in base64.
        const std::string path = write("tiny.tiktoken", tiktokenFile("YWI= 256\nIGFi 257\n"));
        QCOMPARE(detectTokenizerFile(path), TokenizerFileKind::TiktokenRanks);
        const Tokenizer ranks = loadTokenizer(path);
        QCOMPARE(ranks.encode("ab ab"), (std::vector<TokenId>{256, 257}));
        QCOMPARE(ranks.decode(std::vector<TokenId>{256, 257, 32}), std::string("ab ab "));
        // A byte order mark before the first line is skipped, not read as part of a token.
        const std::string marked = write("bom.tiktoken", "\xEF\xBB\xBF" + tiktokenFile("YWI= 256\n"));
        QCOMPARE(detectTokenizerFile(marked), TokenizerFileKind::TiktokenRanks);
        QCOMPARE(loadTokenizer(marked).encode("ab!"), (std::vector<TokenId>{256, 33}));
    }

    // tiktoken refuses a rank file without every single byte; so does this reader, naming them,
    // where it used to drop those bytes from every text.
    void tiktokenWithoutEveryByte() {
        const std::string blank = write("blank5.tiktoken", tiktokenFile("", {5}));
        QCOMPARE(failure([&] { loadTokenizer(blank); }),
                 QStringLiteral("blank5.tiktoken: 1 of the 256 single bytes have no rank (0x05): text holding "
                                "them could not be encoded (a truncated or damaged file?)"));
        std::string cut = tiktokenFile("");
        cut.resize(cut.find("\n", cut.find(" 99\n")) + 1);  // the first 100 lines
        const std::string truncated = write("cut.tiktoken", cut);
        QCOMPARE(failure([&] { loadTokenizer(truncated); }),
                 QStringLiteral("cut.tiktoken: 156 of the 256 single bytes have no rank (0x64 0x65 0x66 0x67 0x68 "
                                "0x69 0x6A 0x6B ...): text holding them could not be encoded (a truncated or "
                                "damaged file?)"));
    }

    // Files that are not tokenizers are refused, saying what they look like, instead of being
    // read as a vocab.txt whose missing [UNK] then drops words.
    void notATokenizer_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("merges.txt") << "merges.txt" << QByteArray("#version: 0.2\nĠ t\nĠ a\nh e\n")
                                    << "merges.txt line 2: this looks like a merges.txt (a pair of tokens per line), "
                                       "not a tokenizer: give its vocab.json as the tokenizer and this file as its merges";
        QTest::newRow("merges.txt without its version line")
            << "pairs.txt" << QByteArray("t h\nth e\n")
            << "pairs.txt line 1: this looks like a merges.txt (a pair of tokens per line), not a tokenizer: "
               "give its vocab.json as the tokenizer and this file as its merges";
        QTest::newRow("a corpus") << "corpus.txt" << QByteArray("banana\nthe cat sat on the mat\n")
                                  << "corpus.txt line 2: this looks like plain text, not a tokenizer: a vocab.txt "
                                     "holds one token per line, without spaces, and this line is \"the cat sat on the mat\"";
        QTest::newRow("JSON array") << "array.json" << QByteArray("[\"a\", \"b\"]")
                                    << "array.json: this is a JSON array, not a tokenizer: a tokenizer.json or "
                                       "vocab.json is a JSON object";
        QTest::newRow("binary") << "model.bin" << QByteArray("PK\x03\x04\x00\x00junk", 10)
                                << "model.bin: byte 4 (line 1): a NUL byte: this is a binary file, not a tokenizer";
        QTest::newRow("SentencePiece vocab") << "sp.vocab" << QByteArray("<unk>\t0\n\xE2\x96\x81the\t-3.1\n")
                                             << "sp.vocab line 1: this looks like a SentencePiece .vocab (a token and "
                                                "its score per line), which is not read here: give a tokenizer.json, "
                                                "vocab.json, tiktoken rank file or vocab.txt";
        QTest::newRow("vocab.txt without [UNK]") << "nounk.txt" << QByteArray("[PAD]\n[CLS]\n[SEP]\nthe\ncat\n")
                                                 << "nounk.txt: the vocabulary has no [UNK]: WordPiece writes [UNK] for a "
                                                    "word it cannot spell, so without it such words would vanish "
                                                    "(Hugging Face refuses this vocabulary too)";
    }

    void notATokenizer() {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        const std::string path = write(name.toLatin1().constData(), std::string_view(content.constData(), content.size()));
        QCOMPARE(failure([&] { loadTokenizer(path); }), message);
    }

    // A merges file goes with a vocab.json only; given with anything else (or missing) it is
    // refused rather than ignored.
    void mergesOnlyWithVocabJson() {
        const std::string ranks = write("m.tiktoken", tiktokenFile(""));
        const std::string merges = write("m-merges.txt", "#version: 0.2\n");
        QCOMPARE(failure([&] { loadTokenizer(ranks, merges); }),
                 QStringLiteral("m-merges.txt: a merges.txt goes only with a vocab.json, and m.tiktoken is a tiktoken "
                                "rank file (leave the merges out)"));
        const std::string json = write("m-tokenizer.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":1}}})");
        QCOMPARE(failure([&] { loadTokenizer(json, folder_.filePath("absent.txt").toStdString()); }),
                 QStringLiteral("absent.txt: a merges.txt goes only with a vocab.json, and m-tokenizer.json is a "
                                "tokenizer.json (leave the merges out)"));
    }

    // Ids index a table, so a file may not name ids far beyond its entries (a 15-byte file with
    // rank 100,000,000 took 3 GB), nor ids that do not fit 32 bits.
    void absurdIds() {
        const std::string rank = write("far.tiktoken", tiktokenFile("YWI= 100000000\n"));
        QCOMPARE(failure([&] { loadTokenizer(rank); }),
                 QStringLiteral("far.tiktoken line 257: id 100000000 is far beyond the 258 entries the file holds (a "
                                "vocabulary may leave at most 65536 ids unused: each one takes memory)"));
        const std::string vocab = write("far-vocab.json", R"({"a":0,"b":4294967297})");
        const std::string merges = write("far-merges.txt", "#version: 0.2\n");
        QCOMPARE(failure([&] { loadTokenizer(vocab, merges); }),
                 QStringLiteral("far-vocab.json: \"b\": id 4294967297 is far beyond the 2 entries the file holds (a "
                                "vocabulary may leave at most 65536 ids unused: each one takes memory)"));
        const std::string json = write("far.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":2128942762}}})");
        QCOMPARE(failure([&] { loadTokenizer(json); }),
                 QStringLiteral("far.json: model.vocab[\"a\"]: id 2128942762 is far beyond the 2 entries the file "
                                "holds (a vocabulary may leave at most 65536 ids unused: each one takes memory)"));
    }

    // Hugging Face's WordPiece decoder cleans up each token (with the space before it), so "do not"
    // spelt as two tokens stays "do not"; on the whole string it became "don't".
    void wordPieceDecodesTokenByToken() {
        const std::string path = write("decode-vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nwe\ndo\nnot\nsell\nit\n.\n,\n'\ns\nn\n##t\nhello\n");
        const Tokenizer bert = loadTokenizer(path);
        const auto roundTrip = [&](std::string_view text) { return q(bert.decode(bert.encode(text))); };
        QCOMPARE(roundTrip("we do not sell it"), QStringLiteral("we do not sell it"));
        QCOMPARE(roundTrip("hello, we sell it."), QStringLiteral("hello, we sell it."));
        QCOMPARE(roundTrip("it's"), QStringLiteral("it ' s"));  // as Hugging Face: " '" is not " ' "
        // The first token keeps a continuing prefix, as Hugging Face's decoder leaves it.
        QCOMPARE(q(bert.decode(std::vector<TokenId>{14, 4})), QStringLiteral("##t we"));
    }

    // tokenizer.json read as Hugging Face reads it.
    void tokenizerJsonAsHuggingFace() {
        // TemplateProcessing writes the ids of "special_tokens", whatever the names.
        const std::string templated = write("template.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"a":3}},
            "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"BOS","type_id":0}},
              {"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"EOS","type_id":0}}],
              "special_tokens":{"BOS":{"id":"BOS","ids":[2,1],"tokens":["[SEP]","[CLS]"]},"EOS":{"id":"EOS","ids":[1],"tokens":["[CLS]"]}}}})");
        QCOMPARE(loadTokenizer(templated).encode("a", true), (std::vector<TokenId>{2, 1, 3, 1}));
        // A template without $A writes only its special tokens.
        const std::string noText = write("notext.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"a":2}},"pre_tokenizer":{"type":"WhitespaceSplit"},
            "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}}],
              "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[1],"tokens":["[CLS]"]}}}})");
        QCOMPARE(loadTokenizer(noText).encode("a a", true), (std::vector<TokenId>{1}));
        QCOMPARE(loadTokenizer(noText).encode("a a", false), (std::vector<TokenId>{2, 2}));
        // A template naming a special token the file does not define is refused, as by Hugging Face.
        const std::string undefined = write("undefined.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0}},
            "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}}]}})");
        QCOMPARE(failure([&] { loadTokenizer(undefined); }),
                 QStringLiteral("undefined.json: post_processor.single[0]: special token \"[CLS]\" is not in "
                                "post_processor.special_tokens"));
        // [UNK] only among the added tokens, as in Hugging Face's own WordPiece files.
        const std::string added = write("added-unk.json", R"({"added_tokens":[{"id":0,"content":"[UNK]","special":true}],
            "model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"a":1,"##b":2}},"pre_tokenizer":{"type":"WhitespaceSplit"},"decoder":{"type":"WordPiece","prefix":"##","cleanup":true}})");
        QCOMPARE(loadTokenizer(added).encode("ab c"), (std::vector<TokenId>{1, 2, 0}));
        // Decoders: an unknown type is refused, a known one that is not supported says so, and
        // "cleanup": false keeps the spaces.
        const std::string unknownDecoder = write("decoder.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"decoder":{"type":"Wordpiece"}})");
        QCOMPARE(failure([&] { loadTokenizer(unknownDecoder); }),
                 QStringLiteral("decoder.json: decoder.type: \"Wordpiece\" is not a decoder Hugging Face knows (it "
                                "knows BPEDecoder, ByteLevel, ByteFallback, CTC, Fuse, Metaspace, Replace, Sequence, "
                                "Strip, WordPiece)"));
        const std::string metaspace = write("metaspace.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"decoder":{"type":"Metaspace"}})");
        QCOMPARE(failure([&] { loadTokenizer(metaspace); }),
                 QStringLiteral("metaspace.json: decoder.type: decoder \"Metaspace\" is not supported (ByteLevel and "
                                "WordPiece are)"));
        const std::string raw = write("nocleanup.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":1,".":2}},
            "pre_tokenizer":{"type":"BertPreTokenizer"},"decoder":{"type":"WordPiece","prefix":"##","cleanup":false}})");
        const Tokenizer kept = loadTokenizer(raw);
        QCOMPARE(q(kept.decode(kept.encode("a."))), QStringLiteral("a ."));
        // A byte order mark is skipped; the file is still a tokenizer.json.
        const std::string marked = write("bom.json", "\xEF\xBB\xBF" R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":1}}})");
        QCOMPARE(detectTokenizerFile(marked), TokenizerFileKind::TokenizerJson);
        QCOMPARE(loadTokenizer(marked).encode("a"), (std::vector<TokenId>{1}));
    }

    // Deep nesting is refused before parsing: copying or printing a value recurses (a vocab entry
    // 200,000 arrays deep overflowed the stack), and nested sequences cost a path each (a 720 KB
    // file took 5.8 GB).
    void deepNestingIsRefused() {
        std::string normalizer = R"({"type":"Lowercase"})";
        for (int level = 0; level < 40; ++level) normalizer = R"({"type":"Sequence","normalizers":[)" + normalizer + "]}";
        const std::string sequences = write("deep.json", R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"normalizer":)" + normalizer + "}");
        QString message = failure([&] { loadTokenizer(sequences); });
        QVERIFY2(message.startsWith("deep.json: byte "), qPrintable(message));
        QVERIFY2(message.endsWith(": JSON nested more than 64 levels deep is not read"), qPrintable(message));
        const std::string arrays = write("deep-id.json", R"({"model":{"type":"WordPiece","vocab":{"a":)" + std::string(200000, '[') +
                                                             std::string(200000, ']') + "}}}");
        message = failure([&] { loadTokenizer(arrays); });
        QCOMPARE(message, QStringLiteral("deep-id.json: byte 103 (line 1): JSON nested more than 64 levels deep is not read"));
        const std::string vocab = write("deep-vocab.json", "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
        message = failure([&] { loadTokenizer(vocab, write("deep-merges.txt", "")); });
        QCOMPARE(message, QStringLiteral("deep-vocab.json: byte 68 (line 1): JSON nested more than 64 levels deep is not read"));
    }

    // What encoding would lose for want of an unknown token is found before it is lost.
    void droppedText() {
        const std::string vocab = write("drop-vocab.json", R"({"a":0,"b":1,"Ġ":2,"ab":3,"<|endoftext|>":4})");
        const std::string merges = write("drop-merges.txt", "#version: 0.2\na b\n");
        const Tokenizer partial = loadTokenizer(vocab, merges);
        QCOMPARE(partial.dropped("ab ab<|endoftext|>"), std::vector<std::string>{});
        QCOMPARE(partial.dropped("ab cab\xC3\xA9"), (std::vector<std::string>{"c", "\xC3", "\xA9"}));
        const Tokenizer full = loadTokenizer(write("full.tiktoken", tiktokenFile("")));
        QCOMPARE(full.dropped("anything \xFF at all"), std::vector<std::string>{});
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
        QTest::newRow("a number past a double's range")
            << "overflow.json" << QByteArray(R"({"model":{"type":"BPE","vocab":{"a":1e400},"merges":[]}})")
            << "overflow.json: not valid JSON: it holds a number too large to read";
        QTest::newRow("a vocab.json with a number past a double's range")
            << "overflow-vocab.json" << QByteArray(R"({"a":0,"b":1e400})")
            << "overflow-vocab.json: not valid JSON: it holds a number too large to read";
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
