// The built-in toy world: reproducible, its probe items held out of the training text, every word
// one token.
#include <QtTest>

#include <set>
#include <sstream>
#include <unordered_set>

#include "core/data/toyworld.hpp"

using namespace pretrainlab;
using data::ProbeCategory;
using data::ToyWorld;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::size_t wordCount(const std::string& text) {
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string word; in >> word;) ++n;
    return n;
}

}  // namespace

class TestToyWorld : public QObject {
    Q_OBJECT

private slots:
    void sameSeedSameText() {
        const ToyWorld world(1);
        const std::string a = world.corpus(200'000, 5);
        QCOMPARE(a, world.corpus(200'000, 5));
        QCOMPARE(a, ToyWorld(1).corpus(200'000, 5));
        QVERIFY(a != world.corpus(200'000, 6));
        QVERIFY(a.size() >= 200'000 && a.size() < 200'200);
        QVERIFY(ToyWorld(1).probes().front().sentence() != ToyWorld(2).probes().front().sentence());
    }

    void everyCategoryIsInTheText() {
        const std::string text = ToyWorld(0).corpus(300'000, 1);
        for (const char* marker : {" that ", " invited ", "capital of", " because ", " plus ", " minus ", " coins "}) {
            QVERIFY2(text.find(marker) != std::string::npos, marker);
        }
    }

    void probeItemsNeverAppearInTheTrainingText() {
        const ToyWorld world(3);
        QCOMPARE(world.probes().size(), std::size_t(5 * 40));
        std::unordered_set<std::string> training;
        for (const std::string& line : lines(world.corpus(4u << 20, 9))) training.insert(line);
        for (const data::ProbeItem& item : world.probes()) {
            QVERIFY2(!training.count(item.sentence()), item.sentence().c_str());
        }
        for (const data::ProbeItem& item : ToyWorld::lectureProbes()) {
            QVERIFY2(!training.count(item.sentence()), item.sentence().c_str());
        }
        // ... though the facts behind the knowledge items are in it, stated other ways.
        QVERIFY(training.count("dorima is the capital of velland .") || training.count("the capital of velland is dorima ."));
    }

    void probeItemsAreWellFormed() {
        const ToyWorld world(0);
        std::array<int, data::probeCategoryCount> counts{};
        for (const data::ProbeItem& item : world.probes()) {
            ++counts[static_cast<std::size_t>(item.category)];
            QVERIFY(!item.prefix.empty());
            QVERIFY(item.answer.find(' ') == std::string::npos);
            QVERIFY2(std::find(item.candidates.begin(), item.candidates.end(), item.answer) != item.candidates.end(),
                     item.sentence().c_str());
            QVERIFY(item.withBlank().find("____") != std::string::npos);
        }
        for (const int n : counts) QCOMPARE(n, 40);
        const auto& five = ToyWorld::lectureProbes();
        QCOMPARE(five.size(), std::size_t(5));
        QCOMPARE(five[0].withBlank(), std::string("the cats that are raised by my sister ____ sleeping ."));
        QCOMPARE(five[0].answer, std::string("are"));
        QCOMPARE(five[1].answer, std::string("her"));
    }

    void syntaxAgreesAcrossTheClause() {
        const ToyWorld world(0);
        std::mt19937_64 random(4);
        for (int i = 0; i < 500; ++i) {
            const std::string s = world.sentence(ProbeCategory::Syntax, random);
            std::istringstream in(s);
            std::vector<std::string> words;
            for (std::string word; in >> word;) words.push_back(word);
            // "the cats that ... are sleeping .": the verb before the last word agrees with the second
            const bool plural = words[1].back() == 's';
            QVERIFY2(words[words.size() - 3] == (plural ? "are" : "is"), s.c_str());
        }
    }

    void everyWordIsOneToken() {
        const Tokenizer tokenizer = ToyWorld::tokenizer();
        const ToyWorld world(0);
        const std::string text = world.corpus(100'000, 2);
        const std::vector<TokenId> ids = tokenizer.encode(text);
        QCOMPARE(ids.size(), wordCount(text));
        const TokenId unknown = *tokenizer.vocabulary().find("[UNK]");
        for (const TokenId id : ids) {
            QVERIFY(id != unknown);
            QVERIFY(tokenizer.vocabulary().token(id).rfind("##", 0) != 0);
        }
        for (const data::SentimentExample& example : world.sentiment(200, 1)) {
            QCOMPARE(tokenizer.encode(example.text).size(), wordCount(example.text));
        }
        // Text from outside the world still encodes, letter by letter.
        QVERIFY(!tokenizer.encode("zebra xylophone").empty());
    }

    void sentimentIsBalancedAndTurnsOnBut() {
        const auto examples = ToyWorld(0).sentiment(400, 3);
        QCOMPARE(examples.size(), std::size_t(400));
        int positive = 0, contrast = 0;
        for (const auto& example : examples) {
            positive += example.label;
            if (example.text.find(" but ") != std::string::npos) {
                ++contrast;
                // "good but not worth an hour wait" is negative; otherwise the clause after "but" decides
                const std::string last = example.text.substr(0, example.text.size() - 2);
                const std::string lastWord = last.substr(last.rfind(' ') + 1);
                const std::set<std::string> bad{"bad", "cold", "slow", "awful", "noisy", "stale"};
                const bool negativeAfterBut =
                    example.text.find("but not worth") != std::string::npos || bad.count(lastWord) > 0;
                QCOMPARE(example.label, negativeAfterBut ? 0 : 1);
            }
        }
        QCOMPARE(positive, 200);
        QVERIFY(contrast > 100);
        QCOMPARE(ToyWorld(0).sentiment(50, 3)[7].text, examples[7].text);
    }
};

QTEST_APPLESS_MAIN(TestToyWorld)
#include "test_toyworld.moc"
