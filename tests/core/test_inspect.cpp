// Looking inside models: the mask patterns of each model kind, attention weights that respect
// them, reproducible generation, [MASK] filling, zero-shot scores against token-by-token
// log-probabilities, and which tokens produce loss.
#include <QtTest>

#include <cmath>

#include "core/data/toyworld.hpp"
#include "core/nn/loss.hpp"
#include "core/train/inspect_attention.hpp"
#include "core/train/inspect_generation.hpp"
#include "core/train/inspect_masks.hpp"
#include "core/train/inspect_scoring.hpp"
#include "tests/core/toy_models.hpp"

using namespace pretrainlab;
using nn::Index;
using train::ModelBundle;
using train::ModelKind;

namespace {

std::shared_ptr<const ModelBundle> modelOf(nn::Architecture architecture, std::uint64_t seed = 3) {
    return testing::toyModel(architecture, seed);
}

// "1" where a query may look, row by row.
std::vector<std::string> rowsOf(const train::MaskPattern& pattern) {
    std::vector<std::string> rows;
    for (Index q = 0; q < pattern.queries; ++q) {
        std::string row;
        for (Index k = 0; k < pattern.keys; ++k) row += pattern.allows(q, k) ? '1' : '0';
        rows.push_back(row);
    }
    return rows;
}

using testing::logProbabilityAfter;

}  // namespace

class TestInspect : public QObject {
    Q_OBJECT

private slots:
    void maskPatternsOfAFiveTokenSentence() {
        const std::vector<std::string> all(5, "11111");
        const auto encoder = train::maskPatterns(ModelKind::Encoder, 5);
        QCOMPARE(encoder.size(), std::size_t(1));
        QCOMPARE(rowsOf(encoder[0]), all);

        const auto decoder = train::maskPatterns(ModelKind::Decoder, 5);
        QCOMPARE(rowsOf(decoder[0]), (std::vector<std::string>{"10000", "11000", "11100", "11110", "11111"}));

        const auto prefix = train::maskPatterns(ModelKind::PrefixLm, 5, 0, 2);
        QCOMPARE(rowsOf(prefix[0]), (std::vector<std::string>{"11000", "11000", "11100", "11110", "11111"}));

        // T5: five input positions, three decoder positions.
        const auto encdec = train::maskPatterns(ModelKind::EncoderDecoder, 5, 3);
        QCOMPARE(encdec.size(), std::size_t(3));
        QCOMPARE(rowsOf(encdec[0]), all);
        QVERIFY(!encdec[0].decoderQueries && !encdec[0].decoderKeys);
        QCOMPARE(rowsOf(encdec[1]), (std::vector<std::string>{"100", "110", "111"}));
        QVERIFY(encdec[1].decoderQueries && encdec[1].decoderKeys);
        // Cross-attention: decoder rows, encoder columns, every input visible.
        QCOMPARE(encdec[2].queries, Index(3));
        QCOMPARE(encdec[2].keys, Index(5));
        QVERIFY(encdec[2].decoderQueries && !encdec[2].decoderKeys);
        QCOMPARE(rowsOf(encdec[2]), (std::vector<std::string>(3, "11111")));
    }

