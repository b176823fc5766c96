// Real models' files: small random GPT-2 and BERT models in Hugging Face's names, shapes, dtypes
// and config keys (tests/reference/make_hf_models.py) open into the engine and give what an
// independent PyTorch implementation of each architecture gives, in float32 to 1e-4: each
// token's log-probability (BERT: pseudo-log-likelihood), every attention map, greedy generation.
// F16 and BF16 files load to the same values; the hub's other names (prefixes, buffers, tied heads,
// gamma/beta) are read; and every file the engine cannot use is refused by name.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/pretrained/pretrained_model.hpp"
#include "core/train/inspect_attention.hpp"
#include "core/train/inspect_generation.hpp"
#include "core/train/inspect_scoring.hpp"
#include "core/train/safetensors.hpp"

using namespace pretrainlab;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path hfData = fs::path(PRETRAINLAB_TEST_DATA) / "hf";

json reference(const std::string& model) { return json::parse(readFileBytes(hfData / model / "reference.json")); }

std::vector<std::int32_t> idsOf(const json& reference, const char* key = "ids") {
    return reference[key].get<std::vector<std::int32_t>>();
}

// The engine's log-probabilities against the reference's (null where there is none).
void compareLogProbabilities(const train::ModelBundle& bundle, const json& expected) {
    const std::vector<double> got = train::tokenLogProbabilities(bundle, idsOf(expected));
    QCOMPARE(got.size(), expected["logprobs"].size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (expected["logprobs"][i].is_null()) {
            QVERIFY(std::isnan(got[i]));
            continue;
        }
        const double want = expected["logprobs"][i].get<double>();
        QVERIFY2(std::abs(got[i] - want) < 1e-4, qPrintable(QString("token %1: %2 vs %3").arg(i).arg(got[i]).arg(want)));
    }
}

// Every layer's and head's weights against the reference's [layer][head][query][key].
void compareAttention(const train::ModelBundle& bundle, const json& expected) {
    const train::ModelInput input = train::readSentence(bundle, idsOf(expected));
    const std::vector<train::AttentionGrid> grids = train::attentionGrids(bundle, input);
    QCOMPARE(grids.size(), std::size_t(1));
    const train::AttentionGrid& grid = grids.front();
    const json& maps = expected["attention"];
    QCOMPARE(std::size_t(grid.layers), maps.size());
    double worst = 0;
    for (nn::Index l = 0; l < grid.layers; ++l) {
        QCOMPARE(std::size_t(grid.heads), maps[l].size());
        for (nn::Index h = 0; h < grid.heads; ++h) {
            const nn::Matrix<float>& map = grid.at(l, h);
            const json& want = maps[l][h];
            QCOMPARE(std::size_t(map.rows()), want.size());
            for (nn::Index q = 0; q < map.rows(); ++q) {
                QCOMPARE(std::size_t(map.cols()), want[q].size());
                for (nn::Index k = 0; k < map.cols(); ++k) worst = std::max(worst, std::abs(map(q, k) - want[q][k].get<double>()));
            }
        }
    }
    QVERIFY2(worst < 1e-4, qPrintable(QString("largest difference %1").arg(worst)));
}

std::string messageOf(const std::function<void()>& open) {
    try {
        open();
    } catch (const LocatedError& error) {
        return error.what();
    } catch (const std::exception& error) {
        return std::string("not a LocatedError: ") + error.what();
    }
    return "opened";
}

// A copy of a fixture's folder to change.
fs::path copyOf(const QTemporaryDir& dir, const std::string& model) {
    const fs::path to = fs::path(dir.path().toStdString()) / model;
    fs::create_directories(to);
    for (const auto& entry : fs::directory_iterator(hfData / model)) fs::copy_file(entry.path(), to / entry.path().filename());
    return to;
}

