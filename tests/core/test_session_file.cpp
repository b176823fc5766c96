// A session file (.pretrainlab): named parts kept as U8 tensors of one safetensors file. Parts come
// back byte for byte; a cut, a changed byte, a newer version or a file that is not a session is
// refused with its reason. Also the two codecs the parts use: a corpus's word counts and a model
// with its tokenizer.
#include <QtTest>

#include <random>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/data/objectives.hpp"
#include "core/data/toyworld.hpp"
#include "core/tokenize/word_counts.hpp"
#include "core/train/bundle_bytes.hpp"
#include "core/train/safetensors.hpp"
#include "core/train/session_file.hpp"
#include "core/train/weights_file.hpp"

using namespace pretrainlab;
using train::SessionParts;

namespace {

SessionParts someParts() {
    std::string binary;
    for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
    return {{"a/lesson.json", "{\"x\": 1}\n"}, {"b/bytes", binary}, {"c/empty", ""}, {"d/text", "banana band ban"}};
}

// The reason a parse gives, or "" when it reads.
QString refusal(std::string bytes) {
    try {
        train::parseSessionFile(std::move(bytes), "lesson.pretrainlab");
    } catch (const LocatedError& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

std::shared_ptr<const train::ModelBundle> smallBundle(nn::Architecture architecture) {
    Tokenizer tokenizer = data::ToyWorld::tokenizer();
    auto vocabulary = static_cast<nn::Index>(tokenizer.vocabulary().size());
    const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, architecture);
    nn::ModelConfig config;
    config.architecture = architecture;
    config.vocabulary = vocabulary;
    config.width = 16;
    config.heads = 2;
    config.layers = 1;
    config.context = 16;
    auto model = std::make_shared<nn::Transformer<float>>(config, 7);
    return std::make_shared<const train::ModelBundle>(train::ModelBundle{model, tokenizer, specials, "a small model"});
}

}  // namespace

class TestSessionFile : public QObject {
    Q_OBJECT

private slots:
    void partsComeBackByteForByte() {
        const SessionParts parts = someParts();
        const std::string bytes = train::sessionFileBytes(parts);
        QVERIFY(train::parseSessionFile(bytes, "s") == parts);
        // Any safetensors reader lists them: U8 tensors, the format in the metadata.
        const train::SafetensorsFile file(bytes, "s");
        QCOMPARE(file.metadata().at("format"), std::string("pretrainlab-session"));
        QCOMPARE(file.metadata().at("version"), std::to_string(train::sessionFormatVersion));
        QCOMPARE(file.tensors().at("b/bytes").dtype, std::string("U8"));
        QCOMPARE(file.tensors().at("b/bytes").shape, (std::vector<std::int64_t>{256}));
        QCOMPARE(std::string(file.bytesOf("d/text")), std::string("banana band ban"));
        // The same parts make the same bytes.
        QCOMPARE(train::sessionFileBytes(parts), bytes);
    }

    void everyCutIsRefused() {
        const std::string bytes = train::sessionFileBytes(someParts());
        for (std::size_t length = 0; length < bytes.size(); ++length) {
            const QString why = refusal(bytes.substr(0, length));
            QVERIFY2(why.startsWith("lesson.pretrainlab: not a whole PretrainLab session file"), qPrintable(QString::number(length) + ": " + why));
        }
    }

    void aChangedByteIsRefused() {
        const std::string bytes = train::sessionFileBytes(someParts());
        const train::SafetensorsLayout layout = train::parseSafetensorsLayout(bytes, bytes.size(), "s");
        for (std::size_t at = layout.dataStart; at < bytes.size(); at += 37) {
            std::string changed = bytes;
            changed[at] = static_cast<char>(changed[at] ^ 0x20);
            const QString why = refusal(changed);
            QVERIFY2(why.contains("is not what was saved") && why.contains("damaged"), qPrintable(why));
        }
    }

    void aNewerVersionIsRefusedByName() {
        const SessionParts parts = someParts();
        std::vector<train::BytesToWrite> tensors;
        for (const auto& [name, bytes] : parts) tensors.push_back({name, bytes});
        std::string record = "{";
        for (const auto& [name, bytes] : parts) {
            record += std::string(record.size() > 1 ? "," : "") + "\"" + name + "\":{\"bytes\":" + std::to_string(bytes.size()) +
                      ",\"fnv1a\":\"" + train::fingerprintHex(fingerprint(bytes)) + "\"}";
        }
        record += "}";
        const auto withVersion = [&](const std::string& version) {
            return train::safetensorsOfBytes(tensors, {{"format", "pretrainlab-session"}, {"version", version}, {"parts", record}});
        };
        QVERIFY(train::parseSessionFile(withVersion("1"), "s") == parts);  // the record made here is right
        const QString newer = refusal(withVersion(std::to_string(train::sessionFormatVersion + 1)));
        QVERIFY2(newer.contains("saved by a newer PretrainLab (session format 2; this one reads up to 1)"), qPrintable(newer));
        QVERIFY(refusal(withVersion("one")).contains("version is missing or not a number"));
        QVERIFY(refusal(withVersion("0")).contains("version is missing or not a number"));
        // A part the record does not list, and one it lists that is not there.
        std::vector<train::BytesToWrite> more = tensors;
        more.push_back({"e/extra", "x"});
        QVERIFY(refusal(train::safetensorsOfBytes(more, {{"format", "pretrainlab-session"}, {"version", "1"}, {"parts", record}}))
                    .contains("the part 'e/extra' is not in the session's record"));
        tensors.pop_back();
        QVERIFY(refusal(withVersion("1")).contains("the part 'd/text' is missing"));
    }