    void spanCorruptionOfOneSentence() {
        data::SpecialTokens specials;
        specials.bos = 100;
        specials.firstSentinel = 200;
        const train::SpanExample example = train::spanExample({1, 2, 3, 4, 5}, specials);
        QCOMPARE(example.encoderInput, (std::vector<std::int32_t>{1, 2, 200, 4, 5}));
        QCOMPARE(example.decoderInput, (std::vector<std::int32_t>{100, 200, 3}));
        QCOMPARE(example.decoderTarget, (std::vector<std::int32_t>{200, 3, 201}));
        const train::SpanExample longer = train::spanExample({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, specials);
        QCOMPARE(longer.spanLength, Index(2));
        QCOMPARE(longer.encoderInput, (std::vector<std::int32_t>{1, 2, 3, 4, 5, 200, 8, 9, 10}));
    }

    void attentionWeightsRespectTheMasks() {
        for (const nn::Architecture architecture :
             {nn::Architecture::Decoder, nn::Architecture::Encoder, nn::Architecture::EncoderDecoder}) {
            const auto bundle = modelOf(architecture);
            const auto tokens = bundle->encode("the cats that are raised by my sister are sleeping .");
            const train::ModelInput input = train::readSentence(*bundle, tokens);
            const auto grids = train::attentionGrids(*bundle, input);
            QCOMPARE(grids.size(), architecture == nn::Architecture::EncoderDecoder ? std::size_t(3) : std::size_t(1));
            for (const train::AttentionGrid& grid : grids) {
                QCOMPARE(grid.maps.size(), std::size_t(2 * 4));
                for (const nn::Matrix<float>& map : grid.maps) {
                    QCOMPARE(map.rows(), Index(grid.queryLabels.size()));
                    QCOMPARE(map.cols(), Index(grid.keyLabels.size()));
                    for (Index q = 0; q < map.rows(); ++q) {
                        QVERIFY(std::abs(map.row(q).sum() - 1.0f) < 1e-5f);
                        for (Index k = 0; k < map.cols(); ++k) {
                            if (!grid.mask.allows(q, k)) QCOMPARE(map(q, k), 0.0f);
                        }
                    }
                }
            }
            if (architecture == nn::Architecture::Encoder) {
                QCOMPARE(grids[0].queryLabels.front(), std::string("[CLS]"));
                QCOMPARE(grids[0].queryLabels.back(), std::string("[SEP]"));
                QCOMPARE(grids[0].queryLabels.size(), tokens.size() + 2);
            }
            if (architecture == nn::Architecture::EncoderDecoder) {
                const train::AttentionGrid& cross = grids[2];
                QCOMPARE(cross.queryLabels, input.decoderLabels);
                QCOMPARE(cross.keyLabels, input.encoderLabels);
                QCOMPARE(cross.queryLabels.front(), std::string("<s>"));
                QVERIFY(cross.queryLabels.size() < cross.keyLabels.size());
            }
        }
    }

    void generationIsReproducibleAndFollowsItsRules() {
        const auto bundle = modelOf(nn::Architecture::Decoder);
        const auto prompt = bundle->encode("the boy lost his keys , so he is");
        std::size_t lastLength = 0;
        const auto run = [&](train::SamplingOptions options, int count) {
            train::Generator generator(bundle, prompt, options);
            std::vector<train::GeneratedToken> out;
            for (int i = 0; i < count; ++i) out.push_back(generator.next());
            lastLength = generator.tokens().size();
            return out;
        };
        train::SamplingOptions sampled{1.0, 0, 42, 8};
        const auto first = run(sampled, 12);
        QCOMPARE(lastLength, prompt.size() + 12);
        const auto again = run(sampled, 12);
        sampled.seed = 43;
        const auto other = run(sampled, 12);
        std::vector<std::int32_t> a, b, c;
        for (std::size_t i = 0; i < first.size(); ++i) {
            a.push_back(first[i].id), b.push_back(again[i].id), c.push_back(other[i].id);
            QCOMPARE(first[i].probability, again[i].probability);
        }
        QCOMPARE(a, b);
        QVERIFY(a != c);

        // Greedy takes the most likely token, which is the first candidate.
        std::vector<std::int32_t> context = prompt;
        for (const train::GeneratedToken& token : run({0.0, 0, 0, 8}, 5)) {
            QCOMPARE(token.text, token.candidates.front().token);
            QCOMPARE(token.probability, token.candidates.front().probability);
            QCOMPARE(token.attention.size(), context.size());
            float sum = 0;
            for (float w : token.attention) sum += w;
            QVERIFY(std::abs(sum - 1.0f) < 1e-5f);
            // Its log-probability is the best of a forward pass of our own.
            const double chosen = logProbabilityAfter(*bundle, context, token.id, true);
            QVERIFY(std::abs(std::exp(chosen) - token.probability) < 1e-4 * token.probability + 1e-9);
            context.push_back(token.id);
        }

        // Top-k: only k tokens can come out, and their probabilities add up to one.
        for (const train::GeneratedToken& token : run({1.5, 3, 7, 8}, 10)) {
            double sum = 0;
            int nonzero = 0;
            for (const train::Prediction& p : token.candidates) sum += p.probability, nonzero += p.probability > 0;
            QCOMPARE(nonzero, 3);
            QVERIFY(std::abs(sum - 1.0) < 1e-9);
            bool among = false;
            for (int k = 0; k < 3; ++k) among = among || token.candidates[std::size_t(k)].token == token.text;
            QVERIFY(among);
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 train::Generator(modelOf(nn::Architecture::Encoder), prompt, {}));
    }

    void anEncoderFillsMasksMostConfidentFirst() {
        const auto bundle = modelOf(nn::Architecture::Encoder);
        std::vector<std::int32_t> tokens = bundle->encode("the boy lost his keys , so he is sad .");
        tokens[1] = bundle->specials.mask;
        tokens[9] = bundle->specials.mask;
        train::MaskFiller filler(bundle, tokens, 5);
        QVERIFY(!filler.done());
        const train::FilledToken first = filler.next();
        QVERIFY(first.position == 1 || first.position == 9);
        QCOMPARE(first.remaining, std::size_t(1));
        QCOMPARE(first.text, first.candidates.front().token);
        QCOMPARE(filler.tokens()[std::size_t(first.position)], first.id);
        const train::FilledToken second = filler.next();
        QCOMPARE(second.position, first.position == 1 ? Index(9) : Index(1));
        QCOMPARE(second.remaining, std::size_t(0));
        QVERIFY(filler.done());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, filler.next());
    }

