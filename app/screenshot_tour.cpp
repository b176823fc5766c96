#include "app/screenshot_tour.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <thread>

#include "app/main_window.hpp"
#include "app/pages/attention_page.hpp"
#include "app/pages/tokenization_page.hpp"
#include "app/pages/training_page.hpp"

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
        const auto idle = [&] {
            tokenization->waitForIdle();
            settle(200);
        };
        window.showPage(QStringLiteral("tokenization"));
        tokenization->showTab(TokenizationPage::MergeTab);
        tokenization->setByteLevel(false);
        tokenization->chooseExample(0);
        idle();
        save(QStringLiteral("tokenization-start"));
        tokenization->step();
        tokenization->step();
        save(QStringLiteral("tokenization-tie"));
        tokenization->chooseExample(2);
        tokenization->goToMerge(40);
        idle();
        save(QStringLiteral("tokenization-multilingual"));
        tokenization->setByteLevel(true);
        tokenization->goToMerge(120);
        idle();
        tokenization->showTab(TokenizationPage::TokenizeTab);
        save(QStringLiteral("tokenization-new-text"));
        tokenization->showTab(TokenizationPage::TradeoffTab);
        idle();
        save(QStringLiteral("tokenization-tradeoff"));
        if (!compareTokenizer.isEmpty()) {
            tokenization->openTokenizerFile(compareTokenizer);
            idle();
        }
        tokenization->showTab(TokenizationPage::CompareTab);
        save(QStringLiteral("tokenization-real-tokenizers"));
        tokenization->showTab(TokenizationPage::MergeTab);
        tokenization->setByteLevel(false);
        tokenization->chooseExample(0);
        idle();

        // The training lab: a run that learns, a second one to compare, one that diverges.
        TrainingPage* training = window.trainingPage();
        window.showPage(QStringLiteral("training"));
        const auto trainUntilEnded = [&](train::RunSettings settings) {
            training->setSettings(settings);
            training->start();
            for (int waited = 0; waited < 60000; waited += 100) {
                const auto state = training->controller().state();
                if (state == TrainingController::State::Finished || state == TrainingController::State::Diverged ||
                    state == TrainingController::State::Failed) {
                    break;
                }
                settle(100);
            }
            training->pullUpdates();
        };
        {
            training->clearRuns();
            training->showSideTab(TrainingPage::SideTab::Setup);
            save(QStringLiteral("training-setup"));
            train::RunSettings run = train::toyWorldRun(nn::Architecture::Decoder, 500, 2e-3);
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
            window.showPage(QStringLiteral("architectures"));
            const auto quiet = [&] {
                for (int waited = 0; waited < 120000 && attention->busy(); waited += 100) settle(100);
                settle(200);
            };
            attention->showView(AttentionPage::View::Masks);
            attention->setMaskKind(train::ModelKind::Decoder);
            attention->showMaskRow(3);
            save(QStringLiteral("attention-masks"));
            attention->setMaskKind(train::ModelKind::EncoderDecoder);
            attention->showMaskRow(1);
            save(QStringLiteral("attention-masks-t5"));
            attention->setMaskKind(train::ModelKind::Decoder);
            attention->showMaskRow(-1);
            if (!attention->decoder()) {
                attention->trainTinyModels();
                quiet();
            }
            attention->setSource(AttentionPage::Source::TinyModels);
            attention->showView(AttentionPage::View::Weights);
            quiet();
            if (attention->weightColumns() == 2) {
                attention->selectHead(0, 1, 1);
                attention->selectHead(1, 1, 1);
            }
            save(QStringLiteral("attention-weights"));
            attention->showView(AttentionPage::View::Generation);
            attention->setSampling(0, 0, 1);
            attention->generate(4);
            quiet();
            attention->fillOneMask();
            quiet();
            save(QStringLiteral("attention-generation"));
            attention->showView(AttentionPage::View::ZeroShot);
            attention->scoreZeroShot();
            quiet();
            save(QStringLiteral("attention-zero-shot"));
            attention->showView(AttentionPage::View::Loss);
            save(QStringLiteral("attention-loss"));
            // Its link: an encoder and a decoder in the Training lab, loss against tokens with loss.
            training->clearRuns();
            emit attention->comparisonWanted();
            for (int waited = 0; waited < 120000; waited += 100) {
                if (training->runCount() == 2 && training->controller().state() == TrainingController::State::Finished) break;
                settle(100);
            }
            training->pullUpdates();
            training->showSideTab(TrainingPage::SideTab::Runs);
            save(QStringLiteral("training-objectives"));
            training->setLossAgainstTokensWithLoss(false);
        }

        for (const QString& page : MainWindow::pageNames()) {
            if (page == QStringLiteral("tokenization") || page == QStringLiteral("training") ||
                page == QStringLiteral("architectures")) {
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
