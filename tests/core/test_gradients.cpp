#include <QtTest>

#include <random>
#include <stdexcept>

#include "core/nn/transformer.hpp"
#include "gradient_check.hpp"

using namespace pretrainlab::nn;

namespace {

// Random values in [-1, 1), reproducible.
void fill(Flat& values, unsigned seed, double scale = 1.0) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> uniform(-scale, scale);
    for (double& v : values) v = uniform(random);
}

Matrix<double> randomMatrix(Index rows, Index cols, unsigned seed) {
    Flat values(static_cast<std::size_t>(rows * cols));
    fill(values, seed);
    return Eigen::Map<Matrix<double>>(values.data(), rows, cols);
}

// Σ y ⊙ R for a fixed random R: a scalar whose gradient with respect to y is R.
double project(const Matrix<double>& y, const Matrix<double>& r) { return (y.array() * r.array()).sum(); }

Batch tinyBatch(Architecture architecture, unsigned seed, Index vocabulary, bool padding = false) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> token(0, int(vocabulary) - 1);
    Batch batch;
    batch.sequences = 2;
    batch.length = 5;
    for (Index i = 0; i < 10; ++i) {
        batch.tokens.push_back(token(random));
        batch.targets.push_back(i % 3 == 1 ? -1 : token(random));
    }
    if (architecture == Architecture::Encoder) {
        batch.segments = {0, 0, 0, 1, 1, 0, 0, 1, 1, 1};
    }
    if (architecture == Architecture::EncoderDecoder) {
        batch.targetLength = 4;
        for (Index i = 0; i < 8; ++i) {
            batch.decoderTokens.push_back(token(random));
            batch.decoderTargets.push_back(i == 2 ? -1 : token(random));
        }
    }
    if (padding) batch.padding = {0, 0, 0, 0, 1, 0, 0, 0, 1, 1};
    return batch;
}

// A model small enough for finite differences over every parameter, with weights large enough
// that every path carries a gradient.
ModelConfig checkedConfig(Architecture architecture) {
    ModelConfig config;
    config.architecture = architecture;
    config.vocabulary = 11;
    config.width = 8;
    config.layers = 2;
    config.decoderLayers = 1;
    config.heads = 2;
    config.context = 6;
    config.initialStd = 0.4;
    return config;
}

// Three sequences of six tokens for a masked LM, four rows with a target: two in the first
// sequence, two in the second, none in the third.
Batch sparseMaskedBatch(bool padding) {
    Batch batch;
    batch.sequences = 3;
    batch.length = 6;
    std::mt19937 random(32);
    std::uniform_int_distribution<int> token(0, 10);
    for (Index r = 0; r < 18; ++r) {
        batch.tokens.push_back(token(random));
        batch.segments.push_back(r % 6 < 3 ? 0 : 1);
        batch.targets.push_back(r == 1 || r == 4 || r == 7 || r == 9 ? token(random) : -1);
    }
    if (padding) {
        batch.padding.assign(18, 0);
        batch.padding[5] = batch.padding[10] = batch.padding[11] = 1;
    }
    return batch;
}

}  // namespace

class TestGradients : public QObject {
    Q_OBJECT

private slots:
    void linear() {
        Parameters<double> p;
        const Linear layer = Linear::create(p, "fc", "g", 4, 3);
        fill(p.values(), 1);
        const Matrix<double> x0 = randomMatrix(5, 4, 2);
        const Matrix<double> r = randomMatrix(5, 3, 3);
        Matrix<double> x = x0;
        const auto loss = [&] {
            Matrix<double> y(5, 3);
            layer.forward(p, x, y);
            return project(y, r);
        };
        Flat g(p.size(), 0.0);
        Matrix<double> dx;
        layer.backward(p, g, x, r, &dx);
        QCOMPARE(compareWithFiniteDifferences(p.values(), g, loss), QString());
        Flat xs(x.data(), x.data() + x.size());
        Flat dxs(dx.data(), dx.data() + dx.size());
        QCOMPARE(compareWithFiniteDifferences(xs, dxs, [&] {
                     x = Eigen::Map<Matrix<double>>(xs.data(), 5, 4);
                     return loss();
                 }),
                 QString());
    }

