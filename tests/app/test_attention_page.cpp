// The attention lesson: the mask matrices of each model kind for a five-token sentence, heatmaps
// that hold the model's own weights, reproducible generation, zero-shot scores that are sums of
// token log-probabilities, the tokens that produce loss, and models taken from the Training lab.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QtTest>

#include <cmath>

#include "app/jobs/background_job.hpp"
#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/tokenization/lesson_state.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/attention/generation_tab.hpp"
#include "app/lessons/attention/loss_tab.hpp"
#include "app/lessons/attention/masks_tab.hpp"
#include "app/lessons/attention/weights_tab.hpp"
#include "app/lessons/attention/zero_shot_tab.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"
#include "core/data/toyworld.hpp"
#include "core/train/inspect_generation.hpp"
#include "tests/core/toy_models.hpp"
#include "widgets/attention_heatmap.hpp"
#include "widgets/score_bars.hpp"

using namespace pretrainlab;
using app::AttentionPage;
using app::AttentionState;
using nn::Index;
using train::ModelKind;

namespace {

std::shared_ptr<const train::ModelBundle> modelOf(nn::Architecture architecture, std::uint64_t seed) {
    return testing::toyModel(architecture, seed, /*heads=*/2, /*context=*/32);
}

std::vector<std::int32_t> idsOf(const train::ModelBundle& bundle, const std::string& text) { return bundle.encode(text); }

using testing::logProbabilityAfter;

double sumOfLogProbabilities(const train::ModelBundle& bundle, const std::string& context, const std::string& ending) {
    std::vector<std::int32_t> before = idsOf(bundle, context);
    double sum = 0;
    for (const std::int32_t token : idsOf(bundle, ending)) {
        sum += logProbabilityAfter(bundle, before, token);
        before.push_back(token);
    }
    return sum;
}

// "1" where the heatmap lets a query look, row by row.
QStringList patternOf(const widgets::AttentionHeatmap& map) {
    QStringList rows;
    for (int r = 0; r < map.rows(); ++r) {
        QString row;
        for (int c = 0; c < map.cols(); ++c) row += map.isHidden(r, c) ? QLatin1Char('0') : QLatin1Char('1');
        rows << row;
    }
    return rows;
}

}  // namespace