void writeText(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Rewrites a folder's model.safetensors through `change`, which sees each tensor's name, shape
// and values and may drop it (returns false) or change its shape and values.
void rewriteWeights(const fs::path& folder, const std::function<bool(std::string&, std::vector<std::int64_t>&, std::vector<float>&)>& change) {
    const train::SafetensorsFile file(readFileBytes(folder / "model.safetensors"), "model.safetensors");
    struct Kept {
        std::string name;
        std::vector<std::int64_t> shape;
        std::vector<float> values;
    };
    std::vector<Kept> kept;
    for (const train::TensorEntry& tensor : file.layout().tensors) {
        Kept k{tensor.name, tensor.shape, file.floats(tensor.name, tensor.shape)};
        if (change(k.name, k.shape, k.values)) kept.push_back(std::move(k));
    }
    std::vector<train::TensorToWrite> out;
    for (const Kept& k : kept) out.push_back({k.name, k.shape, k.values.data()});
    writeText(folder / "model.safetensors", train::safetensorsBytes(out));
}

}  // namespace

class TestPretrained : public QObject {
    Q_OBJECT

private slots:
    void gpt2AsPyTorchComputesIt_data() {
        QTest::addColumn<QString>("model");
        QTest::newRow("F32") << "gpt2";
        QTest::newRow("F16") << "gpt2-f16";
        QTest::newRow("BF16") << "gpt2-bf16";
        QTest::newRow("prefix, buffers, lm_head") << "gpt2-lm-head";
    }
    void gpt2AsPyTorchComputesIt() {
        QFETCH(QString, model);
        const auto bundle = pretrained::openPretrained(hfData / model.toStdString());
        QCOMPARE(bundle->architecture(), nn::Architecture::Decoder);
        QCOMPARE(bundle->model->config().gelu, nn::GeluForm::Tanh);
        const json expected = reference(model.toStdString());
        compareLogProbabilities(*bundle, expected);
        compareAttention(*bundle, expected);
        train::Generator greedy(bundle, idsOf(expected, "prompt"), {});
        std::vector<std::int32_t> added;
        for (std::size_t i = 0; i < expected["greedy"].size(); ++i) added.push_back(greedy.next().id);
        QCOMPARE(added, idsOf(expected, "greedy"));
    }

    // The model is called by its folder's name, however the folder is written.
    void theModelIsCalledByItsFolder() {
        const std::string plain = pretrained::openPretrained(hfData / "gpt2")->description;
        QVERIFY2(plain.starts_with("GPT-2 gpt2 ("), plain.c_str());
        QCOMPARE(pretrained::openPretrained((hfData / "gpt2").string() + "/")->description, plain);
        QCOMPARE(pretrained::openPretrained(hfData / "gpt2" / ".")->description, plain);
        const std::string bert = pretrained::openPretrained(hfData / "gpt2" / ".." / "bert")->description;
        QVERIFY2(bert.starts_with("BERT bert ("), bert.c_str());
    }

    // A folder with vocab.txt alone: its tokenizer_config.json says whether the model is cased, as
    // transformers reads it; without one, the vocabulary's letters decide (this one has no capitals).
    void aLoneVocabularyReadsTokenizerConfig() {
        QTemporaryDir dir;
        const fs::path folder = copyOf(dir, "bert");
        const auto uncased = pretrained::openPretrained(folder);
        const std::vector<std::int32_t> lowered = uncased->encode("The cat sat");
        QCOMPARE(lowered, uncased->encode("the cat sat"));
        writeText(folder / "tokenizer_config.json", R"({"do_lower_case": false, "model_max_length": 512})");
        const auto cased = pretrained::openPretrained(folder);
        const std::vector<std::int32_t> ids = cased->encode("The cat sat");
        QCOMPARE(ids.size(), lowered.size());
        QCOMPARE(ids[0], std::int32_t(*cased->tokenizer.vocabulary().find("[UNK]")));  // "The" is not a token
        QCOMPARE(ids[1], lowered[1]);
        writeText(folder / "tokenizer_config.json", R"({"do_lower_case": true})");
        QCOMPARE(pretrained::openPretrained(folder)->encode("The cat sat"), lowered);
        // Malformed: refused by name.
        for (const auto& [text, word] : {std::pair{R"({"do_lower_case": "no"})", "do_lower_case"}, std::pair{"{", "JSON"}}) {
            writeText(folder / "tokenizer_config.json", text);
            try {
                pretrained::openPretrained(folder);
                QFAIL("a malformed tokenizer_config.json was read");
            } catch (const LocatedError& e) {
                const std::string message = e.what();
                QVERIFY2(message.find("tokenizer_config.json") != std::string::npos && message.find(word) != std::string::npos,
                         message.c_str());
            }
        }
    }

