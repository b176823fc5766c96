// Checkpoint and safetensors files as they come from the wild: every valid safetensors file is read
// (any dtype, empty tensors, scalars), every malformed one is refused naming the file and what is
// wrong; a save commits at one rename and survives a crash at either side of it; outputs that are
// not regular files are refused; a checkpoint's settings are checked as the command line checks its
// flags, and against the machine's memory.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/common/memory.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/run_memory.hpp"
#include "core/train/safetensors.hpp"
#include "core/train/session.hpp"

using namespace pretrainlab;
using train::RunSettings;
using train::TrainingSession;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

RunSettings toyRun() {
    RunSettings settings;
    settings.applyPreset("tiny");
    settings.model.width = 32;
    settings.model.context = 24;
    settings.batch = 8;
    settings.steps = 12;
    settings.corpus = train::toyWorldCorpus;
    settings.toyWorldBytes = 100'000;
    settings.trainer.threads = 1;
    settings.trainer.seed = 5;
    return settings;
}

void steps(TrainingSession& session, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) session.step();
}

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A safetensors file from a header's JSON text and `data` bytes after it.
std::string safetensorsOf(const std::string& header, const std::string& data) {
    std::string bytes(8, '\0');
    const std::uint64_t length = header.size();
    std::memcpy(bytes.data(), &length, 8);
    return bytes + header + data;
}

