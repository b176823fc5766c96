// Finetuning: the tasks' splits, the heads' and the bag of words' gradients, a linear probe that
// leaves the body untouched and keeps optimizer state for the head only, L_task + λ L_LM, the same
// data in the same order with and without pretraining, bad input, and the lecture's main claim
// (pretrained above from scratch) measured on the shipped decoder.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/data/toyworld.hpp"
#include "core/finetune/ablation.hpp"
#include "core/finetune/bag_of_words.hpp"
#include "core/finetune/finetuned_file.hpp"
#include "core/finetune/finetuner.hpp"
#include "core/finetune/projection.hpp"
#include "core/finetune/prompting.hpp"
#include "core/finetune/sweeps.hpp"
#include "core/finetune/tasks.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "core/train/checkpoint.hpp"

using namespace pretrainlab;
using namespace pretrainlab::finetune;

namespace {

const std::string shippedDecoder = std::string(PRETRAINLAB_SOURCE_DIR) + "/resources/models/tiny-decoder.safetensors";
const std::string shippedEncoder = std::string(PRETRAINLAB_SOURCE_DIR) + "/resources/models/tiny-encoder.safetensors";

std::shared_ptr<const train::ModelBundle> shipped(const std::string& path) {
    static std::map<std::string, std::shared_ptr<const train::ModelBundle>> loaded;
    auto& model = loaded[path];
    if (!model) model = train::loadCheckpointModel(path).bundle;
    return model;
}

FinetuneSettings quick(const std::string& task, std::size_t steps = 20, std::uint64_t seed = 0) {
    FinetuneSettings s;
    s.task = task;
    s.labels = 64;
    s.steps = steps;
    s.batch = 8;
    s.seed = seed;
    s.threads = 2;
    return s;
}

std::string keyOf(const Example& e) {
    std::string key = e.text + "|" + e.second;
    for (const std::string& c : e.choices) key += "|" + c;
    return key;
}

std::set<std::string> wordsOf(const std::vector<Example>& examples) {
    std::set<std::string> words;
    for (const Example& e : examples) {
        for (const std::string* text : {&e.text, &e.second}) {
            std::istringstream in(*text);
            for (std::string w; in >> w;) words.insert(w);
        }
    }
    return words;
}

template <typename F>
QString errorOf(F&& f) {
    try {
        f();
    } catch (const std::exception& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

}  // namespace

class TestFinetune : public QObject {
    Q_OBJECT

private slots:
    // ---- tasks ----
    void tasksAreDeterministicAndDisjoint() {
        for (const std::string& name : taskNames()) {
            const Task a = makeTask(name);
            const Task b = makeTask(name);
            QCOMPARE(a.pool.size(), b.pool.size());
            QVERIFY2(a.heldOut.size() == 200, name.c_str());
            QVERIFY2(a.pool.size() >= 2048, name.c_str());
            for (std::size_t i = 0; i < a.pool.size(); i += 97) QCOMPARE(keyOf(a.pool[i]), keyOf(b.pool[i]));
            std::set<std::string> held;
            for (const Example& e : a.heldOut) held.insert(keyOf(e));
            QCOMPARE(held.size(), a.heldOut.size());  // no duplicates either
            for (const Example& e : a.pool) QVERIFY2(!held.count(keyOf(e)), (name + ": " + keyOf(e)).c_str());
            // A labelled set: the same for a seed, another for another seed.
            const std::vector<Example> one = labelledSet(a, 32, 5), again = labelledSet(a, 32, 5), other = labelledSet(a, 32, 6);
            QCOMPARE(keyOf(one[7]), keyOf(again[7]));
            bool differs = false;
            for (std::size_t i = 0; i < 32; ++i) differs = differs || keyOf(one[i]) != keyOf(other[i]);
            QVERIFY(differs);
            // Labels in range, both classes present.
            std::set<int> labels;
            for (const Example& e : a.pool) labels.insert(e.label);
            if (a.form != TaskForm::Tagging) QVERIFY2(labels.size() >= 2, name.c_str());
        }
    }

    void knowledgeTasksHoldOutWhatOnlyPretrainingKnows() {
        const std::vector<data::ToyWorld::CountryFacts> countries = data::ToyWorld::countryFacts();
        // Facts: the held-out pairs name countries and capitals the labelled pairs never name.
        const Task facts = makeTask("facts");
        const std::set<std::string> poolWords = wordsOf(facts.pool), heldWords = wordsOf(facts.heldOut);
        std::size_t heldCountries = 0;
        for (const auto& c : countries) {
            const bool inPool = poolWords.count(c.name) || poolWords.count(c.capital);
            const bool inHeld = heldWords.count(c.name) || heldWords.count(c.capital);
            QVERIFY2(!(inPool && inHeld), c.name.c_str());
            heldCountries += inHeld ? 1 : 0;
        }
        QVERIFY(heldCountries >= 3);
        // Tagging: the people and places tagged in the held-out set are never tagged in the pool.
        const Task tagging = makeTask("tagging");
        const auto named = [](const std::vector<Example>& examples) {
            std::set<std::string> words;
            for (const Example& e : examples) {
                std::istringstream in(e.text);
                std::size_t i = 0;
                for (std::string w; in >> w; ++i) {
                    if (e.tags.at(i) == 1 || e.tags.at(i) == 2 || e.tags.at(i) == 3) words.insert(w);
                }
            }
            return words;
        };
        const std::set<std::string> poolNames = named(tagging.pool), heldNames = named(tagging.heldOut);
        std::size_t shared = 0;
        for (const std::string& w : heldNames) shared += poolNames.count(w);
        // Only the generic people ("the boy", tagged as other) and none of the named entities overlap.
        QCOMPARE(shared, std::size_t(0));
        // Choice: each held-out context's cause never appears in the pool.
        const Task choice = makeTask("choice");
        std::set<std::string> poolContexts;
        for (const Example& e : choice.pool) poolContexts.insert(e.text.substr(e.text.find(' ')));
        for (const Example& e : choice.heldOut) QVERIFY(!poolContexts.count(e.text.substr(e.text.find(' '))));
    }

    void tooManyLabelsIsAClearError() {
        const Task& task = taskNamed("facts");
        const QString error = errorOf([&] { labelledSet(task, task.pool.size() + 1, 0); });
        QVERIFY2(error.contains("facts task has") && error.contains("were asked for"), qPrintable(error));
        QVERIFY(errorOf([] { makeTask("nonsense"); }).contains("sentiment"));
    }

    // ---- the bag of words ----
    void bagOfWordsGradients_data() {
        QTest::addColumn<int>("hidden");
        QTest::addColumn<int>("choices");
        QTest::newRow("linear") << 0 << 0;
        QTest::newRow("MLP") << 5 << 0;
        QTest::newRow("linear, multiple choice") << 0 << 3;
        QTest::newRow("MLP, multiple choice") << 4 << 3;
    }
    void bagOfWordsGradients() {
        QFETCH(int, hidden);
        QFETCH(int, choices);
        SoftmaxNet net(6, std::size_t(hidden), choices ? 1 : 3, std::size_t(choices), 7);
        std::mt19937 random(3);
        std::uniform_real_distribution<double> uniform(0, 2);
        const Eigen::Index rows = choices ? 4 * choices : 5;
        Eigen::MatrixXd x(rows, 6);
        for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = uniform(random);
        const std::vector<int> labels = choices ? std::vector<int>{0, 2, 1, 1} : std::vector<int>{0, 2, 1, 1, 0};
        Eigen::VectorXd analytic;
        net.loss(x, labels, &analytic);
        Eigen::VectorXd& theta = net.parameters();
        double worst = 0;
        for (Eigen::Index i = 0; i < theta.size(); ++i) {
            const double saved = theta(i), h = 1e-5;
            theta(i) = saved + h;
            const double plus = net.loss(x, labels);
            theta(i) = saved - h;
            const double minus = net.loss(x, labels);
            theta(i) = saved;
            const double numeric = (plus - minus) / (2 * h);
            worst = std::max(worst, std::abs(numeric - analytic(i)) / std::max(1e-4, std::abs(numeric) + std::abs(analytic(i))));
        }
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
    }

    void bagOfWordsLearnsWordsNotKnowledge() {
        const Task& sentiment = taskNamed("sentiment");
        BagOfWordsOptions options;
        const double linear = bagOfWordsAccuracy(sentiment, labelledSet(sentiment, 512, 0), options);
        QVERIFY2(linear > 0.65, qPrintable(QString::number(linear)));  // "good" and "bad" carry most reviews
        // Held-out countries are words it never saw: no better than a coin.
        const Task& facts = taskNamed("facts");
        const double knowledge = bagOfWordsAccuracy(facts, labelledSet(facts, 512, 0), options);
        QVERIFY2(knowledge < 0.62, qPrintable(QString::number(knowledge)));
    }

    // ---- finetuning ----
    void probeLeavesTheBodyBitwiseUnchanged() {
        for (const std::string& path : {shippedDecoder, shippedEncoder}) {
            FinetuneSettings s = quick("sentiment", 10);
            s.mode = Mode::Probe;
            s.learningRate = 1e-2;
            Finetuner probe(taskNamed("sentiment"), shipped(path), s);
            const nn::Parameters<float>& p = probe.model().parameters();
            const std::vector<float> before(p.values().begin(), p.values().end());
            std::size_t headSize = 0;
            for (const nn::ParameterInfo& info : p.infos()) headSize += info.group == "task" ? info.size() : 0;
            QVERIFY(headSize > 0);
            QCOMPARE(probe.trainableParameters(), headSize);
            const optim::TrainingMemory memory = probe.memory();
            QCOMPARE(memory.gradients, headSize * sizeof(float));
            QCOMPARE(memory.optimizerState, 2 * headSize * sizeof(float));  // Adam's m and v, for the head only
            for (int i = 0; i < 10; ++i) QVERIFY(std::holds_alternative<train::StepMetrics>(probe.step()));
            bool headMoved = false;
            for (const nn::ParameterInfo& info : p.infos()) {
                for (std::size_t k = info.offset; k < info.offset + info.size(); ++k) {
                    if (info.group == "task") {
                        headMoved = headMoved || p.values()[k] != before[k];
                    } else if (p.values()[k] != before[k]) {
                        QFAIL(qPrintable(QString::fromStdString(info.name + " changed in a linear probe")));
                    }
                }
            }
            QVERIFY(headMoved);
        }
    }

    void freezingBlocksKeepsThemAndTheEmbeddings() {
        FinetuneSettings s = quick("acceptability", 5);
        s.mode = Mode::Freeze;
        s.frozenBlocks = 1;
        Finetuner finetuner(taskNamed("acceptability"), shipped(shippedDecoder), s);
        const nn::Parameters<float>& p = finetuner.model().parameters();
        const std::vector<float> before(p.values().begin(), p.values().end());
        for (int i = 0; i < 5; ++i) finetuner.step();
        for (const nn::ParameterInfo& info : p.infos()) {
            const bool frozen = info.group == "embeddings" || info.group == "blocks.0";
            bool moved = false;
            for (std::size_t k = info.offset; k < info.offset + info.size(); ++k) moved = moved || p.values()[k] != before[k];
            if (frozen) QVERIFY2(!moved, info.name.c_str());
            if (info.group == "blocks.1" && info.name.find("weight") != std::string::npos) QVERIFY2(moved, info.name.c_str());
        }
    }

    void auxiliaryLossIsTaskPlusLambdaTimesLm() {
        // L = L_task + λ L_LM: with plain SGD (lr 1, no clipping) the update of one step on a batch with
        // both targets is the sum of the updates of the task alone and of λ times the LM alone.
        const auto base = shipped(shippedDecoder);
        const Task& task = taskNamed("sentiment");
        FinetuneSettings s = quick("sentiment");
        Finetuner finetuner(task, base, s);
        const TaskTokens tokens = taskTokens(nn::Architecture::Decoder, base->model->config().vocabulary, base->specials);
        TaskBatcher batcher(task, base->tokenizer, tokens, nn::Architecture::Decoder, 64);
        std::vector<const Example*> examples;
        for (std::size_t i = 0; i < 6; ++i) examples.push_back(&task.pool[i]);
        const nn::Batch both = batcher.batch(examples, true);
        nn::Batch lmOnly = both;
        lmOnly.sequenceLabels.clear();
        nn::Batch taskOnly = both;
        std::fill(taskOnly.targets.begin(), taskOnly.targets.end(), -1);
        QVERIFY(both.tokensWithLoss() > 0);

        const double lambda = 0.5;
        const auto update = [&](const nn::Batch& batch, double weight, train::StepMetrics* metrics) {
            nn::Transformer<float> model = finetuner.model();  // the same starting weights each time
            train::TrainerOptions options;
            options.optimizer.kind = optim::OptimizerKind::Sgd;
            options.optimizer.weightDecay = 0;
            options.schedule = {optim::ScheduleKind::Constant, 1.0, 0, 1};
            options.clipNorm = 0;
            options.threads = 1;
            options.tokenLossWeight = weight;
            train::Trainer<float> trainer(model, options);
            const std::vector<float> before(model.parameters().values().begin(), model.parameters().values().end());
            *metrics = std::get<train::StepMetrics>(trainer.step(batch));
            std::vector<double> delta(before.size());
            for (std::size_t i = 0; i < before.size(); ++i) delta[i] = double(model.parameters().values()[i]) - before[i];
            return delta;
        };
        train::StepMetrics mBoth, mLm, mTask;
        const std::vector<double> dBoth = update(both, lambda, &mBoth);
        const std::vector<double> dLm = update(lmOnly, lambda, &mLm);
        const std::vector<double> dTask = update(taskOnly, 1.0, &mTask);
        QVERIFY(std::abs(mBoth.loss - (mTask.sequenceLoss + lambda * mLm.tokenLoss)) < 1e-5);
        QVERIFY(std::abs(mBoth.tokenLoss - mLm.tokenLoss) < 1e-6);
        QVERIFY(std::abs(mBoth.sequenceLoss - mTask.sequenceLoss) < 1e-6);
        double worst = 0, scale = 0;
        for (std::size_t i = 0; i < dBoth.size(); ++i) {
            worst = std::max(worst, std::abs(dBoth[i] - (dLm[i] + dTask[i])));
            scale = std::max(scale, std::abs(dBoth[i]));
        }
        QVERIFY(scale > 0);
        QVERIFY2(worst < 1e-4 * scale, qPrintable(QString("%1 of %2").arg(worst).arg(scale)));
    }

    void pretrainedAndScratchSeeTheSameExamplesInOrder() {
        const Task& task = taskNamed("choice");
        Finetuner pretrained(task, shipped(shippedDecoder), quick("choice", 12, 3), true);
        Finetuner scratch(task, shipped(shippedDecoder), quick("choice", 12, 3), false);
        QCOMPARE(pretrained.labelled().size(), scratch.labelled().size());
        for (int step = 0; step < 12; ++step) {
            pretrained.step();
            scratch.step();
            QCOMPARE(pretrained.lastExamples().size(), std::size_t(8));
            for (std::size_t i = 0; i < 8; ++i) QCOMPARE(keyOf(*pretrained.lastExamples()[i]), keyOf(*scratch.lastExamples()[i]));
        }
        // Same architecture and the same fresh head; only the body's start differs.
        QCOMPARE(pretrained.model().parameters().size(), scratch.model().parameters().size());
        QCOMPARE(pretrained.model().parameters().infos().size(), scratch.model().parameters().infos().size());
        const auto body = [](const Finetuner& f) {
            const nn::ParameterInfo* info = f.model().parameters().find("blocks.1.mlp.fc.weight");
            return info ? f.model().parameters().values()[info->offset] : 0.0f;
        };
        QVERIFY(body(pretrained) != body(scratch));
    }

    void badInputSaysWhat() {
        // Tagging needs a tag per word: a T5-style model answers in words.
        const auto encdec = untrainedToyModel(nn::Architecture::EncoderDecoder, 1);
        QVERIFY(errorOf([&] { Finetuner(taskNamed("tagging"), encdec, quick("tagging")); }).contains("encoder or a decoder"));
        // More labelled examples than the task has.
        FinetuneSettings many = quick("facts");
        many.labels = 100000;
        QVERIFY(errorOf([&] { Finetuner(taskNamed("facts"), shipped(shippedDecoder), many); }).contains("were asked for"));
        // A model whose tokenizer was trained on other text reads the toy world's words as unknown.
        BpeOptions options;
        options.criterion = MergeCriterion::Likelihood;
        options.continuingPrefix = "##";
        options.specialTokens = {"[UNK]"};
        options.maxMerges = 5;
        BpeTrainer trainer(WordCounts::fromText("zzz yyy zzz xxx yyy zzz", "test"), options);
        while (trainer.step()) {
        }
        Tokenizer other = tokenizerFromTrainer(trainer, PreTokenizerKind::Whitespace);
        nn::Index vocabulary = nn::Index(other.vocabulary().size());
        const data::SpecialTokens specials = data::appendSpecialTokens(vocabulary, nn::Architecture::Decoder);
        nn::ModelConfig config;
        config.vocabulary = vocabulary;
        auto foreign = std::make_shared<const train::ModelBundle>(train::ModelBundle{
            std::make_shared<const nn::Transformer<float>>(config, 1), other, specials, "foreign"});
        const QString unknown = errorOf([&] { Finetuner(taskNamed("sentiment"), foreign, quick("sentiment")); });
        QVERIFY2(unknown.contains("[UNK]") && unknown.contains("other text"), qPrintable(unknown));
        // A probe with an auxiliary LM would train nothing.
        FinetuneSettings probe = quick("sentiment");
        probe.mode = Mode::Probe;
        probe.auxLm = 0.5;
        QVERIFY(errorOf([&] { Finetuner(taskNamed("sentiment"), shipped(shippedDecoder), probe); }).contains("probe"));
    }

    void missingOrCorruptCheckpointNamesTheFile() {
        const QString missing = errorOf([] { train::loadCheckpointModel("/nonexistent/model.safetensors"); });
        QVERIFY2(missing.contains("/nonexistent/model"), qPrintable(missing));
        const std::filesystem::path folder = std::filesystem::temp_directory_path() / "pretrainlab-test-finetune";
        std::filesystem::create_directories(folder);
        std::filesystem::copy_file(shippedDecoder, folder / "m.safetensors", std::filesystem::copy_options::overwrite_existing);
        std::filesystem::copy_file(std::string(PRETRAINLAB_SOURCE_DIR) + "/resources/models/tiny-decoder.json", folder / "m.json",
                                   std::filesystem::copy_options::overwrite_existing);
        std::filesystem::resize_file(folder / "m.safetensors", 1000);
        const QString truncated = errorOf([&] { train::loadCheckpointModel((folder / "m.safetensors").string()); });
        QVERIFY2(truncated.contains("m.safetensors"), qPrintable(truncated));
        std::filesystem::remove_all(folder);
    }

    void savedFinetunedModelAnswersTheSame() {
        const std::filesystem::path folder = std::filesystem::temp_directory_path() / "pretrainlab-test-finetuned";
        std::filesystem::create_directories(folder);
        const std::string path = (folder / "sentiment.safetensors").string();
        Finetuner finetuner(taskNamed("sentiment"), shipped(shippedEncoder), quick("sentiment", 15));
        finetuneToEnd(finetuner);
        saveFinetuned(finetuner, path, "tiny-encoder");
        const FinetunedModel loaded = loadFinetuned(path);
        QCOMPARE(loaded.base, std::string("tiny-encoder"));
        QCOMPARE(loaded.heldOutAccuracy, finetuner.evaluate().accuracy);
        QCOMPARE(loaded.finetuner->evaluate().accuracy, finetuner.evaluate().accuracy);
        const std::vector<double> a = finetuner.classify("the soup was awful .");
        const std::vector<double> b = loaded.finetuner->classify("the soup was awful .");
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) QCOMPARE(a[i], b[i]);
        // A changed weights file is refused, naming it.
        std::filesystem::resize_file(path, std::filesystem::file_size(path) - 4);
        QVERIFY(errorOf([&] { loadFinetuned(path); }).contains("sentiment.safetensors"));
        std::filesystem::remove_all(folder);
    }

    // One commit point, as a checkpoint's: the JSON names the weights' temporary name, so a save
    // stopped between its commit and the weights' rename leaves the new model readable. Given the
    // JSON's name, the save still writes FILE.safetensors and FILE.json.
    void aFinetunedSaveCommitsAtItsJson() {
        namespace fs = std::filesystem;
        const fs::path folder = fs::temp_directory_path() / "pretrainlab-test-finetuned-commit";
        fs::remove_all(folder);
        fs::create_directories(folder);
        Finetuner finetuner(taskNamed("sentiment"), shipped(shippedEncoder), quick("sentiment", 6));
        finetuneToEnd(finetuner);
        saveFinetuned(finetuner, (folder / "m.json").string(), "tiny-encoder");
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        QCOMPARE(names, (std::vector<std::string>{"m.json", "m.safetensors"}));
        QCOMPARE(loadFinetuned((folder / "m.json").string()).heldOutAccuracy, finetuner.evaluate().accuracy);

        const nlohmann::ordered_json json = nlohmann::ordered_json::parse(readFileBytes(folder / "m.json"));
        QVERIFY(json["weights"].contains("written_as"));
        const fs::path temporary = folder / json["weights"]["written_as"].get<std::string>();
        QCOMPARE(temporary.extension().string(), std::string(".partial"));
        // The state a crash right after the commit leaves: the new weights under their temporary
        // name, an older file at the final name.
        fs::rename(folder / "m.safetensors", temporary);
        fs::copy_file(shippedEncoder, folder / "m.safetensors");
        const FinetunedModel loaded = loadFinetuned((folder / "m.safetensors").string());
        QCOMPARE(loaded.finetuner->evaluate().accuracy, finetuner.evaluate().accuracy);
        // The next save removes the leftover.
        saveFinetuned(finetuner, (folder / "m.safetensors").string(), "tiny-encoder");
        QVERIFY(!fs::exists(temporary));
        QCOMPARE(loadFinetuned((folder / "m.safetensors").string()).base, std::string("tiny-encoder"));

        // A tokenizer nested 200,000 deep is refused before it is read, naming the file.
        nlohmann::ordered_json nested = nlohmann::ordered_json::parse(readFileBytes(folder / "m.json"));
        nested["tokenizer"] = "NESTED";
        std::string text = nested.dump();
        text.replace(text.find("\"NESTED\""), 8, std::string(200'000, '[') + std::string(200'000, ']'));
        {
            std::ofstream out(folder / "m.json", std::ios::binary | std::ios::trunc);
            out << text;
        }
        const QString problem = errorOf([&] { loadFinetuned((folder / "m.safetensors").string()); });
        QVERIFY2(problem.contains("m.json") && problem.contains("nested more than 64 levels deep"), qPrintable(problem));
        fs::remove_all(folder);
    }

    void encoderDecoderAnswersInWords() {
        FinetuneSettings s = quick("sentiment", 5);
        Finetuner t5(taskNamed("sentiment"), untrainedToyModel(nn::Architecture::EncoderDecoder, 2), s, false);
        for (int i = 0; i < 5; ++i) QVERIFY(std::holds_alternative<train::StepMetrics>(t5.step()));
        const Evaluation evaluation = t5.evaluate();
        QCOMPARE(evaluation.answers.size(), std::size_t(200));
    }

    // ---- the lecture's claim ----
    void pretrainingBeatsScratchOnTagging() {
        // Names and places the labelled sentences never use: the pretrained decoder knows them.
        const Task& task = taskNamed("tagging");
        double pretrained = 0, scratch = 0;
        for (std::uint64_t seed = 0; seed < 3; ++seed) {
            FinetuneSettings s = quick("tagging", 100, seed);
            s.labels = 128;
            s.batch = 16;
            Finetuner a(task, shipped(shippedDecoder), s, true);
            Finetuner b(task, shipped(shippedDecoder), s, false);
            pretrained += finetuneToEnd(a).accuracy / 3;
            scratch += finetuneToEnd(b).accuracy / 3;
        }
        QVERIFY2(pretrained - scratch > 0.08, qPrintable(QString("%1 vs %2").arg(pretrained).arg(scratch)));
    }

    void ablationCellsAndTable() {
        AblationPlan plan;
        plan.tasks = {"sentiment", "tagging"};
        plan.labels = {32};
        plan.seeds = 2;
        plan.finetune.steps = 5;
        plan.finetune.threads = 2;
        std::vector<std::string> heard;
        double lastProgress = 0;
        const std::vector<AblationCell> cells =
            runAblation(shipped(shippedEncoder), plan, [&](const AblationCell& c) { heard.push_back(c.task); },
                        Progress{[&](double f) { lastProgress = f; }, {}});
        QCOMPARE(cells.size(), 2 * ablationRows().size());
        QCOMPARE(heard.size(), cells.size());
        QVERIFY(std::abs(lastProgress - 1.0) < 1e-9);
        for (const AblationCell& cell : cells) {
            const bool decoderOnly = cell.row == AblationRow::FullAuxLm || cell.row == AblationRow::ZeroShot ||
                                     cell.row == AblationRow::FewShot;
            QCOMPARE(cell.ran(), !decoderOnly);  // an encoder has no next-token loss to add or prompt
            if (cell.ran()) QCOMPARE(cell.accuracies.size(), std::size_t(2));
        }
        const std::string table = ablationMarkdown(cells);
        QVERIFY(table.find("| from scratch (no pretraining) |") != std::string::npos);
        QVERIFY(table.find("sentiment (32 labels)") != std::string::npos);
        AblationPlan wrong = plan;
        wrong.labels = {1, 2, 3};
        QVERIFY(!wrong.problem().empty());
        // Cancel stops it.
        QVERIFY_THROWS_EXCEPTION(Cancelled, runAblation(shipped(shippedEncoder), plan, {}, Progress{{}, [] { return true; }}));
    }

    void meanAndSpread() {
        AblationCell cell;
        cell.accuracies = {0.5, 0.7, 0.9};
        QVERIFY(std::abs(cell.mean() - 0.7) < 1e-12);
        QVERIFY(std::abs(cell.spread() - 0.2) < 1e-12);  // the sample standard deviation
    }

    void zeroShotOnTheDecoderOnly() {
        QVERIFY(!zeroShot(taskNamed("sentiment"), *shipped(shippedEncoder)));
        QVERIFY(!zeroShot(taskNamed("tagging"), *shipped(shippedDecoder)));
        const std::optional<PromptScore> choice = zeroShot(taskNamed("choice"), *shipped(shippedDecoder));
        QVERIFY(choice);
        // The pretrained decoder has read every cause: the likeliest ending is the right one.
        QVERIFY2(choice->accuracy > 0.8, qPrintable(QString::number(choice->accuracy)));
        const std::optional<PromptScore> few = fewShot(taskNamed("sentiment"), *shipped(shippedDecoder),
                                                       labelledSet(taskNamed("sentiment"), 8, 0), 3);
        QVERIFY(few && few->shots >= 1 && few->shots <= 3);  // as many as leave room for the question
    }

    void principalPlaneFindsTheSpread() {
        // Points spread along (1, 1, 0) much more than along (0, 0, 1): PC1 lies along the first.
        Eigen::MatrixXf x(200, 3);
        std::mt19937 random(1);
        std::normal_distribution<float> normal;
        for (int i = 0; i < 200; ++i) {
            const float a = 5 * normal(random), b = 0.5f * normal(random);
            x.row(i) << a, a, b;
        }
        const Projection p = principalPlane(x);
        QVERIFY(p.explained[0] > 0.95);
        QVERIFY(p.explained[0] + p.explained[1] > 0.999);
        // Projected onto PC1, each point sits at its (a, a) distance √2 a from the mean, up to sign.
        const float mean = x.col(0).mean();
        QVERIFY(std::abs(std::abs(p.points(0, 0)) - std::sqrt(2.0) * std::abs(x(0, 0) - mean)) < 1e-2);
    }

    void sweepsRun() {
        DataSizePlan plan;
        plan.task = "sentiment";
        plan.sizes = {16, 64};
        plan.seeds = 1;
        plan.finetune.steps = 5;
        const std::vector<Curve> curves = measureDataSize(shipped(shippedDecoder), plan);
        QCOMPARE(curves.size(), std::size_t(4));  // pretrained and scratch, with and without the aux LM
        for (const Curve& c : curves) QCOMPARE(c.points.size(), std::size_t(2));
        QVERIFY(!dataSizeInWords(curves).empty());
        QCOMPARE(dataSizeCurves(nn::Architecture::Encoder, plan).size(), std::size_t(2));

        PretrainingPlan pre;
        pre.checkpoints = {0, 10};
        pre.task = "choice";
        pre.labels = 32;
        pre.finetune.steps = 3;
        pre.finetune.threads = 2;
        const std::vector<PretrainingPoint> points = measurePretraining(pre);
        QCOMPARE(points.size(), std::size_t(2));
        QCOMPARE(points[1].steps, std::size_t(10));
        QVERIFY(points[0].zeroShot && points[1].zeroShot);
        QVERIFY(points[1].heldOutLoss < points[0].heldOutLoss);
    }
};

QTEST_APPLESS_MAIN(TestFinetune)
#include "test_finetune.moc"