    void otherFilesAreNotSessions() {
        QVERIFY(refusal("hello, world, this is text").contains("not a whole PretrainLab session file"));
        const float weights[2] = {1, 2};
        const std::string model = train::safetensorsBytes({{"w", {2}, weights}});
        QVERIFY2(refusal(model).contains("a safetensors file, but not a PretrainLab session"), qPrintable(refusal(model)));
    }

    void wordCountsComeBackInTheirOrder() {
        WordCounts counts = WordCounts::fromText("banana band ban banana\n\xC3\xA9t\xC3\xA9 ban", "t");
        counts.add(std::string("nul\0byte", 8), 3);
        const std::string bytes = wordCountsBytes(counts);
        const WordCounts back = wordCountsFromBytes(bytes, "w");
        QCOMPARE(back.size(), counts.size());
        QCOMPARE(back.totalOccurrences(), counts.totalOccurrences());
        for (std::size_t i = 0; i < counts.size(); ++i) {
            QCOMPARE(back.words()[i].text, counts.words()[i].text);
            QCOMPARE(back.words()[i].count, counts.words()[i].count);
        }
        QVERIFY(wordCountsFromBytes("", "w").empty());
    }

    void brokenWordCountsAreRefusedWhereTheyBreak() {
        WordCounts counts;
        counts.add("ab", 2);
        counts.add("c", 1);
        const std::string bytes = wordCountsBytes(counts);
        const auto why = [](const std::string& b) {
            try {
                wordCountsFromBytes(b, "w");
            } catch (const LocatedError& error) {
                return QString::fromStdString(error.what());
            }
            return QString();
        };
        for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
            if (cut == 14) continue;  // after the first word: a whole list of one word
            QVERIFY2(why(bytes.substr(0, cut)).contains("cut short"), qPrintable(QString::number(cut) + why(bytes.substr(0, cut))));
        }
        QVERIFY(why(bytes + bytes.substr(0, 14)).contains("the word 'ab' comes twice"));
        QVERIFY(why(bytes + bytes.substr(0, 14)).contains("byte 27"));
        std::string zero = bytes;
        zero[0] = 0;
        QVERIFY(why(zero).contains("counted 0 times"));
        std::string empty = bytes.substr(0, 12);
        empty[8] = 0;
        QVERIFY(why(empty).contains("an empty word"));
    }

    void aModelComesBackExactly() {
        for (const nn::Architecture architecture : {nn::Architecture::Encoder, nn::Architecture::Decoder}) {
            const auto bundle = smallBundle(architecture);
            const train::BundleBytes bytes = train::bundleBytes(*bundle);
            const auto back = train::bundleFromBytes(bytes, "m");
            QCOMPARE(back->description, bundle->description);
            QCOMPARE(back->specials.mask, bundle->specials.mask);
            QCOMPARE(back->specials.cls, bundle->specials.cls);
            QCOMPARE(back->model->config().vocabulary, bundle->model->config().vocabulary);
            const auto& a = bundle->model->parameters().values();
            const auto& b = back->model->parameters().values();
            QCOMPARE(a.size(), b.size());
            QVERIFY(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
            QCOMPARE(train::bundleBytes(*back).json, bytes.json);
            QVERIFY(train::bundleBytes(*back).weights == bytes.weights);
        }
    }

    void aModelWhosePartsDoNotFitIsRefused() {
        const auto bundle = smallBundle(nn::Architecture::Decoder);
        const train::BundleBytes bytes = train::bundleBytes(*bundle);
        const auto why = [](const train::BundleBytes& b) {
            try {
                train::bundleFromBytes(b, "m");
            } catch (const LocatedError& error) {
                return QString::fromStdString(error.what());
            }
            return QString();
        };
        // Weights of another shape.
        const auto wide = [&] {
            auto other = smallBundle(nn::Architecture::Decoder);
            nn::ModelConfig config = other->model->config();
            config.width = 32;
            return train::bundleBytes(train::ModelBundle{std::make_shared<nn::Transformer<float>>(config), other->tokenizer,
                                                         other->specials, ""});
        }();
        const QString shape = why({bytes.json, wide.weights});
        QVERIFY2(shape.startsWith("m: weights") && shape.contains("has shape"), qPrintable(shape));
        // A special token past the vocabulary.
        std::string json = bytes.json;
        const std::size_t mask = json.find("\"mask\"");
        QVERIFY(mask != std::string::npos);
        json.replace(json.find(':', mask) + 1, json.find(',', mask) - json.find(':', mask) - 1, " 99999");
        QVERIFY2(why({json, bytes.weights}).contains("outside the vocabulary"), qPrintable(why({json, bytes.weights})));
        // A shape far larger than its weights: refused by its numbers before anything is built.
        std::string huge = bytes.json;
        const std::size_t width = huge.find("\"d\": 16");
        QVERIFY(width != std::string::npos);
        huge.replace(width, 7, "\"d\": 4000000000");
        QVERIFY2(why({huge, bytes.weights}).contains("needs more weights than its weights file holds"), qPrintable(why({huge, bytes.weights})));
        QVERIFY(why({"{\"format\": \"something else\"}", bytes.weights}).contains("not a PretrainLab model"));
        QVERIFY(why({"[1, 2", bytes.weights}).startsWith("m: "));
    }
};

QTEST_APPLESS_MAIN(TestSessionFile)
#include "test_session_file.moc"