    void bertAsPyTorchComputesIt_data() {
        QTest::addColumn<QString>("model");
        QTest::newRow("BertForMaskedLM") << "bert";
        QTest::newRow("BertForPreTraining, gamma and beta") << "bert-pretraining";
    }
    void bertAsPyTorchComputesIt() {
        QFETCH(QString, model);
        const auto bundle = pretrained::openPretrained(hfData / model.toStdString());
        QCOMPARE(bundle->architecture(), nn::Architecture::Encoder);
        // ε as config.json gives it (1e-12, or 0.05 in the second variant, where the wrong one shows).
        QCOMPARE(bundle->model->config().normEpsilon,
                 json::parse(readFileBytes(hfData / model.toStdString() / "config.json"))["layer_norm_eps"].get<double>());
        QCOMPARE(bundle->specials.mask, 5);
        const json expected = reference(model.toStdString());
        compareLogProbabilities(*bundle, expected);
        compareAttention(*bundle, expected);
        // The tokenizer is the model's own: the reference's ids are the text's.
        QCOMPARE(bundle->encode("the cat sat on the mat and it was happy ."), idsOf(expected));
    }

    void theKeyValueCacheGivesTheWholeTextsLogits() {
        // GPT-2's file (pre-LN, tanh GELU) and a random post-LN decoder: logits and the last layer's
        // attention read a few tokens at a time against the cache equal those of reading it whole.
        nn::ModelConfig postLn;
        postLn.vocabulary = 50;
        postLn.width = 16;
        postLn.heads = 4;
        postLn.layers = 2;
        postLn.context = 16;
        postLn.preNorm = false;
        postLn.initialStd = 0.3;
        const std::vector<std::shared_ptr<const nn::Transformer<float>>> models{
            pretrained::openPretrained(hfData / "gpt2")->model, std::make_shared<const nn::Transformer<float>>(postLn, 3)};
        for (const auto& model : models) {
            const nn::ModelConfig& c = model->config();
            std::vector<std::int32_t> tokens;
            for (int i = 0; i < 12; ++i) tokens.push_back(std::int32_t((i * 37 + 5) % c.vocabulary));
            nn::Batch whole;
            whole.sequences = 1;
            whole.length = 12;
            whole.tokens = tokens;
            whole.targets.assign(12, 0);
            typename nn::Transformer<float>::Workspace workspace;
            model->run(whole, workspace, nullptr, 1.0, 0.0);
            const nn::Matrix<float>& logits = model->logits(workspace);
            nn::KeyValueCache<float> cache;
            std::size_t read = 0;
            for (const std::size_t chunk : {4, 1, 1, 3, 1, 2}) {
                const std::vector<std::int32_t> part(tokens.begin() + std::ptrdiff_t(read), tokens.begin() + std::ptrdiff_t(read + chunk));
                const nn::RowVector<float> got = model->extend(cache, part);
                read += chunk;
                const nn::Index row = nn::Index(read) - 1;
                QVERIFY2((got - logits.row(row)).cwiseAbs().maxCoeff() < 1e-4, qPrintable(QString("after %1 tokens").arg(read)));
            }
            QCOMPARE(cache.length, nn::Index(12));
            for (nn::Index h = 0; h < c.heads; ++h) {
                const nn::Matrix<float> w = model->attentionWeights(workspace, nn::AttentionStack::Encoder, c.layers - 1, 0, h);
                QVERIFY((cache.lastAttention.row(h) - w.row(11)).cwiseAbs().maxCoeff() < 1e-5);
            }
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model->extend(cache, std::vector<std::int32_t>(c.context, 1)));
        }
    }

    void generationPastTheContextReadsTheLastWindow() {
        // GPT-2's fixture reads 64 positions: 80 greedy tokens after a prompt of 10 cross it. Each
        // step's token is the argmax of a whole forward pass over the last 64 tokens, with the
        // cache while it fits and without once the window slides.
        const auto bundle = pretrained::openPretrained(hfData / "gpt2");
        const json expected = reference("gpt2");
        std::vector<std::int32_t> tokens = idsOf(expected);
        tokens.resize(10);
        train::Generator generator(bundle, tokens, {});
        for (int step = 0; step < 80; ++step) {
            const std::vector<std::int32_t> window = train::lastTokens(tokens, bundle->model->config().context);
            typename nn::Transformer<float>::Workspace workspace;
            bundle->model->run(train::readingBatch(window), workspace, nullptr, 1.0, 0.0);
            nn::Index best = 0;
            bundle->model->logits(workspace).row(0).maxCoeff(&best);
            const train::GeneratedToken token = generator.next();
            QCOMPARE(token.id, std::int32_t(best));
            QCOMPARE(token.keyLabels.size(), window.size());
            tokens.push_back(token.id);
        }
    }

    void fillingNeverWritesASpecialToken() {
        // A BERT whose head favours [MASK] (its bias raised) still fills every [MASK] with a word.
        QTemporaryDir dir;
        const fs::path folder = copyOf(dir, "bert");
        rewriteWeights(folder, [](std::string& name, auto&, std::vector<float>& values) {
            if (name == "cls.predictions.bias") {
                for (const int special : {0, 3, 4, 5}) values[std::size_t(special)] = 100;  // [PAD] [CLS] [SEP] [MASK]
            }
            return true;
        });
        const auto bundle = pretrained::openPretrained(folder);
        train::MaskFiller filler(bundle, bundle->encodeWithMasks("the [MASK] sat on the [MASK] ."));
        for (int step = 0; step < 2; ++step) {
            const train::FilledToken filled = filler.next();
            QVERIFY2(filled.id > 5, filled.text.c_str());
        }
        QVERIFY(filler.done());
    }

    void halfPrecisionLoadsTheSameValues() {
        // The F16 and BF16 files hold the F32 file's weights rounded: each loads within its rounding.
        const auto full = pretrained::openPretrained(hfData / "gpt2");
        for (const auto& [model, relative] : {std::pair{"gpt2-f16", 1.0 / 1024}, std::pair{"gpt2-bf16", 1.0 / 128}}) {
            const auto half = pretrained::openPretrained(hfData / model);
            const auto& a = full->model->parameters().values();
            const auto& b = half->model->parameters().values();
            QCOMPARE(a.size(), b.size());
            double worst = 0;
            for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(double(a[i]) - b[i]) / std::max(1e-3, std::abs(double(a[i]))));
            QVERIFY2(worst <= relative, qPrintable(QString("%1: %2").arg(model).arg(worst)));
            QVERIFY(worst > 0);  // rounded, not the same file
        }
    }

    void aCheckpointFromTrainingOpensToo() {
        // --model takes a folder or a checkpoint (here the shipped tiny decoder, by any of its
        // files); a folder without config.json is refused by name.
        const fs::path shipped = fs::path(PRETRAINLAB_SOURCE_DIR) / "resources" / "models";
        for (const char* file : {"tiny-decoder.safetensors", "tiny-decoder.json"}) {
            const auto bundle = pretrained::openModel(shipped / file);
            QCOMPARE(bundle->architecture(), nn::Architecture::Decoder);
            QVERIFY(!train::tokenLogProbabilities(*bundle, bundle->encode("the cat is happy .")).empty());
        }
        QTemporaryDir dir;
        const std::string message = messageOf([&] { pretrained::openModel(dir.path().toStdString()); });
        QVERIFY2(message.find("config.json") != std::string::npos, message.c_str());
    }

    void refusedByName() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto refused = [](const fs::path& folder, std::optional<std::uint64_t> available = std::nullopt) {
            return messageOf([&] { pretrained::openPretrained(folder, {}, available); });
        };
        const auto says = [](const std::string& message, std::initializer_list<const char*> words) {
            for (const char* word : words) {
                if (message.find(word) == std::string::npos) {
                    QTest::qFail(qPrintable(QString("'%1' missing from: %2").arg(word, QString::fromStdString(message))), __FILE__, __LINE__);
                    return false;
                }
            }
            return true;
        };

        // A pickled checkpoint: only safetensors is read, and how to convert.
        fs::path folder = copyOf(dir, "gpt2");
        fs::rename(folder / "model.safetensors", folder / "pytorch_model.bin");
        QVERIFY(says(refused(folder), {"pytorch_model.bin", "safetensors", "save_pretrained"}));
        fs::remove(folder / "pytorch_model.bin");
        writeText(folder / "model.safetensors.index.json", "{}");
        QVERIFY(says(refused(folder), {"model.safetensors.index.json"}));
        fs::remove_all(folder);

        // An architecture that is not supported: named, with those that are.
        folder = copyOf(dir, "gpt2");
        json config = json::parse(readFileBytes(folder / "config.json"));
        config["architectures"] = {"LlamaForCausalLM"};
        writeText(folder / "config.json", config.dump());
        QVERIFY(says(refused(folder), {"LlamaForCausalLM", "GPT2LMHeadModel", "BertForMaskedLM", "config.json"}));
        config["architectures"] = {"GPT2LMHeadModel"};
        config["activation_function"] = "relu";
        writeText(folder / "config.json", config.dump());
        QVERIFY(says(refused(folder), {"activation_function", "relu"}));
        config["activation_function"] = "gelu_new";
        for (const auto& [key, value] : {std::pair{"scale_attn_by_inverse_layer_idx", json(true)},
                                         std::pair{"tie_word_embeddings", json(false)}, std::pair{"n_embd", json(1 << 20)}}) {
            json changed = config;
            changed[key] = value;
            writeText(folder / "config.json", changed.dump());
            QVERIFY(says(refused(folder), {key}));
        }
        writeText(folder / "config.json", "{\"architectures\": [\"GPT2LMHeadModel\"], \"n_embd\": ");
        QVERIFY(says(refused(folder), {"config.json", "JSON"}));
        fs::remove_all(folder);

        // A missing tensor, and one of another shape: named, with both shapes.
        folder = copyOf(dir, "gpt2");
        rewriteWeights(folder, [](std::string& name, auto&, auto&) { return name != "h.1.mlp.c_fc.bias"; });
        QVERIFY(says(refused(folder), {"h.1.mlp.c_fc.bias", "model.safetensors"}));
        fs::remove_all(folder);
        folder = copyOf(dir, "bert");
        rewriteWeights(folder, [](std::string& name, std::vector<std::int64_t>& shape, std::vector<float>& values) {
            if (name == "bert.encoder.layer.0.intermediate.dense.weight") {
                shape = {128, 31};
                values.resize(128 * 31);
            }
            return true;
        });
        QVERIFY(says(refused(folder), {"encoder.layer.0.intermediate.dense.weight", "[128, 31]", "[128, 32]"}));
        fs::remove_all(folder);

        // A tokenizer larger than the model's vocabulary, and a BERT vocabulary without [MASK].
        folder = copyOf(dir, "bert");
        std::string vocab = readFileBytes(folder / "vocab.txt");
        writeText(folder / "vocab.txt", vocab + "extra\n");
        QVERIFY(says(refused(folder), {"vocab.txt", "32 tokens", "31"}));
        const std::size_t at = vocab.find("[MASK]");
        writeText(folder / "vocab.txt", vocab.replace(at, 6, "[MAZK]"));
        QVERIFY(says(refused(folder), {"vocab.txt", "[MASK]"}));
        fs::remove(folder / "vocab.txt");
        QVERIFY(says(refused(folder), {"tokenizer"}));
        fs::remove_all(folder);

        // More than the memory available: the estimate.
        QVERIFY(says(refused(hfData / "gpt2", 100'000), {"needs about", "available", "GPT-2"}));
        // Not a model folder at all.
        QVERIFY(says(refused(hfData / "gpt2" / "config.json"), {"not a folder"}));
    }
};

QTEST_APPLESS_MAIN(TestPretrained)
#include "test_pretrained.moc"
