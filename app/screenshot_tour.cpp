#include "app/screenshot_tour.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <thread>

#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/attention/generation_tab.hpp"
#include "app/lessons/attention/masks_tab.hpp"
#include "app/lessons/attention/weights_tab.hpp"
#include "app/lessons/attention/zero_shot_tab.hpp"
#include "app/lessons/finetuning/ablation_tab.hpp"
#include "app/lessons/finetuning/architectures_tab.hpp"
#include "app/lessons/finetuning/data_size_tab.hpp"
#include "app/lessons/finetuning/features_tab.hpp"
#include "app/lessons/finetuning/finetune_form.hpp"
#include "app/lessons/finetuning/finetune_tab.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/lessons/finetuning/pretraining_tab.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/main_window.hpp"
#include "core/train/tiny_models.hpp"

namespace pretrainlab::app {
namespace {

void settle(int milliseconds) {
    QEventLoop loop;
    QTimer::singleShot(milliseconds, &loop, &QEventLoop::quit);
    loop.exec();
}

}  // namespace

int runScreenshotTour(MainWindow& window, const QString& directory, const QList<QSize>& sizes,
                      const QString& compareTokenizer) {
    QDir().mkpath(directory);
    QTextStream out(stdout);
    int failures = 0;
    for (const QSize& size : sizes) {
        window.resize(size);
        int index = 0;
        const auto save = [&](const QString& state) {
            settle(900);  // layouts and the merge animation finish
            const QString name = QStringLiteral("%1x%2-%3-%4.png")
                                     .arg(size.width())
                                     .arg(size.height())
                                     .arg(++index, 2, 10, QLatin1Char('0'))
                                     .arg(state);
            const QString path = QDir(directory).filePath(name);
            if (window.grab().save(path)) {
                out << path << '\n';
            } else {
                out << "could not write " << path << '\n';
                ++failures;
            }
            out.flush();
        };

        TokenizationPage* tokenization = window.tokenizationPage();
        TokenizationState& words = tokenization->state();
        const auto idle = [&] {
            words.waitForIdle();
            settle(200);
        };
        window.showPage(QStringLiteral("tokenization"));
        tokenization->showTab(TokenizationPage::MergeTabIndex);
        words.setByteLevel(false);
        words.chooseExample(0);
        idle();
        save(QStringLiteral("tokenization-start"));
        words.step();
        words.step();
        save(QStringLiteral("tokenization-tie"));
        words.chooseExample(2);
        words.goToMerge(40);
        idle();
        save(QStringLiteral("tokenization-multilingual"));
        words.setByteLevel(true);
        words.goToMerge(120);
        idle();
        tokenization->showTab(TokenizationPage::TokenizeTabIndex);
        save(QStringLiteral("tokenization-new-text"));
        tokenization->showTab(TokenizationPage::TradeoffTabIndex);
        idle();
        save(QStringLiteral("tokenization-tradeoff"));
        if (!compareTokenizer.isEmpty()) {
            words.openTokenizerFile(compareTokenizer);
            idle();
        }
        tokenization->showTab(TokenizationPage::CompareTabIndex);
        save(QStringLiteral("tokenization-real-tokenizers"));
        tokenization->showTab(TokenizationPage::MergeTabIndex);
        words.setByteLevel(false);
        words.chooseExample(0);
        idle();

        // The training lab: a run that learns, a second one to compare, one that diverges.
        TrainingPage* training = window.trainingPage();
        TrainingLabState& lab = training->state();
        window.showPage(QStringLiteral("training"));
        const auto trainUntilEnded = [&](train::RunSettings settings) {
            training->setSettings(settings);
            training->start();
            for (int waited = 0; waited < 60000; waited += 100) {
                const auto state = lab.controller().state();
                if (state == TrainingController::State::Finished || state == TrainingController::State::Diverged ||
                    state == TrainingController::State::Failed) {
                    break;
                }
                settle(100);
            }
            lab.pullUpdates();
        };
        {
            lab.clearRuns();
            training->showSideTab(TrainingPage::SideTab::Setup);
            save(QStringLiteral("training-setup"));
            train::RunSettings run = train::toyWorldRun(nn::Architecture::Decoder, 500);
            run.trainer.threads = std::max(1u, std::thread::hardware_concurrency());
            trainUntilEnded(run);
            save(QStringLiteral("training"));
            train::RunSettings sgd = run;
            sgd.trainer.optimizer.kind = optim::OptimizerKind::Momentum;
            sgd.trainer.schedule = {optim::ScheduleKind::Constant, 0.05, 0, 500};
            trainUntilEnded(sgd);
            training->showSideTab(TrainingPage::SideTab::Runs);
            save(QStringLiteral("training-compare"));
            train::RunSettings wild = run;
            wild.trainer.optimizer.kind = optim::OptimizerKind::Sgd;
            wild.trainer.schedule = {optim::ScheduleKind::Constant, 400.0, 0, 500};
            trainUntilEnded(wild);
            save(QStringLiteral("training-diverged"));
        }

        // Architectures and attention: masks, the weights of a tiny encoder and decoder trained here,
        // generation, zero-shot scores and the tokens that produce loss.
        {
            AttentionPage* attention = window.attentionPage();
            AttentionState& models = attention->state();
            auto* masks = attention->findChild<MasksTab*>();
            auto* weights = attention->findChild<WeightsTab*>();
            auto* generation = attention->findChild<GenerationTab*>();
            window.showPage(QStringLiteral("architectures"));
            const auto quiet = [&] {
                for (int waited = 0; waited < 120000 && attention->busy(); waited += 100) settle(100);
                settle(200);
            };
            attention->showView(AttentionPage::View::Masks);
            masks->setMaskKind(train::ModelKind::Decoder);
            masks->showMaskRow(3);
            save(QStringLiteral("attention-masks"));
            masks->setMaskKind(train::ModelKind::EncoderDecoder);
            masks->showMaskRow(1);
            save(QStringLiteral("attention-masks-t5"));
            masks->setMaskKind(train::ModelKind::Decoder);
            masks->showMaskRow(-1);
            if (!models.decoder()) {
                models.trainTinyModels();
                quiet();
            }
            models.setSource(AttentionState::Source::TinyModels);
            attention->showView(AttentionPage::View::Weights);
            quiet();
            if (weights->columns() == 2) {
                weights->selectHead(0, 1, 1);
                weights->selectHead(1, 1, 1);
            }
            save(QStringLiteral("attention-weights"));
            attention->showView(AttentionPage::View::Generation);
            generation->setSampling(0, 0, 1);
            generation->generate(4);
            quiet();
            generation->fillOneMask();
            quiet();
            save(QStringLiteral("attention-generation"));
            attention->showView(AttentionPage::View::ZeroShot);
            attention->findChild<ZeroShotTab*>()->score();
            quiet();
            save(QStringLiteral("attention-zero-shot"));
            attention->showView(AttentionPage::View::Loss);
            save(QStringLiteral("attention-loss"));
            // Its link: an encoder and a decoder in the Training lab, loss against tokens with loss.
            lab.clearRuns();
            emit attention->comparisonWanted();
            for (int waited = 0; waited < 120000; waited += 100) {
                if (lab.runs().count() == 2 && lab.controller().state() == TrainingController::State::Finished) break;
                settle(100);
            }
            lab.pullUpdates();
            training->showSideTab(TrainingPage::SideTab::Runs);
            save(QStringLiteral("training-objectives"));
            lab.setLossAgainstTokensWithLoss(false);
        }

        // Pretrain -> finetune: the shipped decoder finetuned live beside the same model from scratch,
        // the ablation table, data sizes, features, checkpoints along pretraining, encoder vs decoder.
        {
            FinetuningPage* finetuning = window.finetuningPage();
            FinetuningState& state = finetuning->state();
            window.showPage(QStringLiteral("finetuning"));
            const auto idle = [&] {
                for (int waited = 0; waited < 600000 && finetuning->busy(); waited += 100) settle(100);
            };
            state.clearRuns();
            finetuning->showView(FinetuningPage::View::Finetune);
            finetuning->findChild<FinetuneTab*>()->form()->setTask("choice");
            finetuning->findChild<FinetuneTab*>()->finetune(true);
            idle();
            save(QStringLiteral("finetuning-live"));
            if (state.ablation().empty()) {
                finetuning->showView(FinetuningPage::View::Ablation);
                finetuning->findChild<AblationTab*>()->runTable();
                idle();
            }
            finetuning->showView(FinetuningPage::View::Ablation);
            save(QStringLiteral("finetuning-ablation"));
            finetuning->showView(FinetuningPage::View::DataSize);
            if (state.dataSize().empty() || state.dataSize().front().points.empty()) finetuning->findChild<DataSizeTab*>()->measure();
            idle();
            save(QStringLiteral("finetuning-data-size"));
            finetuning->showView(FinetuningPage::View::Features);
            if (state.features().empty()) finetuning->findChild<FeaturesTab*>()->measure();
            idle();
            save(QStringLiteral("finetuning-features"));
            finetuning->showView(FinetuningPage::View::Pretraining);
            if (state.pretraining().empty()) finetuning->findChild<PretrainingTab*>()->measure();
            idle();
            save(QStringLiteral("finetuning-pretraining"));
            finetuning->showView(FinetuningPage::View::Architectures);
            if (state.architectures().empty()) finetuning->findChild<ArchitecturesTab*>()->measure();
            idle();
            save(QStringLiteral("finetuning-encoder-vs-decoder"));
        }

        for (const QString& page : MainWindow::pageNames()) {
            if (page == QStringLiteral("tokenization") || page == QStringLiteral("training") ||
                page == QStringLiteral("architectures") || page == QStringLiteral("finetuning")) {
                continue;
            }
            window.showPage(page);
            save(page);
        }
        window.showPage(QStringLiteral("tokenization"));
    }
    return failures == 0 ? 0 : 1;
}

}  // namespace pretrainlab::app