    void zeroShotScoresAreSumsOfTokenLogProbabilities() {
        const auto bundle = modelOf(nn::Architecture::Decoder, 9);
        const auto context = bundle->encode("the boy found his dog , so he is");
        for (const char* ending : {"happy .", "sad ."}) {
            const auto continuation = bundle->encode(ending);
            const train::ContinuationScore score = train::scoreContinuation(*bundle, context, continuation);
            QCOMPARE(score.tokens.size(), continuation.size());
            std::vector<std::int32_t> before = context;
            double expected = 0;
            for (std::size_t i = 0; i < continuation.size(); ++i) {
                const double lp = logProbabilityAfter(*bundle, before, continuation[i]);
                QVERIFY(std::abs(score.tokenLogProbabilities[i] - lp) < 1e-4);
                expected += lp;
                before.push_back(continuation[i]);
            }
            QVERIFY(std::abs(score.logProbability - expected) < 1e-4);
            QVERIFY(score.logProbability < 0);
        }
        // A sentence alone: its first token is given.
        const auto sentence = bundle->encode("the cats are sleeping .");
        const train::ContinuationScore whole = train::scoreContinuation(*bundle, {}, sentence);
        QCOMPARE(whole.tokens.size(), sentence.size() - 1);
        const double second = logProbabilityAfter(*bundle, {sentence[0]}, sentence[1]);
        QVERIFY(std::abs(whole.tokenLogProbabilities[0] - second) < 1e-4);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 train::scoreContinuation(*modelOf(nn::Architecture::Encoder), context, sentence));
    }

    void lossTokensOfEachObjective() {
        const Tokenizer tokenizer = data::ToyWorld::tokenizer();
        std::string text;
        for (int i = 0; i < 40; ++i) text += "the cats that are raised by my sister are sleeping . ";
        std::vector<std::int32_t> tokens;
        for (const TokenId id : tokenizer.encode(text)) tokens.push_back(std::int32_t(id));
        const train::LossTokens fifteen = train::lossTokens(tokens, tokenizer, 0.15, 1);
        QCOMPARE(fifteen.nextTokenCount, tokens.size() - 1);
        QCOMPARE(fifteen.masked.size(), tokens.size());
        const double share = double(fifteen.maskedCount) / double(tokens.size());
        QVERIFY2(share > 0.10 && share < 0.20, QByteArray::number(share));
        std::size_t masks = 0, counted = 0;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            counted += fifteen.masked[i];
            if (!fifteen.masked[i]) QCOMPARE(fifteen.maskedInput[i], fifteen.text[i]);  // untouched
            masks += fifteen.maskedInput[i] == "[MASK]";
        }
        QCOMPARE(counted, fifteen.maskedCount);
        QVERIFY(masks > fifteen.maskedCount / 2 && masks <= fifteen.maskedCount);  // about 80% become [MASK]
        const train::LossTokens same = train::lossTokens(tokens, tokenizer, 0.15, 1);
        QCOMPARE(same.masked, fifteen.masked);
        QCOMPARE(train::lossTokens(tokens, tokenizer, 1.0, 1).maskedCount, tokens.size());
    }
};

QTEST_APPLESS_MAIN(TestInspect)
#include "test_inspect.moc"