    void layerNorm() {
        Parameters<double> p;
        const LayerNorm layer = LayerNorm::create(p, "norm", "g", 6);
        fill(p.values(), 4);
        Flat xs(4 * 6);
        fill(xs, 5, 2.0);
        const Matrix<double> r = randomMatrix(4, 6, 6);
        const auto loss = [&] {
            Matrix<double> y;
            LayerNorm::Cache<double> cache;
            layer.forward(p, Eigen::Map<Matrix<double>>(xs.data(), 4, 6), y, cache);
            return project(y, r);
        };
        Matrix<double> y;
        LayerNorm::Cache<double> cache;
        layer.forward(p, Eigen::Map<Matrix<double>>(xs.data(), 4, 6), y, cache);
        Flat g(p.size(), 0.0);
        Matrix<double> dx;
        layer.backward(p, g, cache, r, dx);
        QCOMPARE(compareWithFiniteDifferences(p.values(), g, loss), QString());
        Flat dxs(dx.data(), dx.data() + dx.size());
        QCOMPARE(compareWithFiniteDifferences(xs, dxs, loss), QString());
    }

    void gelu() {
        Flat hs(3 * 5);
        fill(hs, 7, 3.0);
        const Matrix<double> r = randomMatrix(3, 5, 8);
        const auto loss = [&] {
            Matrix<double> y;
            geluForward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), y);
            return project(y, r);
        };
        Matrix<double> dh;
        geluBackward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), r, dh);
        Flat dhs(dh.data(), dh.data() + dh.size());
        QCOMPARE(compareWithFiniteDifferences(hs, dhs, loss), QString());
        // GELU(0) = 0, GELU(x) → x for large x, GELU(1) = Φ(1) = 0.8413447...
        Matrix<double> probe(1, 3);
        probe << 0.0, 1.0, 8.0;
        Matrix<double> out;
        geluForward<double>(probe, out);
        QCOMPARE(out(0, 0), 0.0);
        QVERIFY(std::abs(out(0, 1) - 0.8413447460685429) < 1e-12);
        QVERIFY(std::abs(out(0, 2) - 8.0) < 1e-9);
        // The slope kept by the forward pass gives the same gradient as computing it again.
        Matrix<double> slope, y, dhKept;
        geluForward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), y, &slope);
        geluBackward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), r, dhKept, &slope);
        QVERIFY((dhKept - dh).cwiseAbs().maxCoeff() < 1e-15);
        // Training's float GELU (its own erf) agrees with double's, values and gradients, with the
        // slope kept and without, over 1,000 points (several chunks, the last one short).
        Matrix<double> wide(1, 1000);
        for (Index i = 0; i < wide.cols(); ++i) wide(0, i) = -6.0 + 12.0 * double(i) / double(wide.cols() - 1);
        const Matrix<double> upstream = randomMatrix(1, 1000, 13);
        Matrix<double> yd, dd;
        geluForward<double>(wide, yd);
        geluBackward<double>(wide, upstream, dd);
        const Matrix<float> wideF = wide.cast<float>(), upstreamF = upstream.cast<float>();
        Matrix<float> yf, slopeF, dfKept, dfAgain;
        geluForward<float>(wideF, yf, &slopeF);
        geluBackward<float>(wideF, upstreamF, dfKept, &slopeF);
        geluBackward<float>(wideF, upstreamF, dfAgain);
        QVERIFY((yf.cast<double>() - yd).cwiseAbs().maxCoeff() < 2e-6);
        QVERIFY((dfKept.cast<double>() - dd).cwiseAbs().maxCoeff() < 2e-6);
        QVERIFY((dfAgain.cast<double>() - dd).cwiseAbs().maxCoeff() < 2e-6);
    }

    void tanhGelu() {
        // GPT-2's tanh form: gradients against finite differences, its value at 1 from the formula
        // ½ (1 + tanh(√(2/π) · 1.044715)) = 0.841191990, and float against double.
        Flat hs(3 * 5);
        fill(hs, 17, 3.0);
        const Matrix<double> r = randomMatrix(3, 5, 18);
        const auto loss = [&] {
            Matrix<double> y;
            geluForward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), y, nullptr, GeluForm::Tanh);
            return project(y, r);
        };
        Matrix<double> dh, y, slope, dhKept;
        geluBackward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), r, dh, nullptr, GeluForm::Tanh);
        Flat dhs(dh.data(), dh.data() + dh.size());
        QCOMPARE(compareWithFiniteDifferences(hs, dhs, loss), QString());
        geluForward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), y, &slope, GeluForm::Tanh);
        geluBackward<double>(Eigen::Map<Matrix<double>>(hs.data(), 3, 5), r, dhKept, &slope, GeluForm::Tanh);
        QVERIFY((dhKept - dh).cwiseAbs().maxCoeff() < 1e-15);
        Matrix<double> probe(1, 2);
        probe << 1.0, -3.0;
        Matrix<double> out, exact;
        geluForward<double>(probe, out, nullptr, GeluForm::Tanh);
        geluForward<double>(probe, exact);
        QVERIFY(std::abs(out(0, 0) - 0.5 * (1 + std::tanh(std::sqrt(2 / M_PI) * 1.044715))) < 1e-15);
        QVERIFY(std::abs(out(0, 0) - exact(0, 0)) > 1e-4);  // not the exact form
        Matrix<double> wide(1, 1000);
        for (Index i = 0; i < wide.cols(); ++i) wide(0, i) = -6.0 + 12.0 * double(i) / double(wide.cols() - 1);
        const Matrix<double> upstream = randomMatrix(1, 1000, 19);
        Matrix<double> yd, dd;
        geluForward<double>(wide, yd, nullptr, GeluForm::Tanh);
        geluBackward<double>(wide, upstream, dd, nullptr, GeluForm::Tanh);
        const Matrix<float> wideF = wide.cast<float>(), upstreamF = upstream.cast<float>();
        Matrix<float> yf, slopeF, dfKept, dfAgain;
        geluForward<float>(wideF, yf, &slopeF, GeluForm::Tanh);
        geluBackward<float>(wideF, upstreamF, dfKept, &slopeF, GeluForm::Tanh);
        geluBackward<float>(wideF, upstreamF, dfAgain, nullptr, GeluForm::Tanh);
        QVERIFY((yf.cast<double>() - yd).cwiseAbs().maxCoeff() < 2e-6);
        QVERIFY((dfKept.cast<double>() - dd).cwiseAbs().maxCoeff() < 2e-6);
        QVERIFY((dfAgain.cast<double>() - dd).cwiseAbs().maxCoeff() < 2e-6);
    }

    void attention_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("cross");
        QTest::addColumn<bool>("padding");
        QTest::addColumn<int>("length");
        QTest::newRow("bidirectional") << int(MaskKind::Bidirectional) << false << false << 4;
        QTest::newRow("causal") << int(MaskKind::Causal) << false << false << 4;
        QTest::newRow("prefix LM") << int(MaskKind::PrefixLm) << false << false << 4;
        QTest::newRow("padding") << int(MaskKind::Bidirectional) << false << true << 4;
        QTest::newRow("cross") << int(MaskKind::Bidirectional) << true << false << 4;
        // Long enough that a causal mask's rows go in blocks (the last one shorter), each stopping
        // at the keys its last row sees.
        QTest::newRow("causal, 150 positions") << int(MaskKind::Causal) << false << false << 150;
        QTest::newRow("causal with padding, 150 positions") << int(MaskKind::Causal) << false << true << 150;
        QTest::newRow("prefix LM, 150 positions") << int(MaskKind::PrefixLm) << false << false << 150;
        QTest::newRow("bidirectional, 150 positions") << int(MaskKind::Bidirectional) << false << true << 150;
    }

    void attention() {
        QFETCH(int, kind);
        QFETCH(bool, cross);
        QFETCH(bool, padding);
        QFETCH(int, length);
        Parameters<double> p;
        const MultiHeadAttention layer = MultiHeadAttention::create(p, "attention", "g", 8, 2, cross);
        fill(p.values(), 9, 0.5);
        const Index sequences = 2, tq = length, tk = cross ? length - 1 : length;
        Flat xs(static_cast<std::size_t>(sequences * tq * 8));
        fill(xs, 10);
        Flat ms(static_cast<std::size_t>(sequences * tk * 8));
        fill(ms, 11);
        std::vector<std::uint8_t> pad{0, 0, 1, 0, 0, 0, 1, 1};
        if (length != 4) {
            pad.assign(static_cast<std::size_t>(sequences * tk), 0);
            for (std::size_t j = 0; j < pad.size(); ++j) pad[j] = j % std::size_t(tk) % 7 == 3 || j % std::size_t(tk) > 140;
        }
        AttentionMask mask{static_cast<MaskKind>(kind), length == 4 ? 2 : 70, padding ? &pad : nullptr};
        const AttentionShape shape{sequences, tq, tk};
        const Matrix<double> r = randomMatrix(sequences * tq, 8, 12);
        const auto loss = [&] {
            Matrix<double> y;
            MultiHeadAttention::Cache<double> cache;
            const Matrix<double> memory = Eigen::Map<Matrix<double>>(ms.data(), sequences * tk, 8);
            layer.forward(p, Eigen::Map<Matrix<double>>(xs.data(), sequences * tq, 8), cross ? &memory : nullptr, shape,
                          mask, y, cache);
            return project(y, r);
        };
        Matrix<double> y;
        MultiHeadAttention::Cache<double> cache;
        const Matrix<double> x = Eigen::Map<Matrix<double>>(xs.data(), sequences * tq, 8);
        const Matrix<double> memory = Eigen::Map<Matrix<double>>(ms.data(), sequences * tk, 8);
        layer.forward(p, x, cross ? &memory : nullptr, shape, mask, y, cache);
        Flat g(p.size(), 0.0);
        Matrix<double> dx;
        Matrix<double> dMemory = Matrix<double>::Zero(sequences * tk, 8);
        layer.backward(p, g, x, cross ? &memory : nullptr, shape, mask, cache, r, dx, cross ? &dMemory : nullptr);
        QCOMPARE(compareWithFiniteDifferences(p.values(), g, loss), QString());
        Flat dxs(dx.data(), dx.data() + dx.size());
        QCOMPARE(compareWithFiniteDifferences(xs, dxs, loss), QString());
        if (cross) {
            Flat dms(dMemory.data(), dMemory.data() + dMemory.size());
            QCOMPARE(compareWithFiniteDifferences(ms, dms, loss), QString());
        }
        // The mask holds: nothing reaches a future or padded key.
        for (Index b = 0; b < sequences; ++b) {
            for (Index h = 0; h < 2; ++h) {
                const Matrix<double> weights = layer.weights(cache, shape, b, h);
                for (Index i = 0; i < tq; ++i) {
                    for (Index j = 0; j < tk; ++j) {
                        if (!cross && !mask.allows(b, i, j, tk)) QCOMPARE(weights(i, j), 0.0);
                    }
                    QVERIFY(std::abs(weights.row(i).sum() - 1.0) < 1e-12);
                }
            }
        }
        // The weights and the context, one query at a time from the projected q, k and v.
        if (!cross) {
            const Index dh = 4;
            for (Index b = 0; b < sequences; ++b) {
                for (Index h = 0; h < 2; ++h) {
                    const Matrix<double> weights = layer.weights(cache, shape, b, h);
                    for (Index i = 0; i < tq; ++i) {
                        std::vector<double> e(static_cast<std::size_t>(tk), 0.0);
                        double total = 0;
                        for (Index j = 0; j < tk; ++j) {
                            if (!mask.allows(b, i, j, tk)) continue;
                            const double score = cache.projected.block(b * tq + i, h * dh, 1, dh)
                                                     .cwiseProduct(cache.projected.block(b * tk + j, 8 + h * dh, 1, dh))
                                                     .sum() / 2.0;
                            e[static_cast<std::size_t>(j)] = std::exp(score);
                            total += std::exp(score);
                        }
                        RowVector<double> context = RowVector<double>::Zero(dh);
                        for (Index j = 0; j < tk; ++j) {
                            const double weight = e[static_cast<std::size_t>(j)] / total;
                            QVERIFY(std::abs(weights(i, j) - weight) < 1e-12);
                            context += weight * cache.projected.block(b * tk + j, 16 + h * dh, 1, dh);
                        }
                        QVERIFY((cache.context.block(b * tq + i, h * dh, 1, dh) - context).cwiseAbs().maxCoeff() < 1e-12);
                    }
                }
            }
        }
    }

    // A masked LM's training runs its last block at the rows with a target only (every row still
    // a key and a value): the gradient from that shortcut matches finite differences of the loss
    // from inference, which runs every row, and the whole block's gradient; with padding, and with
    // a sequence that has no target at all.
    void maskedLmAtTargetRowsOnly_data() {
        QTest::addColumn<bool>("padding");
        QTest::newRow("no padding") << false;
        QTest::newRow("padding") << true;
    }

    void maskedLmAtTargetRowsOnly() {
        QFETCH(bool, padding);
        const ModelConfig config = checkedConfig(Architecture::Encoder);
        Transformer<double> model(config, 31);
        const Batch batch = sparseMaskedBatch(padding);
        const double scale = 1.0 / double(batch.tokensWithLoss());
        Transformer<double>::Workspace workspace;
        const auto loss = [&] { return model.run(batch, workspace, nullptr, 0, 0).tokenSum * scale; };
        const double inferred = loss();
        QVERIFY(workspace.targetRows.empty());  // inference runs every row

        Flat gradients(model.parameters().size(), 0.0);
        const Losses shortcut = model.run(batch, workspace, &gradients, scale, 0);
        QCOMPARE(workspace.targetRows, (std::vector<Index>{1, 4, 7, 9}));
        QCOMPARE(workspace.encoderOutput.rows(), Index(4));
        QVERIFY(std::abs(shortcut.tokenSum * scale - inferred) < 1e-12);
        // the last block kept weights for the masked rows only: asking for a whole map is refused
        QVERIFY_THROWS_EXCEPTION(std::logic_error, model.attentionWeights(workspace, AttentionStack::Encoder, 1, 0, 0));
        QCOMPARE(model.attentionWeights(workspace, AttentionStack::Encoder, 0, 0, 0).rows(), Index(6));

        Transformer<double>::Workspace whole;
        whole.allRows = true;
        Flat reference(model.parameters().size(), 0.0);
        const Losses full = model.run(batch, whole, &reference, scale, 0);
        QVERIFY(whole.targetRows.empty());
        QVERIFY(std::abs(full.tokenSum - shortcut.tokenSum) < 1e-12);
        double largest = 0;
        for (std::size_t i = 0; i < gradients.size(); ++i) {
            QVERIFY2(std::abs(gradients[i] - reference[i]) < 1e-10,
                     qPrintable(QStringLiteral("parameter value %1: %2 against %3").arg(i).arg(gradients[i]).arg(reference[i])));
            largest = std::max(largest, std::abs(reference[i]));
        }
        QVERIFY(largest > 1e-3);  // the gradients compared are not all zero
        QCOMPARE(compareWithFiniteDifferences(model.parameters().values(), gradients, loss, 1e-5), QString());
    }

    // The same shortcut while dropout drops (its masks drawn for the rows it runs): the gradient
    // matches finite differences of the training loss with the same masks, replayed by starting
    // the workspace's random stream from the same state for every evaluation.
    void maskedLmAtTargetRowsOnlyWithDropout() {
        ModelConfig config = checkedConfig(Architecture::Encoder);
        config.dropout = 0.3;
        Transformer<double> model(config, 33);
        const Batch batch = sparseMaskedBatch(true);
        const double scale = 1.0 / double(batch.tokensWithLoss());
        Transformer<double>::Workspace workspace;
        Flat scratch(model.parameters().size(), 0.0);
        const auto loss = [&] {
            workspace.random.seed(34);
            return model.run(batch, workspace, &scratch, scale, 0).tokenSum * scale;
        };
        Flat gradients(model.parameters().size(), 0.0);
        workspace.random.seed(34);
        const Losses dropped = model.run(batch, workspace, &gradients, scale, 0);
        QCOMPARE(workspace.targetRows.size(), std::size_t(4));
        // dropout did drop: the loss differs from inference's
        Transformer<double>::Workspace inference;
        QVERIFY(std::abs(model.run(batch, inference, nullptr, 0, 0).tokenSum - dropped.tokenSum) > 1e-6);
        QCOMPARE(compareWithFiniteDifferences(model.parameters().values(), gradients, loss, 1e-5), QString());
    }

    void models_data() {
        QTest::addColumn<int>("architecture");
        QTest::addColumn<bool>("preNorm");
        QTest::addColumn<int>("classes");
        QTest::addColumn<bool>("nextSentence");
        QTest::addColumn<int>("tags");
        QTest::addColumn<int>("prefix");
        QTest::addColumn<bool>("padding");
        QTest::addColumn<int>("choices");     // multiple choice: sequences per question
        QTest::addColumn<bool>("meanPooling");
        QTest::newRow("decoder, pre-LN") << int(Architecture::Decoder) << true << 0 << false << 0 << 0 << false << 0 << false;
        QTest::newRow("decoder, post-LN") << int(Architecture::Decoder) << false << 0 << false << 0 << 0 << false << 0 << false;
        QTest::newRow("decoder, prefix LM") << int(Architecture::Decoder) << true << 0 << false << 0 << 3 << false << 0 << false;
        QTest::newRow("decoder, classifier") << int(Architecture::Decoder) << true << 3 << false << 0 << 0 << true << 0 << false;
        QTest::newRow("encoder MLM + NSP") << int(Architecture::Encoder) << true << 0 << true << 0 << 0 << false << 0 << false;
        QTest::newRow("encoder, post-LN, padding") << int(Architecture::Encoder) << false << 0 << true << 0 << 0 << true << 0 << false;
        QTest::newRow("encoder, classifier") << int(Architecture::Encoder) << true << 2 << false << 0 << 0 << false << 0 << false;
        QTest::newRow("encoder, tagger") << int(Architecture::Encoder) << true << 0 << false << 4 << 0 << false << 0 << false;
        QTest::newRow("encoder-decoder") << int(Architecture::EncoderDecoder) << true << 0 << false << 0 << 0 << false << 0 << false;
        QTest::newRow("decoder, multiple choice") << int(Architecture::Decoder) << true << 1 << false << 0 << 0 << true << 2 << false;
        QTest::newRow("encoder, multiple choice") << int(Architecture::Encoder) << true << 1 << false << 0 << 0 << false << 2 << false;
        QTest::newRow("decoder, mean pooling") << int(Architecture::Decoder) << true << 3 << false << 0 << 0 << true << 0 << true;
        QTest::newRow("encoder, mean pooling") << int(Architecture::Encoder) << true << 2 << false << 0 << 0 << true << 0 << true;
        QTest::newRow("encoder-decoder, post-LN") << int(Architecture::EncoderDecoder) << false << 0 << false << 0 << 0 << false << 0 << false;
    }

    void models() {
        QFETCH(int, architecture);
        QFETCH(bool, preNorm);
        QFETCH(int, classes);
        QFETCH(bool, nextSentence);
        QFETCH(int, tags);
        QFETCH(int, prefix);
        QFETCH(bool, padding);
        QFETCH(int, choices);
        QFETCH(bool, meanPooling);
        ModelConfig config = checkedConfig(static_cast<Architecture>(architecture));
        config.preNorm = preNorm;
        config.classes = classes;
        config.nextSentenceHead = nextSentence;
        config.tags = tags;
        config.meanPooling = meanPooling;
        Transformer<double> model(config, 21);
        Batch batch = tinyBatch(config.architecture, 22, tags > 0 ? tags : config.vocabulary, padding);
        batch.prefixLength = prefix;
        if (classes > 0 || nextSentence) batch.sequenceLabels = {1, 0};
        if (choices > 0) {
            batch.choices = choices;  // the batch's two sequences are one question's two answers
            batch.sequenceLabels = {1};
        }
        const double tokenScale = 1.0 / double(std::max<Index>(1, batch.tokensWithLoss()));
        const double sequenceScale = batch.sequenceLabels.empty() ? 0.0 : 0.5;
        Transformer<double>::Workspace workspace;
        const auto loss = [&] {
            const Losses losses = model.run(batch, workspace, nullptr, 0, 0);
            return losses.tokenSum * tokenScale + losses.sequenceSum * sequenceScale;
        };
        Flat gradients(model.parameters().size(), 0.0);
        const Losses losses = model.run(batch, workspace, &gradients, tokenScale, sequenceScale);
        QVERIFY(losses.tokens > 0 || losses.sequences > 0);
        // Every parameter that takes part gets a gradient matching finite differences.
        QCOMPARE(compareWithFiniteDifferences(model.parameters().values(), gradients, loss, 1e-5), QString());
    }
};

QTEST_APPLESS_MAIN(TestGradients)
#include "test_gradients.moc"
