// The one table of run settings: defaults, ranges and help that the checkpoint's JSON, the CLI and
// the Training lab's form all read; a JSON value is checked exactly as a flag is.
#include <QtTest>

#include <set>

#include "core/common/error.hpp"
#include "core/train/run_settings.hpp"

using namespace pretrainlab;
using train::RunSettings;
using train::SettingField;
using train::SettingKind;
using train::SettingValue;

namespace {

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return {};
}

}  // namespace

class TestRunSettings : public QObject {
    Q_OBJECT

private slots:
    void aDefaultRunIsTheTablesDefaults() {
        const RunSettings s;
        for (const SettingField& field : train::runSettingFields()) {
            QVERIFY2(field.get(s) == field.defaultValue, field.key.c_str());
        }
        // The lesson's run: a tiny GPT-style decoder on the toy world, AdamW with warmup and cosine decay.
        QCOMPARE(s.model.architecture, nn::Architecture::Decoder);
        QCOMPARE(s.corpus, std::string(train::toyWorldCorpus));
        QCOMPARE(s.trainer.optimizer.kind, optim::OptimizerKind::AdamW);
        QCOMPARE(s.trainer.schedule.kind, optim::ScheduleKind::Cosine);
        QCOMPARE(s.trainer.schedule.peak, 2e-3);
        QCOMPARE(s.trainer.schedule.warmup, std::size_t(30));
        QCOMPARE(s.trainer.schedule.total, s.steps);
        QVERIFY(s.problem().empty());
    }

    void everyFieldHasANameHelpAndSaneRange() {
        std::set<std::string> keys, flags;
        for (const SettingField& field : train::runSettingFields()) {
            QVERIFY2(keys.insert(field.key).second, field.key.c_str());
            if (!field.flag.empty()) QVERIFY2(flags.insert(field.flag).second, field.flag.c_str());
            QVERIFY2(!field.label.empty() && !field.help.empty(), field.key.c_str());
            QVERIFY2(field.check(field.defaultValue).empty(), field.key.c_str());
            if (field.kind == SettingKind::Integer || field.kind == SettingKind::Number) {
                QVERIFY2(field.minimum <= field.maximum, field.key.c_str());
            }
        }
        for (const char* flag : {"config", "arch", "vocab", "d", "layers", "heads", "ctx", "batch", "accum", "steps",
                                 "optimizer", "lr", "schedule", "warmup", "clip", "threads", "seed", "corpus", "tokenizer",
                                 "weight-decay", "mask-rate", "post-ln"}) {
            QVERIFY2(flags.count(flag), flag);  // the command line's flags stay as they were
        }
    }

    void jsonRoundTripsEveryField() {
        RunSettings s;
        s.applyPreset("small");
        s.model.architecture = nn::Architecture::Encoder;
        s.model.preNorm = false;
        s.model.dropout = 0.1;
        s.trainer.optimizer.kind = optim::OptimizerKind::Momentum;
        s.trainer.optimizer.beta2 = 0.98;
        s.trainer.schedule.kind = optim::ScheduleKind::InverseSqrt;
        s.trainer.schedule.peak = 3e-4;
        s.trainer.clipNorm = 1.0;
        s.trainer.seed = 12345;
        s.corpus = "book.txt";
        s.tokenizer = "tokenizer.json";
        s.masking.rate = 0.4;
        s.steps = 777;
        const RunSettings back = RunSettings::fromJson(s.toJson(), "run.json");
        QCOMPARE(back.toJson(), s.toJson());
        QCOMPARE(back.trainer.schedule.total, std::size_t(777));
        QCOMPARE(back.model.preNorm, false);
    }

    void jsonValuesAreCheckedAsFlagsAre_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("too many layers") << R"({"layers": 100000})"
                                         << "settings.layers: expects a whole number from 1 to 256, got 100000";
        QTest::newRow("a width that is not whole") << R"({"d": 1e9})"
                                                   << "settings.d: expects a whole number from 1 to 8192, got 1000000000.0";
        QTest::newRow("no context") << R"({"ctx": 0})" << "settings.ctx: expects a whole number from 1 to 65536, got 0";
        QTest::newRow("unknown optimizer") << R"({"optimizer": "lion"})"
                                           << "settings.optimizer: expects sgd, momentum, rmsprop, adam or adamw, got \"lion\"";
        QTest::newRow("text for a number") << R"({"lr": "fast"})" << "settings.lr: expects a number from 0 to 1000, got \"fast\"";
        QTest::newRow("beta of one") << R"({"beta1": 1.0})"
                                     << "settings.beta1: expects a number from 0 up to (not including) 1, got 1.0";
        QTest::newRow("not an object") << R"([1, 2])" << "settings: expects an object of settings";
        QTest::newRow("not JSON") << R"({"lr": )" << "settings: ";
    }
    void jsonValuesAreCheckedAsFlagsAre() {
        QFETCH(QString, json);
        QFETCH(QString, message);
        const std::string problem = errorOf([&] { RunSettings::fromJson(json.toStdString(), "ck.json"); });
        QVERIFY2(problem.rfind("ck.json: " + message.toStdString(), 0) == 0, problem.c_str());
    }

    void commandLineTextIsParsedByKind() {
        const SettingField& lr = train::runSettingField("lr");
        QCOMPARE(lr.parse("3e-4"), SettingValue(3e-4));
        QCOMPARE(errorOf([&] { lr.parse("fast"); }), std::string("expects a number from 0 to 1000, got 'fast'"));
        QCOMPARE(errorOf([&] { lr.parse("nan"); }), std::string("expects a number from 0 to 1000, got 'nan'"));
        const SettingField& steps = train::runSettingField("steps");
        QCOMPARE(steps.parse("12"), SettingValue(std::int64_t(12)));
        QCOMPARE(errorOf([&] { steps.parse("1.5"); }), std::string("expects a whole number from 1 to 100000000, got '1.5'"));
        QCOMPARE(errorOf([&] { steps.parse("0"); }), std::string("expects a whole number from 1 to 100000000, got '0'"));
        const SettingField& schedule = train::runSettingField("schedule");
        QCOMPARE(schedule.parse("invsqrt"), SettingValue(std::string("invsqrt")));
        QCOMPARE(errorOf([&] { schedule.parse("step"); }),
                 std::string("expects constant, linear, cosine, exponential or invsqrt, got 'step'"));
        // A share keeps its range in [0, 1] whatever a form shows.
        QVERIFY(train::runSettingField("mask_rate").percent);
        QVERIFY(!train::runSettingField("mask_rate").check(0.0).empty());
    }

    void settingAValueOutOfRangeIsRefused() {
        RunSettings s;
        const std::string problem = errorOf([&] { train::runSettingField("heads").set(s, std::int64_t(0)); });
        QVERIFY2(problem.find("heads expects a whole number from 1 to 256") != std::string::npos, problem.c_str());
        QCOMPARE(s.model.heads, nn::Index(4));  // unchanged
    }

    void aTokenizerInMemoryReadsAFile() {
        RunSettings s;
        s.corpus = "book.txt";
        QCOMPARE(s.problem(), std::string("a text file needs a tokenizer"));
        QVERIFY(s.problem(/*tokenizerGiven=*/true).empty());
    }
};

QTEST_APPLESS_MAIN(TestRunSettings)
#include "test_run_settings.moc"