class TestAttentionPage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // The recent files this test makes go to a settings file of its own.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PretrainLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_attention_page"));
        QSettings().clear();
    }

    void masksOfAFiveTokenSentence() {
        AttentionState state;
        app::MasksTab page(state);
        page.resize(1280, 720);
        page.show();
        state.setSentence(QStringLiteral("the cats are sleeping ."));
        const QStringList all(5, QStringLiteral("11111"));

        page.setMaskKind(ModelKind::Encoder);
        QCOMPARE(page.heatmaps().size(), std::size_t(1));
        QCOMPARE(patternOf(*page.heatmaps()[0]), all);
        QCOMPARE(page.heatmaps()[0]->rowLabels(),
                 (QStringList{"the", "cats", "are", "sleeping", "."}));

        page.setMaskKind(ModelKind::Decoder);
        QCOMPARE(patternOf(*page.heatmaps()[0]), (QStringList{"10000", "11000", "11100", "11110", "11111"}));

        page.setMaskKind(ModelKind::PrefixLm);
        page.setPrefixLength(3);
        QCOMPARE(patternOf(*page.heatmaps()[0]), (QStringList{"11100", "11100", "11100", "11110", "11111"}));

        // T5: "are" becomes <X_0>; the decoder reads <s> <X_0> are.
        page.setMaskKind(ModelKind::EncoderDecoder);
        const auto maps = page.heatmaps();
        QCOMPARE(maps.size(), std::size_t(3));
        QCOMPARE(patternOf(*maps[0]), all);
        QCOMPARE(maps[0]->rowLabels(), (QStringList{"the", "cats", "<X_0>", "sleeping", "."}));
        QCOMPARE(patternOf(*maps[1]), (QStringList{"100", "110", "111"}));
        const widgets::AttentionHeatmap& cross = *maps[2];
        QCOMPARE(cross.rows(), 3);
        QCOMPARE(cross.cols(), 5);
        QCOMPARE(cross.rowLabels(), (QStringList{"<s>", "<X_0>", "are"}));
        QCOMPARE(cross.colLabels(), maps[0]->colLabels());
        QCOMPARE(patternOf(cross), QStringList(3, QStringLiteral("11111")));

        // The walk highlights one row after another and says what it may see.
        page.setMaskKind(ModelKind::Decoder);
        page.showMaskRow(2);
        QCOMPARE(page.heatmaps()[0]->highlightedRow(), 2);
        QVERIFY2(page.caption().contains(QStringLiteral("positions 1–3")), qPrintable(page.caption()));
        page.setWalking(true);
        QTRY_COMPARE_WITH_TIMEOUT(page.heatmaps()[0]->highlightedRow(), 3, 3000);
        page.setWalking(false);
    }

    void heatmapsShowTheModelsOwnWeights() {
        AttentionState state;
        app::WeightsTab page(state);
        page.resize(1280, 720);
        page.show();
        const auto encoder = modelOf(nn::Architecture::Encoder, 4);
        const auto decoder = modelOf(nn::Architecture::Decoder, 5);
        state.setSentence(QStringLiteral("the boy lost his keys , so he is sad ."));
        state.setTinyModels(encoder, decoder);
        QTRY_VERIFY(!page.busy());
        QCOMPARE(page.columns(), 2);
        page.selectHead(1, 1, 1);

        // Our own forward pass of the decoder over the sentence.
        const std::vector<std::int32_t> tokens = idsOf(*decoder, "the boy lost his keys , so he is sad .");
        nn::Batch batch;
        batch.sequences = 1;
        batch.length = Index(tokens.size());
        batch.tokens = tokens;
        batch.targets.assign(tokens.size(), -1);
        batch.targets.back() = 0;
        typename nn::Transformer<float>::Workspace workspace;
        decoder->model->run(batch, workspace, nullptr, 1.0, 0.0);
        const nn::Matrix<float> expected = decoder->model->attentionWeights(workspace, nn::AttentionStack::Encoder, 1, 0, 1);

        const widgets::AttentionHeatmap* big = page.enlarged(1);
        QCOMPARE(big->rows(), int(tokens.size()));
        QCOMPARE(big->cols(), int(tokens.size()));
        for (int r = 0; r < big->rows(); ++r) {
            for (int c = 0; c < big->cols(); ++c) {
                QCOMPARE(big->value(r, c), expected(r, c));
                QCOMPARE(big->isHidden(r, c), c > r);  // the decoder's upper triangle
            }
        }
        QVERIFY(big->describeAt(big->cellRect(4, 2).center()).contains(QStringLiteral("“keys”")));
        // The thumbnail of layer 2, head 2 holds the same numbers.
        const widgets::AttentionHeatmap* thumb = page.thumbnails(1)[std::size_t(1 * 2 + 1)];
        QCOMPARE(thumb->value(5, 3), expected(5, 3));

        // The encoder reads [CLS] … [SEP] and may look everywhere.
        const widgets::AttentionHeatmap* encoderMap = page.enlarged(0);
        QCOMPARE(encoderMap->rowLabels().first(), QStringLiteral("[CLS]"));
        QCOMPARE(encoderMap->rows(), int(tokens.size()) + 2);
        QVERIFY(!encoderMap->isHidden(0, encoderMap->cols() - 1));
    }

    void generationWithAFixedSeedRepeats() {
        AttentionState state;
        app::GenerationTab page(state);
        const auto decoder = modelOf(nn::Architecture::Decoder, 6);
        state.setTinyModels(modelOf(nn::Architecture::Encoder, 7), decoder);
        page.setPrompt(QStringLiteral("the boy lost his keys , so he"));
        const auto run = [&](quint64 seed) {
            page.setSampling(1.0, 5, seed);
            page.generate(8);
            [&] { QTRY_VERIFY(!page.busy()); }();
            return page.generatedIds();
        };
        const std::vector<std::int32_t> first = run(11);
        QCOMPARE(first.size(), std::size_t(8));
        QCOMPARE(run(11), first);
        QVERIFY(run(12) != first);

        // The same as core's generator with the same settings.
        train::Generator generator(decoder, idsOf(*decoder, "the boy lost his keys , so he"), {1.0, 5, 11, 6});
        std::vector<std::int32_t> direct;
        for (int i = 0; i < 8; ++i) direct.push_back(generator.next().id);
        QCOMPARE(run(11), direct);
        QCOMPARE(page.candidateBars()->labels().size(), 6);
        QCOMPARE(page.newestAttention()->rows(), 1);

        // Greedy: the marked candidate is the most likely one. Clicks while a token is computed
        // add to the next request; none is lost.
        page.setSampling(0, 0, 0);
        page.generate(1);
        page.generate(2);
        QTRY_VERIFY(!page.busy());
        QCOMPARE(page.candidateBars()->marked(), 0);
        train::Generator greedy(decoder, idsOf(*decoder, "the boy lost his keys , so he"), {0.0, 0, 0, 6});
        const std::vector<std::int32_t> expected{greedy.next().id, greedy.next().id, greedy.next().id};
        QCOMPARE(page.generatedIds(), expected);

        // The encoder fills its [MASK]s one at a time.
        page.setMaskedText(QStringLiteral("the boy lost his [MASK] , so he is [MASK] ."));
        page.fillOneMask();
        QTRY_VERIFY(!page.busy());
        QCOMPARE(page.filledText().count(QStringLiteral("[MASK]")), 1);
        page.fillOneMask();
        QTRY_VERIFY(!page.busy());
        QVERIFY(!page.filledText().contains(QStringLiteral("[MASK]")));
    }

    void zeroShotScoresAreSumsOfLogProbabilities() {
        AttentionState state;
        app::ZeroShotTab page(state);
        const auto decoder = modelOf(nn::Architecture::Decoder, 8);
        state.setTinyModels(modelOf(nn::Architecture::Encoder, 9), decoder);
        page.score();
        QTRY_VERIFY(!page.busy());
        const widgets::ScoreBars* sentiment = page.bars(app::ZeroShotTab::Sentiment);
        QCOMPARE(sentiment->labels(), (QStringList{"happy", "sad"}));
        const std::string text = "the boy found his dog , so he is";
        QVERIFY(std::abs(sentiment->values()[0] - sumOfLogProbabilities(*decoder, text, "happy")) < 1e-4);
        QVERIFY(std::abs(sentiment->values()[1] - sumOfLogProbabilities(*decoder, text, "sad")) < 1e-4);
        QCOMPARE(sentiment->marked(), sentiment->values()[0] > sentiment->values()[1] ? 0 : 1);

        const widgets::ScoreBars* choice = page.bars(app::ZeroShotTab::Choice);
        QCOMPARE(choice->labels().size(), 4);
        for (int i = 0; i < 4; ++i) {
            const double expected = sumOfLogProbabilities(*decoder, "the capital of velland is", choice->labels()[i].toStdString());
            QVERIFY(std::abs(choice->values()[std::size_t(i)] - expected) < 1e-4);
        }
        const auto best = std::max_element(choice->values().begin(), choice->values().end()) - choice->values().begin();
        QCOMPARE(choice->marked(), int(best));

        // Acceptability: the mean per token, from the second token on.
        const widgets::ScoreBars* acceptable = page.bars(app::ZeroShotTab::Acceptability);
        QCOMPARE(acceptable->labels().size(), 3);
        const std::vector<std::int32_t> sentence = idsOf(*decoder, "the cats that are raised by my sister are sleeping .");
        double sum = 0;
        for (std::size_t i = 1; i < sentence.size(); ++i) {
            sum += logProbabilityAfter(*decoder, {sentence.begin(), sentence.begin() + std::ptrdiff_t(i)}, sentence[i]);
        }
        QVERIFY(std::abs(acceptable->values()[0] - sum / double(sentence.size() - 1)) < 1e-4);
    }

    void zeroShotNamesTheWordsTheModelDoesNotKnow() {
        AttentionState state;
        app::ZeroShotTab page(state);
        const auto decoder = modelOf(nn::Architecture::Decoder, 8);
        state.setTinyModels(modelOf(nn::Architecture::Encoder, 9), decoder);
        page.score();
        QTRY_VERIFY(!page.busy());
        const auto* verdict = page.findChild<QLabel*>(QStringLiteral("zeroShotVerdict0"));
        QVERIFY(verdict);
        QVERIFY2(!verdict->text().contains(QStringLiteral("does not know")), qPrintable(verdict->text()));
        // Outside the toy world: "movie" and "terrible" are not words it has.
        const std::vector<std::string> unknown = decoder->unknownWords("the movie was terrible , so he is");
        QString names;
        for (const std::string& word : unknown) names += QString::fromStdString(word) + QLatin1Char('|');
        QVERIFY2(unknown == (std::vector<std::string>{"movie", "terrible"}), qPrintable(names));
        page.findChild<QLineEdit*>(QStringLiteral("sentimentText"))->setText(QStringLiteral("the movie was terrible , so he is"));
        page.score();
        QTRY_VERIFY(!page.busy());
        QVERIFY2(verdict->text().contains(QStringLiteral("2 words the model does not know")) &&
                     verdict->text().contains(QStringLiteral("movie, terrible")),
                 qPrintable(verdict->text()));
    }

    void lossTokensOfTheTwoObjectives() {
        AttentionState state;
        app::LossTab page(state);
        QString text;
        for (int i = 0; i < 20; ++i) text += QStringLiteral("the cats that are raised by my sister are sleeping .\n");
        page.setText(text);
        QCOMPARE(page.nextTokenLossTokens(), 20 * 11 - 1);  // all but the first
        QVERIFY(page.maskedLossTokens() > 20 && page.maskedLossTokens() < 50);  // about 15% of 220
        // BERT's corruption: every picked token is [MASK], random or kept, about 80/10/10.
        auto counts = page.corruptionCounts();
        QCOMPARE(counts[0] + counts[1] + counts[2], page.maskedLossTokens());
        QVERIFY(counts[0] > counts[1] + counts[2]);
        // One short sentence rarely shows all three: "Show each case" finds a pick that does.
        page.setText(QStringLiteral("the cats that are raised by my sister are sleeping .\njane is happy that john invited "
                                    "her friends to his birthday party ."));
        page.showEachCase();
        counts = page.corruptionCounts();
        QVERIFY(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);
        const QString legend = page.findChild<QLabel*>(QStringLiteral("maskedLegend"))->text();
        QVERIFY2(legend.contains(QStringLiteral("[MASK]: %1").arg(counts[0])) &&
                     legend.contains(QStringLiteral("random token: %1").arg(counts[1])) &&
                     legend.contains(QStringLiteral("still predicted: %1").arg(counts[2])),
                 qPrintable(legend));
        // "[MASK] only", as the lecture compares: every picked token reads [MASK].
        page.setBertCorruption(false);
        counts = page.corruptionCounts();
        QCOMPARE(counts[0], page.maskedLossTokens());
        QCOMPARE(counts[1] + counts[2], 0);
    }

    void everyPageFitsAProjectorAt1280x720() {
        app::applyTheme(*qApp, app::defaultTextPointSize);  // the projector's large type
        app::MainWindow window;
        window.resize(1280, 720);
        window.show();
        // Each of the attention page's views, with models and results in them, so that a failure
        // names the one too large.
        AttentionPage* page = window.attentionPage();
        page->state().setTinyModels(modelOf(nn::Architecture::Encoder, 1), modelOf(nn::Architecture::Decoder, 2));
        page->findChild<app::GenerationTab*>()->generate(3);
        page->findChild<app::GenerationTab*>()->fillOneMask();
        page->findChild<app::ZeroShotTab*>()->score();
        QTRY_VERIFY(!page->busy());
        const auto* tabs = page->findChild<QTabWidget*>(QStringLiteral("attentionTabs"));
        for (int tab = 0; tab < tabs->count(); ++tab) {
            const QSize size = tabs->widget(tab)->minimumSizeHint();
            QVERIFY2(size.width() <= 1280 - 184 - 40 && size.height() <= 720 - 250,
                     qPrintable(QStringLiteral("%1: %2×%3").arg(tabs->tabText(tab)).arg(size.width()).arg(size.height())));
        }
        const auto* pages = window.findChild<QStackedWidget*>();
        QStringList widths;
        for (int i = 0; i < pages->count(); ++i) widths << QString::number(pages->widget(i)->minimumSizeHint().width());
        for (const QString& name : app::MainWindow::pageNames()) {
            window.showPage(name);
            QVERIFY2(window.minimumSizeHint().width() <= 1280 && window.minimumSizeHint().height() <= 720,
                     qPrintable(QStringLiteral("%1: the window needs %2×%3 (pages: %4)")
                                    .arg(name)
                                    .arg(window.minimumSizeHint().width())
                                    .arg(window.minimumSizeHint().height())
                                    .arg(widths.join(QLatin1Char(' ')))));
        }
    }

    void realModelsBesideTheTinyOnes() {
        // A GPT-2 and a BERT in Hugging Face's layout (small random ones): opened in the background,
        // they become the views' models; the weights show each with its own tokens, the masks read
        // the sentence with GPT-2's tokenizer, generation continues with GPT-2; the tiny models stay.
        const QString data = QStringLiteral(PRETRAINLAB_TEST_DATA "/hf/");
        AttentionState state;
        app::WeightsTab weights(state);
        app::MasksTab masks(state);
        weights.resize(1280, 720);
        weights.show();
        state.setTinyModels(modelOf(nn::Architecture::Encoder, 4), modelOf(nn::Architecture::Decoder, 5));
        state.setSentence(QStringLiteral("the cat sat on the mat"));
        QSignalSpy opened(&state, &AttentionState::realModelOpened);
        QVERIFY(state.openRealModels({data + "gpt2", data + "bert"}));
        QVERIFY(!state.openRealModels({data + "gpt2"}));  // one piece of work at a time
        QTRY_VERIFY_WITH_TIMEOUT(!state.job().busy(), 20000);
        QCOMPARE(opened.count(), 2);
        QCOMPARE(state.source(), AttentionState::Source::RealModels);
        QCOMPARE(state.decoder(), state.realDecoder());
        QCOMPARE(state.encoder(), state.realEncoder());
        QVERIFY(state.modelsDescription().contains(QStringLiteral("GPT-2")) && state.modelsDescription().contains(QStringLiteral("BERT")));
        QTRY_VERIFY(!weights.busy());
        QCOMPARE(weights.columns(), 2);
        QCOMPARE(weights.enlarged(1)->rowLabels().at(2), QStringLiteral("Ġcat"));  // GPT-2's own tokens: t he Ġcat …
        QCOMPARE(weights.enlarged(0)->rowLabels().first(), QStringLiteral("[CLS]"));
        masks.setMaskKind(ModelKind::Decoder);
        QCOMPARE(masks.heatmaps().front()->rows(), int(state.realDecoder()->encode("the cat sat on the mat").size()));
        // Generation continues with GPT-2: greedy, it adds what the reference's PyTorch GPT-2 adds.
        QFile file(data + "gpt2/reference.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject reference = QJsonDocument::fromJson(file.readAll()).object();
        std::vector<std::int32_t> prompt;
        for (const QJsonValue id : reference["prompt"].toArray()) prompt.push_back(id.toInt());
        train::Generator generator(state.decoder(), prompt, {});
        QCOMPARE(generator.next().id, reference["greedy"].toArray().first().toInt());
        // The generation tab shows the tokens as chips and the whole as text, without GPT-2's Ġ.
        app::GenerationTab generation(state);
        generation.setPrompt(QStringLiteral("the cat sat"));
        generation.setSampling(0, 0, 0);
        generation.generate(3);
        QTRY_VERIFY_WITH_TIMEOUT(!generation.busy(), 20000);
        QCOMPARE(generation.generatedIds().size(), std::size_t(3));
        const std::vector<std::int32_t> prompt3 = state.decoder()->encode("the cat sat");
        std::vector<TokenId> all(prompt3.begin(), prompt3.end());
        all.insert(all.end(), generation.generatedIds().begin(), generation.generatedIds().end());
        const QString text = generation.generatedText();
        QCOMPARE(text, QString::fromStdString(state.decoder()->tokenizer.decode(all, true)).trimmed());
        QVERIFY2(text.startsWith(QStringLiteral("the cat sat")) && !text.contains(QStringLiteral("Ġ")), qPrintable(text));
        const auto* shown = generation.findChild<QLabel*>(QStringLiteral("generated"));
        QVERIFY(shown && shown->text().contains(QStringLiteral("Ġcat")) && shown->text().contains(text.toHtmlEscaped()));
        // A folder that is not a model: said by name, and nothing changes.
        QSignalSpy problems(&state, &AttentionState::problem);
        QVERIFY(state.openRealModels({data + "nowhere"}));
        QTRY_VERIFY_WITH_TIMEOUT(!state.job().busy(), 20000);
        QVERIFY(!problems.isEmpty() && problems.last().first().toString().contains(QStringLiteral("nowhere")));
        QCOMPARE(state.decoder(), state.realDecoder());
        // Back to the tiny pair.
        state.setSource(AttentionState::Source::TinyModels);
        QCOMPARE(state.decoder(), state.tinyDecoder());
    }

    void realModelsReadTheLecturesEnglish() {
        // The tiny models read the lecture's sentences in the toy world's words; a real GPT-2 reads
        // them in English: the sentence, the prompt and the zero-shot texts follow the model, except
        // where the user wrote their own.
        AttentionState state;
        app::GenerationTab generation(state);
        app::ZeroShotTab zeroShot(state);
        state.setTinyModels(modelOf(nn::Architecture::Encoder, 4), modelOf(nn::Architecture::Decoder, 5));
        const auto line = [](QWidget& tab, const char* name) { return tab.findChild<QLineEdit*>(QLatin1String(name))->text(); };
        const QString toySentence = state.sentence();
        QCOMPARE(toySentence, state.defaultText(QStringLiteral("sentence"), false));
        QCOMPARE(line(generation, "prompt"), state.defaultText(QStringLiteral("prompt"), false));
        const QString toyQuestion = line(zeroShot, "question");
        const double toyThreshold = zeroShot.findChild<QDoubleSpinBox*>(QStringLiteral("threshold"))->value();

        QVERIFY(state.openRealModels({QStringLiteral(PRETRAINLAB_TEST_DATA "/hf/gpt2")}));
        QTRY_VERIFY_WITH_TIMEOUT(!state.job().busy(), 20000);
        QVERIFY(state.isReal(state.decoder()) && !state.isReal(state.encoder()));
        QCOMPARE(state.sentence(), QStringLiteral("The cats that are raised by my sister are sleeping."));
        QCOMPARE(line(generation, "prompt"), state.defaultText(QStringLiteral("prompt"), true));
        QVERIFY(line(generation, "prompt") != state.defaultText(QStringLiteral("prompt"), false));
        // BERT's side still fills with the tiny encoder, so its text stays in the toy world's words.
        QCOMPARE(line(generation, "maskedText"), state.defaultText(QStringLiteral("masked"), false));
        QCOMPARE(line(zeroShot, "question"), QStringLiteral("The capital of Tanzania is"));
        QCOMPARE(zeroShot.findChild<QPlainTextEdit*>(QStringLiteral("sentences"))->toPlainText(),
                 state.defaultText(QStringLiteral("acceptability/sentences"), true));
        QVERIFY(zeroShot.findChild<QDoubleSpinBox*>(QStringLiteral("threshold"))->value() != toyThreshold);
        QTRY_VERIFY_WITH_TIMEOUT(!zeroShot.busy() && !generation.busy(), 20000);

        QCOMPARE(line(zeroShot, "positiveWord"), state.defaultText(QStringLiteral("sentiment/positive"), true));

        // The user's own prompt stays, and so does a task with a text of the user's (its words with
        // it); the rest goes back with the tiny models.
        generation.setPrompt(QStringLiteral("My own prompt"));
        zeroShot.findChild<QLineEdit*>(QStringLiteral("sentimentText"))->setText(QStringLiteral("My own review. It was very"));
        state.setSource(AttentionState::Source::TinyModels);
        QCOMPARE(state.sentence(), toySentence);
        QCOMPARE(line(generation, "prompt"), QStringLiteral("My own prompt"));
        QCOMPARE(line(zeroShot, "sentimentText"), QStringLiteral("My own review. It was very"));
        QCOMPARE(line(zeroShot, "positiveWord"), state.defaultText(QStringLiteral("sentiment/positive"), true));
        QCOMPARE(line(zeroShot, "question"), toyQuestion);
        QCOMPARE(zeroShot.findChild<QDoubleSpinBox*>(QStringLiteral("threshold"))->value(), toyThreshold);
        state.setSentence(QStringLiteral("the boy is sad ."));
        state.setSource(AttentionState::Source::RealModels);
        QCOMPARE(state.sentence(), QStringLiteral("the boy is sad ."));
        QTRY_VERIFY_WITH_TIMEOUT(!zeroShot.busy() && !generation.busy(), 20000);

        // A real BERT beside it: the [MASK] text is the lecture's English too, and a tab made now
        // starts from the real models' texts.
        QVERIFY(state.openRealModels({QStringLiteral(PRETRAINLAB_TEST_DATA "/hf/bert")}));
        QTRY_VERIFY_WITH_TIMEOUT(!state.job().busy(), 20000);
        QVERIFY(state.isReal(state.encoder()) && state.isReal(state.decoder()));
        QCOMPARE(line(generation, "maskedText"), state.defaultText(QStringLiteral("masked"), true));
        QVERIFY(line(generation, "maskedText").contains(QStringLiteral("[MASK]")));
        app::GenerationTab later(state);
        QCOMPARE(line(later, "prompt"), state.defaultText(QStringLiteral("prompt"), true));
        QCOMPARE(line(later, "maskedText"), state.defaultText(QStringLiteral("masked"), true));
        QTRY_VERIFY_WITH_TIMEOUT(!zeroShot.busy() && !generation.busy() && !later.busy(), 20000);
    }

    void aRealModelsTokenizerJoinsTheTokenizationLesson() {
        // File > Open model… in the window: the lesson shows the real models, the folder joins the
        // recent files, and its tokenizer is the Tokenization lesson's real tokenizer.
        app::MainWindow window;
        const QString folder = QStringLiteral(PRETRAINLAB_TEST_DATA "/hf/gpt2");
        window.openModel(folder);
        QTRY_VERIFY_WITH_TIMEOUT(!window.attentionPage()->state().job().busy(), 20000);
        const AttentionState& state = window.attentionPage()->state();
        QCOMPARE(state.source(), AttentionState::Source::RealModels);
        QCOMPARE(window.currentLesson(), QStringLiteral("architectures"));
        const auto& tokenization = window.tokenizationPage()->state();
        QVERIFY2(tokenization.loadedName().contains(QStringLiteral("GPT-2")), qPrintable(tokenization.loadedName()));
        QCOMPARE(tokenization.loadedTokenizer()->encode("the cat sat"), state.realDecoder()->tokenizer.encode("the cat sat"));
        bool recent = false;
        for (const app::RecentFile& file : app::recentFiles()) recent |= file.path == folder && file.kind == app::FileKind::Model;
        QVERIFY(recent);
    }

    void modelsFromTheTrainingLab() {
        app::MainWindow window;
        AttentionPage* page = window.attentionPage();
        app::TrainingPage* training = window.trainingPage();
        // No run yet: the page says so.
        page->state().setSource(AttentionState::Source::TrainingLab);
        QTRY_VERIFY(page->findChild<QLabel*>(QStringLiteral("attentionStatus"))->text().contains(QStringLiteral("no model")));

        train::RunSettings run;
        run.applyPreset("tiny");
        run.model.width = 32;
        run.model.context = 24;
        run.batch = 4;
        run.steps = 6;
        run.corpus = train::toyWorldCorpus;
        run.toyWorldBytes = 50'000;
        run.trainer.threads = 1;
        training->setSettings(run);
        training->start();
        QTRY_COMPARE_WITH_TIMEOUT(training->state().controller().state(), app::TrainingController::State::Finished, 30000);
        emit page->state().labModelWanted();
        QTRY_VERIFY(page->state().decoder() && page->state().decoder()->model->config().width == 32);
        QVERIFY(page->state().decoder()->description.find("step 6 of 6") != std::string::npos);
        page->showView(AttentionPage::View::Weights);
        QTRY_VERIFY(!page->busy());
        const auto* weights = page->findChild<app::WeightsTab*>();
        QCOMPARE(weights->columns(), 1);
        QCOMPARE(weights->grid(0).layers, Index(2));
    }
};

QTEST_MAIN(TestAttentionPage)
#include "test_attention_page.moc"