std::string withLength(std::uint64_t length, const std::string& rest) {
    std::string bytes(8, '\0');
    std::memcpy(bytes.data(), &length, 8);
    return bytes + rest;
}

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> filesIn(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

class TestCheckpointFiles : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;
    std::string path(const std::string& name) const { return folder_.filePath(QString::fromStdString(name)).toStdString(); }
    // A folder of its own for a test that counts files.
    fs::path freshFolder(const std::string& name) const {
        const fs::path folder = path(name);
        fs::remove_all(folder);
        fs::create_directories(folder);
        return folder;
    }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    // ---- safetensors: any valid file ----

    void everyKnownDtypeEmptyTensorsAndScalarsAreRead() {
        // F32 [2] = 1, -0.5; F16 [3] = 1, -2, the smallest subnormal; BF16 [1] = 1; I64 [1]; BOOL [2];
        // an empty F32 [0, 4]; a scalar U8 [].
        std::string data;
        const float f32[2] = {1.0f, -0.5f};
        data.append(reinterpret_cast<const char*>(f32), 8);
        const std::uint16_t f16[3] = {0x3c00, 0xc000, 0x0001};
        data.append(reinterpret_cast<const char*>(f16), 6);
        const std::uint16_t bf16 = 0x3f80;
        data.append(reinterpret_cast<const char*>(&bf16), 2);
        const std::int64_t i64 = -7;
        data.append(reinterpret_cast<const char*>(&i64), 8);
        data.append("\x01\x00", 2);
        data.push_back('\x2a');
        const std::string header =
            R"({"__metadata__":{"format":"pt","note":"ünïcode"},)"
            R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("b":{"dtype":"F16","shape":[3],"data_offsets":[8,14]},)"
            R"("c":{"dtype":"BF16","shape":[1],"data_offsets":[14,16]},)"
            R"("d":{"dtype":"I64","shape":[1],"data_offsets":[16,24]},)"
            R"("e":{"dtype":"BOOL","shape":[2],"data_offsets":[24,26]},)"
            R"("empty":{"dtype":"F32","shape":[0,4],"data_offsets":[26,26]},)"
            R"("scalar":{"dtype":"U8","shape":[],"data_offsets":[26,27]}})";
        const train::SafetensorsFile file(safetensorsOf(header, data), "all.safetensors");
        QCOMPARE(file.metadata().at("note"), std::string("ünïcode"));
        QCOMPARE(file.tensors().size(), std::size_t(7));
        QCOMPARE(file.tensors().at("d").dtype, std::string("I64"));
        QCOMPARE(file.tensors().at("scalar").shape, std::vector<std::int64_t>{});
        QCOMPARE(file.tensors().at("scalar").begin, std::size_t(26));
        QCOMPARE(file.tensors().at("e").end, std::size_t(26));
        QCOMPARE(file.tensors().at("empty").shape, (std::vector<std::int64_t>{0, 4}));
        // In the order of their bytes.
        std::vector<std::string> order;
        for (const train::TensorEntry& tensor : file.layout().tensors) order.push_back(tensor.name);
        QCOMPARE(order.front(), std::string("a"));
        QCOMPARE(order.back(), std::string("scalar"));
        QCOMPARE(file.floats("a", {2}), (std::vector<float>{1.0f, -0.5f}));
        QCOMPARE(file.floats("b", {3}), (std::vector<float>{1.0f, -2.0f, std::ldexp(1.0f, -24)}));
        QCOMPARE(file.floats("c", {1}), std::vector<float>{1.0f});
        QVERIFY(file.floats("empty", {0, 4}).empty());  // no bytes: nothing copied, no null pointer to memcpy
        QVERIFY(contains(errorOf([&] { file.floats("d", {1}); }), "tensor 'd' is I64"));
    }

    void malformedSafetensorsAreRefusedByName_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("says");
        const auto f32 = [](const char* name, const char* shape, int begin, int end) {
            return QString::asprintf(R"("%s":{"dtype":"F32","shape":%s,"data_offsets":[%d,%d]})", name, shape, begin, end)
                .toStdString();
        };
        const auto file = [](const std::string& header, std::size_t dataBytes) {
            return QByteArray::fromStdString(safetensorsOf(header, std::string(dataBytes, '\0')));
        };
        QTest::newRow("too short") << QByteArray("\x02\x00\x00", 3) << "too short for a safetensors file: 3 bytes";
        QTest::newRow("header past the end") << QByteArray::fromStdString(withLength(127, "{}")) << "should take 127 bytes but only 2";
        QTest::newRow("header absurdly large")
            << QByteArray::fromStdString(withLength(std::uint64_t(1) << 62, "{}")) << "is absurdly large";
        QTest::newRow("header not UTF-8") << file("{\"\xff\":{}}", 0) << "the header is not valid UTF-8";
        QTest::newRow("header not JSON") << file("{nope", 0) << "the header is not valid JSON";
        QTest::newRow("header not an object") << file("[1,2]", 0) << "the header is not a JSON object";
        QTest::newRow("unknown dtype") << file(R"({"w":{"dtype":"Q4","shape":[4],"data_offsets":[0,4]}})", 4)
                                       << "tensor 'w' has the unknown dtype 'Q4'";
        QTest::newRow("element count overflows")
            << file(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}})", 0)
            << "holds more elements than any file can";
        QTest::newRow("negative dimension") << file(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", 0)
                                            << "not a whole number of at least 0";
        QTest::newRow("range against shape") << file("{" + f32("w", "[3]", 0, 16) + "}", 16) << "needs 12 bytes, its data_offsets give 16";
        QTest::newRow("range past the data") << file("{" + f32("w", "[4]", 0, 16) + "}", 8) << "tensor 'w' needs bytes 0..16";
        QTest::newRow("offsets backwards") << file("{" + f32("w", "[0]", 8, 4) + "}", 8) << "run backwards";
        QTest::newRow("hole") << file("{" + f32("a", "[1]", 0, 4) + "," + f32("b", "[1]", 8, 12) + "}", 12)
                              << "a hole in the data: bytes 4..8 belong to no tensor";
        QTest::newRow("overlap") << file("{" + f32("a", "[2]", 0, 8) + "," + f32("b", "[2]", 4, 12) + "}", 12)
                                 << "tensors 'a' (0..8) and 'b' (4..12) overlap";
        QTest::newRow("trailing bytes") << file("{" + f32("a", "[1]", 0, 4) + "}", 9) << "5 trailing bytes after the last tensor";
        QTest::newRow("name twice") << file("{" + f32("a", "[1]", 0, 4) + "," + f32("a", "[1]", 0, 4) + "}", 4)
                                    << "names 'a' twice";
        QTest::newRow("no offsets") << file(R"({"w":{"dtype":"F32","shape":[4]}})", 16) << "lacks its dtype, shape or data_offsets";
        // Printing or copying a value this deep would overflow the stack: refused before it is parsed.
        QTest::newRow("shape nested 200,000 deep")
            << file(R"({"w":{"dtype":"F32","shape":)" + std::string(200'000, '[') + std::string(200'000, ']') +
                        R"(,"data_offsets":[0,0]}})", 0)
            << "the header nests more than 64 levels deep at byte 98 of the file";
        QTest::newRow("a list as a dimension") << file(R"({"w":{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}})", 4)
                                               << "not a whole number of at least 0 in its shape: a list of 1 values";
    }
    void malformedSafetensorsAreRefusedByName() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, says);
        const std::string problem = errorOf([&] { train::SafetensorsFile(bytes.toStdString(), "bad.safetensors"); });
        QVERIFY2(contains(problem, "bad.safetensors: ") && contains(problem, says.toStdString()), problem.c_str());
        // The header-only reader says the same about the file on disk.
        const std::string file = path("bad.safetensors");
        writeBytes(file, bytes.toStdString());
        const std::string fromDisk = errorOf([&] { train::readSafetensorsLayout(file); });
        QVERIFY2(contains(fromDisk, file) && contains(fromDisk, says.toStdString()), fromDisk.c_str());
    }

    void aLargeFileIsListedFromItsHeaderAlone() {
        // 3 GB of U8 data in a sparse file: the layout comes from the header and the file's size.
        const std::uint64_t dataBytes = std::uint64_t(3) << 30;
        const std::string header = R"({"big":{"dtype":"U8","shape":[)" + std::to_string(dataBytes) +
                                   R"(],"data_offsets":[0,)" + std::to_string(dataBytes) + "]}}";
        const std::string file = path("big.safetensors");
        writeBytes(file, safetensorsOf(header, ""));
        fs::resize_file(file, 8 + header.size() + dataBytes);
        const double before = peakResidentMegabytes();
        const train::SafetensorsLayout layout = train::readSafetensorsLayout(file);
        QCOMPARE(layout.tensors.size(), std::size_t(1));
        QCOMPARE(std::uint64_t(layout.tensors[0].end), dataBytes);
        QVERIFY(peakResidentMegabytes() - before < 64);
        fs::remove(file);
    }

    // ---- the save's commit point ----

    void aSaveCommitsAtTheJsonAndLeavesThreeFiles() {
        const fs::path folder = freshFolder("commit");
        TrainingSession session(toyRun());
        steps(session, 2);
        const std::string file = (folder / "run.safetensors").string();
        train::saveCheckpoint(session, file);
        QCOMPARE(filesIn(folder), (std::vector<std::string>{"run.json", "run.optimizer.safetensors", "run.safetensors"}));
        const Json json = Json::parse(readFileBytes(folder / "run.json"));
        QVERIFY(contains(json["weights"]["written_as"].get<std::string>(), "run.safetensors."));
        QVERIFY(contains(json["optimizer_state"]["written_as"].get<std::string>(), ".partial"));
        QCOMPARE(train::loadCheckpoint(file)->stepsDone(), std::size_t(2));
    }

    void aSaveFailingBeforeItsCommitKeepsTheOldCheckpointAndLeavesNoTemporary() {
        const fs::path folder = freshFolder("before");
        TrainingSession session(toyRun());
        steps(session, 2);
        const std::string file = (folder / "run.safetensors").string();
        train::saveCheckpoint(session, file);
        const std::vector<std::string> before = filesIn(folder);
        steps(session, 3);
        const std::string problem = errorOf([&] { train::saveCheckpoint(session, file, [] { throw std::runtime_error("killed"); }); });
        QCOMPARE(problem, std::string("killed"));
        QCOMPARE(filesIn(folder), before);  // no .partial left behind
        QCOMPARE(train::loadCheckpoint(file)->stepsDone(), std::size_t(2));
    }

    void aCrashBetweenTheCommitAndTheRenamesLeavesTheNewCheckpoint() {
        const fs::path folder = freshFolder("after");
        TrainingSession session(toyRun());
        steps(session, 2);
        const std::string file = (folder / "run.safetensors").string();
        train::saveCheckpoint(session, file);
        const std::string oldWeights = readFileBytes(file), oldMoments = readFileBytes(folder / "run.optimizer.safetensors");
        steps(session, 3);
        train::saveCheckpoint(session, file);
        // Undo the two renames that follow the commit: the new files back under the names the JSON
        // records, the old files at the final names, as a crash right after the commit leaves them.
        const Json json = Json::parse(readFileBytes(folder / "run.json"));
        fs::rename(file, folder / json["weights"]["written_as"].get<std::string>());
        fs::rename(folder / "run.optimizer.safetensors", folder / json["optimizer_state"]["written_as"].get<std::string>());
        writeBytes(file, oldWeights);
        writeBytes((folder / "run.optimizer.safetensors").string(), oldMoments);

        const auto resumed = train::loadCheckpoint(file);
        QCOMPARE(resumed->stepsDone(), std::size_t(5));
        QVERIFY(resumed->model().parameters().values() == session.model().parameters().values());
        QVERIFY(resumed->trainer().optimizer().firstMoment() == session.trainer().optimizer().firstMoment());
        QCOMPARE(train::loadCheckpointModel(file).steps, std::size_t(5));
        // The next save removes the leftovers once it has committed.
        train::saveCheckpoint(session, file);
        QCOMPARE(filesIn(folder), (std::vector<std::string>{"run.json", "run.optimizer.safetensors", "run.safetensors"}));
        QCOMPARE(train::loadCheckpoint(file)->stepsDone(), std::size_t(5));
    }

    void shippedModelsStillLoad_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("decoder") << "tiny-decoder";
        QTest::newRow("encoder") << "tiny-encoder";
    }
    void shippedModelsStillLoad() {
        QFETCH(QString, name);
        const std::string base = std::string(PRETRAINLAB_SOURCE_DIR) + "/resources/models/" + name.toStdString();
        const train::CheckpointModel fromFiles = train::loadCheckpointModel(base + ".safetensors");
        QVERIFY(fromFiles.steps > 0);
        // As the app reads them, from the bytes of its resources.
        const train::CheckpointModel fromBytes =
            train::readCheckpointModel(readFileBytes(base + ".json"), readFileBytes(base + ".safetensors"), base + ".safetensors");
        QVERIFY(fromBytes.bundle->model->parameters().values() == fromFiles.bundle->model->parameters().values());
        QCOMPARE(train::loadCheckpointModel(base + ".json").steps, fromFiles.steps);
    }

    // ---- the path a save is given ----

    // `--save run.json` names the checkpoint, not the file its weights go to.
    void aSaveGivenAnyOfItsThreeNamesWritesTheThreeFiles_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("run.json") << "run.json";
        QTest::newRow("run.optimizer.safetensors") << "run.optimizer.safetensors";
        QTest::newRow("run.safetensors") << "run.safetensors";
    }
    void aSaveGivenAnyOfItsThreeNamesWritesTheThreeFiles() {
        QFETCH(QString, name);
        const fs::path folder = freshFolder("named");
        TrainingSession session(toyRun());
        steps(session, 2);
        const std::string given = (folder / name.toStdString()).string();
        train::saveCheckpoint(session, given);
        QCOMPARE(filesIn(folder), (std::vector<std::string>{"run.json", "run.optimizer.safetensors", "run.safetensors"}));
        QCOMPARE(Json::parse(readFileBytes(folder / "run.json"))["format"].get<std::string>(), std::string("pretrainlab-checkpoint"));
        QCOMPARE(train::loadCheckpoint(given)->stepsDone(), std::size_t(2));
        // Resumed and saved again under the same name, as `--resume run.json --save run.json` does.
        const auto resumed = train::loadCheckpoint(given);
        steps(*resumed, 1);
        train::saveCheckpoint(*resumed, given);
        QCOMPARE(filesIn(folder), (std::vector<std::string>{"run.json", "run.optimizer.safetensors", "run.safetensors"}));
        QCOMPARE(train::loadCheckpoint((folder / "run.safetensors").string())->stepsDone(), std::size_t(3));
    }

    // A save stopped by a second signal leaves its temporaries; the next save removes them, and
    // nothing else.
    void leftoverTemporariesAreRemovedByTheNextSave() {
        const fs::path folder = freshFolder("leftovers");
        for (const char* name : {"run.safetensors.0123abcd.partial", "run.optimizer.safetensors.89abcdef.partial",
                                 "run.json.deadbeef.partial", "other.safetensors.0123abcd.partial", "run.safetensors.notes"}) {
            writeBytes((folder / name).string(), "left");
        }
        TrainingSession session(toyRun());
        steps(session, 1);
        train::saveCheckpoint(session, (folder / "run.safetensors").string());
        QCOMPARE(filesIn(folder), (std::vector<std::string>{"other.safetensors.0123abcd.partial", "run.json",
                                                            "run.optimizer.safetensors", "run.safetensors",
                                                            "run.safetensors.notes"}));
    }

    // A tiktoken rank file has no merge list to store: refused before anything is written.
    void aTiktokenTokenizerIsRefusedBeforeAnythingIsWritten() {
        const fs::path folder = freshFolder("tiktoken");
        const std::string corpus = (folder / "corpus.txt").string();
        std::string text;
        for (int i = 0; i < 200; ++i) text += "The quick brown fox jumps over the lazy dog. ";
        writeBytes(corpus, text);
        RunSettings settings = toyRun();
        settings.corpus = corpus;
        settings.tokenizer = PRETRAINLAB_TEST_DATA "/gpt2/gpt2.tiktoken";
        settings.model.width = 16;
        settings.batch = 2;
        TrainingSession session(settings);
        steps(session, 1);
        QVERIFY(!train::checkpointTokenizerProblem(*session.tokenizer()).empty());
        const std::vector<std::string> before = filesIn(folder);
        try {
            train::saveCheckpoint(session, (folder / "run.safetensors").string());
            QFAIL("saved a tiktoken tokenizer");
        } catch (const LocatedError& error) {
            QVERIFY2(contains(error.what(), "run.json") && contains(error.what(), "tiktoken rank file cannot be stored"),
                     error.what());
        }
        QCOMPARE(filesIn(folder), before);
    }

    // ---- outputs ----

    void outputsThatAreNotRegularFilesAreRefused() {
        const fs::path folder = freshFolder("outputs");
        const std::string fifo = (folder / "pipe").string();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        std::string problem = errorOf([&] { writeFileAtomically(fifo, "x"); });
        QVERIFY2(contains(problem, fifo + ": is a FIFO (named pipe), not a regular file"), problem.c_str());
        QVERIFY(fs::is_fifo(fifo));
        problem = errorOf([&] { writeFileAtomically(folder, "x"); });
        QVERIFY2(contains(problem, "is a directory, not a regular file"), problem.c_str());
        fs::create_symlink(fifo, folder / "to-pipe");
        problem = errorOf([&] { writeFileAtomically(folder / "to-pipe", "x"); });
        QVERIFY2(contains(problem, "to-pipe: links to " + fifo + ", a FIFO"), problem.c_str());
        QCOMPARE(filesIn(folder), (std::vector<std::string>{"pipe", "to-pipe"}));  // nothing written, nothing left
    }

    void aSymbolicLinkIsWrittenThrough() {
        const fs::path folder = freshFolder("links");
        writeBytes((folder / "real.csv").string(), "old");
        fs::create_symlink("real.csv", folder / "link.csv");
        writeFileAtomically(folder / "link.csv", "new");
        QVERIFY(fs::is_symlink(folder / "link.csv"));
        QCOMPARE(readFileBytes(folder / "real.csv"), std::string("new"));
        // A link to a file not there yet creates it.
        fs::create_symlink("later.csv", folder / "dangling.csv");
        writeFileAtomically(folder / "dangling.csv", "made");
        QCOMPARE(readFileBytes(folder / "later.csv"), std::string("made"));
        QCOMPARE(filesIn(folder), (std::vector<std::string>{"dangling.csv", "later.csv", "link.csv", "real.csv"}));
    }

    void aCheckpointIsNotSavedOverADirectory() {
        const fs::path folder = freshFolder("overdir");
        TrainingSession session(toyRun());
        fs::create_directories(folder / "run.json");
        const std::string problem = errorOf([&] { train::saveCheckpoint(session, (folder / "run.safetensors").string()); });
        QVERIFY2(contains(problem, "run.json: is a directory"), problem.c_str());
        QCOMPARE(filesIn(folder), std::vector<std::string>{"run.json"});
    }

    // ---- what a checkpoint holds, checked ----

    // Nested 200,000 deep, the tokenizer would overflow the stack when copied or printed.
    void aDeeplyNestedValueIsRefusedBeforeItIsRead_data() {
        QTest::addColumn<QString>("key");
        QTest::newRow("tokenizer") << "tokenizer";
        QTest::newRow("settings") << "settings";
        QTest::newRow("notes") << "notes";
    }
    void aDeeplyNestedValueIsRefusedBeforeItIsRead() {
        QFETCH(QString, key);
        const fs::path folder = freshFolder("nested");
        TrainingSession session(toyRun());
        steps(session, 1);
        const std::string file = (folder / "run.safetensors").string();
        train::saveCheckpoint(session, file);
        Json json = Json::parse(readFileBytes(folder / "run.json"));
        json[key.toStdString()] = "NESTED";
        std::string text = json.dump();
        text.replace(text.find("\"NESTED\""), 8, std::string(200'000, '[') + std::string(200'000, ']'));
        writeBytes((folder / "run.json").string(), text);
        for (const auto& load : std::vector<std::function<void()>>{[&] { train::loadCheckpoint(file); },
                                                                    [&] { train::loadCheckpointModel(file); }}) {
            try {
                load();
                QFAIL("a nested checkpoint was read");
            } catch (const LocatedError& error) {
                QVERIFY2(contains(error.what(), (folder / "run.json").string()) &&
                             contains(error.what(), "nested more than 64 levels deep"),
                         error.what());
            }
        }
        // A save over it is not troubled by the old JSON.
        train::saveCheckpoint(session, file);
        QCOMPARE(train::loadCheckpoint(file)->stepsDone(), std::size_t(1));
    }

    // A value of the wrong kind is described, not printed whole.
    void aValueOfTheWrongKindIsDescribedBriefly() {
        const fs::path folder = freshFolder("brief");
        TrainingSession session(toyRun());
        const std::string file = (folder / "run.safetensors").string();
        train::saveCheckpoint(session, file);
        Json json = Json::parse(readFileBytes(folder / "run.json"));
        json["data_random_state"] = Json::array();
        for (int i = 0; i < 10'000; ++i) json["data_random_state"].push_back(i);
        writeBytes((folder / "run.json").string(), json.dump());
        const std::string problem = errorOf([&] { train::loadCheckpoint(file); });
        QVERIFY2(contains(problem, "data_random_state: expects text, got a list of 10000 values"), problem.c_str());
        QVERIFY(problem.size() < 200);
    }

    void checkpointSettingsAreCheckedAsFlagsAre_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("says");
        QTest::newRow("layers 100000") << "layers" << "100000" << "settings.layers: expects a whole number from 1 to 256, got 100000";
        QTest::newRow("d 1e9") << "d" << "1e9" << "settings.d: expects a whole number from 1 to 8192";
        QTest::newRow("ctx 0") << "ctx" << "0" << "settings.ctx: expects a whole number from 1 to 65536, got 0";
        QTest::newRow("heads not dividing d") << "heads" << "3" << "settings: ";
        QTest::newRow("too large for memory") << "d" << "8192" << "of memory";
        QTest::newRow("step not a number") << "step" << "\"x\"" << "step: expects a whole number of at least 0";
        QTest::newRow("step past the end") << "step" << "13" << "step 13 is past the run's length (12 steps)";
    }
    void checkpointSettingsAreCheckedAsFlagsAre() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, says);
        const fs::path folder = freshFolder("settings");
        TrainingSession session(toyRun());
        const std::string file = (folder / "ck.safetensors").string();
        train::saveCheckpoint(session, file);
        Json json = Json::parse(readFileBytes(folder / "ck.json"));
        Json& where = key == "step" ? json : json["settings"];
        where[key.toStdString()] = Json::parse(value.toStdString());
        if (QTest::currentDataTag() == QString("too large for memory")) json["settings"]["layers"] = 256;
        writeFileAtomically(folder / "ck.json", json.dump());
        const std::string resumed = errorOf([&] { train::loadCheckpoint(file); });
        QVERIFY2(contains(resumed, (folder / "ck.json").string() + ": ") && contains(resumed, says.toStdString()),
                 resumed.c_str());
        if (key != "step" || value == "\"x\"") {
            const std::string looked = errorOf([&] { train::loadCheckpointModel(file); });
            QVERIFY2(contains(looked, "ck.json: ") && contains(looked, says.toStdString()), looked.c_str());
        }
    }

    void aMissingOptimizerFileIsRefusedUnlessTheOptimizerRestarts() {
        const fs::path folder = freshFolder("optimizer");
        TrainingSession session(toyRun());
        steps(session, 3);
        const std::string file = (folder / "ck.safetensors").string();
        train::saveCheckpoint(session, file);
        fs::remove(folder / "ck.optimizer.safetensors");
        const std::string problem = errorOf([&] { train::loadCheckpoint(file); });
        QVERIFY2(contains(problem, "ck.optimizer.safetensors: is missing: it holds the optimizer's state"), problem.c_str());
        std::string notice;
        train::ResumeOptions restart;
        restart.restartOptimizer = true;
        restart.notice = [&notice](const std::string& text) { notice = text; };
        const auto resumed = train::loadCheckpoint(file, {}, restart);
        QCOMPARE(resumed->stepsDone(), std::size_t(3));
        QCOMPARE(resumed->trainer().optimizer().steps(), std::size_t(0));
        const nn::FlatArray<float>& moments = resumed->trainer().optimizer().firstMoment();
        QVERIFY(std::all_of(moments.begin(), moments.end(), [](float m) { return m == 0.0f; }));
        QVERIFY(session.trainer().optimizer().firstMoment() != moments);
        QVERIFY2(contains(notice, "ck.optimizer.safetensors is missing: the optimizer restarts"), notice.c_str());
    }

    void aPlainSafetensorsFileIsNotACheckpoint() {
        const float values[2] = {1, 2};
        const std::string file = path("plain.safetensors");
        writeBytes(file, train::safetensorsBytes({{"w", {2}, values}}));
        for (const auto& load : std::vector<std::function<void()>>{[&] { train::loadCheckpoint(file); },
                                                                   [&] { train::loadCheckpointModel(file); }}) {
            const std::string problem = errorOf(load);
            QVERIFY2(contains(problem, file + ": is a safetensors file of 1 tensors, not a PretrainLab checkpoint: there is "
                                              "no plain.json beside it; a PretrainLab checkpoint is NAME.json"),
                     problem.c_str());
        }
        const std::string nothing = errorOf([&] { train::loadCheckpoint(path("nothing.safetensors")); });
        QVERIFY2(contains(nothing, "no checkpoint here") && contains(nothing, "nothing.json"), nothing.c_str());
    }

    // ---- memory ----

    void parametersAreCountedWithoutBuildingTheModel_data() {
        QTest::addColumn<int>("architecture");
        QTest::addColumn<bool>("preNorm");
        QTest::addColumn<bool>("nextSentence");
        QTest::newRow("decoder") << int(nn::Architecture::Decoder) << true << false;
        QTest::newRow("decoder post-LN") << int(nn::Architecture::Decoder) << false << false;
        QTest::newRow("encoder with NSP") << int(nn::Architecture::Encoder) << true << true;
        QTest::newRow("encdec") << int(nn::Architecture::EncoderDecoder) << false << false;
    }
    void parametersAreCountedWithoutBuildingTheModel() {
        QFETCH(int, architecture);
        QFETCH(bool, preNorm);
        QFETCH(bool, nextSentence);
        nn::ModelConfig config;
        config.architecture = nn::Architecture(architecture);
        config.preNorm = preNorm;
        config.nextSentenceHead = nextSentence;
        config.vocabulary = 97;
        config.width = 24;
        config.layers = 3;
        config.decoderLayers = 2;
        config.context = 20;
        config.feedForward = 40;
        const nn::Transformer<float> model(config, 1);
        QCOMPARE(train::parameterCount(config), model.parameters().size());
    }

    void theEstimateFollowsTheEngineAndRefusesWhatDoesNotFit() {
        RunSettings settings = toyRun();
        settings.corpus.clear();  // random tokens: the vocabulary is the settings'
        settings.model.context = 64;
        settings.batch = 16;
        TrainingSession session(settings);
        steps(session, 1);
        const train::RunMemory estimate = train::estimateRunMemory(settings, settings.model.vocabulary);
        QCOMPARE(estimate.parameters, session.model().parameters().size());
        const double measured = double(session.trainer().activationBytes());
        QVERIFY2(estimate.activations > 0.7 * measured && estimate.activations < 2.0 * measured,
                 qPrintable(QString("estimate %1, engine %2").arg(estimate.activations).arg(measured)));

        QVERIFY(train::memoryProblem(settings, settings.model.vocabulary, std::uint64_t(1) << 40).empty());
        std::string problem = train::memoryProblem(settings, settings.model.vocabulary, 1'000'000);
        QVERIFY2(contains(problem, "more than the 1.0 MB available: lower the context or the batch, or raise gradient accumulation"),
                 problem.c_str());
        settings.model.width = 1024;
        settings.batch = 1;
        settings.model.context = 4;
        problem = train::memoryProblem(settings, settings.model.vocabulary, 100'000'000);
        QVERIFY2(contains(problem, "lower the width d, the layers or the vocabulary"), problem.c_str());
        // The session refuses before it allocates.
        settings.model.width = 8192;
        settings.model.layers = 256;
        problem = errorOf([&] { TrainingSession{settings}; });
        QVERIFY2(contains(problem, "this run needs about") && contains(problem, "TB of memory") &&
                     contains(problem, "206.2 billion parameters"),
                 problem.c_str());
    }

    void memAvailableIsReadFromMeminfo() {
        const std::string meminfo = "MemTotal:       24000000 kB\nMemFree:        1000 kB\nMemAvailable:   21000000 kB\n";
        QCOMPARE(memAvailableIn(meminfo), std::optional<std::uint64_t>(std::uint64_t(21000000) * 1024));
        QCOMPARE(memAvailableIn("MemTotal: 5 kB\n"), std::optional<std::uint64_t>());
        const std::optional<std::uint64_t> available = availableMemoryBytes();
        QVERIFY(available && *available > 0);
        QCOMPARE(bytesInWords(3.3e12), std::string("3.3 TB"));
    }
};

QTEST_APPLESS_MAIN(TestCheckpointFiles)
#include "test_checkpoint_files.moc"
