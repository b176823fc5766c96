// The training lab page: a run from the form to the plots and the probe panel, runs kept to
// compare, divergence shown in words, exports, checkpoints, and closing mid-run.
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "app/main_window.hpp"
#include "app/pages/training_page.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/probe_panel.hpp"

using namespace pretrainlab;
using app::TrainingController;
using app::TrainingPage;
using State = TrainingController::State;

namespace {

train::RunSettings quickRun(std::size_t steps) {
    train::RunSettings settings;
    settings.applyPreset("tiny");
    settings.preset = "custom";
    settings.trainer.optimizer.weightDecay = 0.01;
    settings.model.width = 32;
    settings.model.context = 32;
    settings.batch = 8;
    settings.steps = steps;
    settings.corpus = train::toyWorldCorpus;
    settings.trainer.threads = 2;
    settings.trainer.schedule = {optim::ScheduleKind::Cosine, 2e-3, 5, steps};
    return settings;
}

}  // namespace

class TestTrainingPage : public QObject {
    Q_OBJECT

private slots:
    void aRunFillsThePlotsAndThePanel() {
        TrainingPage page;
        page.resize(1280, 720);
        page.show();
        page.controller().setEvaluationInterval(10);
        page.setSettings(quickRun(40));
        QCOMPARE(QString::fromStdString(page.settings().toJson()), QString::fromStdString(quickRun(40).toJson()));
        page.start();
        QTRY_COMPARE_WITH_TIMEOUT(page.controller().state(), State::Finished, 60000);
        page.pullUpdates();
        QTest::qWait(50);
        page.pullUpdates();
        QCOMPARE(page.runCount(), 1);
        QCOMPARE(page.lossChart()->pointCount(0), 40);        // run 1's training loss
        QVERIFY(page.lossChart()->pointCount(1) >= 5);        // its held-out loss, every 10 steps
        QCOMPARE(page.learningRateChart()->pointCount(1), 40);
        QCOMPARE(page.gradientChart()->pointCount(0), 40);
        QCOMPARE(page.speedChart()->pointCount(0), 40);
        QVERIFY(page.probeChart()->pointCount(0) >= 5);       // syntax accuracy over the steps
        QCOMPARE(page.probePanel()->outcomes().size(), std::size_t(5));
        QCOMPARE(page.probePanel()->step(), std::size_t(40));
        QCOMPARE(page.probePanel()->outcomes()[0].top.size(), std::size_t(5));
        QVERIFY2(page.statusText().contains("Finished") && page.statusText().contains("40"), qPrintable(page.statusText()));
        QVERIFY(page.problemBanner()->isHidden());
    }

    void runsAreKeptToCompare() {
        TrainingPage page;
        page.controller().setEvaluationInterval(0);
        train::RunSettings first = quickRun(15);
        page.setSettings(first);
        page.start();
        QTRY_COMPARE_WITH_TIMEOUT(page.controller().state(), State::Finished, 60000);
        train::RunSettings second = first;
        second.trainer.optimizer.kind = optim::OptimizerKind::Sgd;
        page.setSettings(second);
        page.start();
        QTRY_COMPARE_WITH_TIMEOUT(page.controller().state(), State::Finished, 60000);
        page.pullUpdates();
        QCOMPARE(page.runCount(), 2);
        QCOMPARE(page.runList()->count(), 2);
        QVERIFY(page.runList()->item(1)->text().contains("sgd"));
        QVERIFY(page.runList()->item(0)->toolTip().contains("adamw"));
        QCOMPARE(page.lossChart()->pointCount(0), 15);  // run 1 is still there
        QCOMPARE(page.lossChart()->pointCount(2), 15);  // beside run 2
        page.setRunVisible(0, false);
        QCOMPARE(page.runList()->item(0)->checkState(), Qt::Unchecked);
        QVERIFY(!page.lossChart()->hoverText(5).contains("Run 1"));
        QVERIFY(page.lossChart()->hoverText(5).contains("Run 2"));
        page.clearRuns();
        QCOMPARE(page.runCount(), 0);
        QCOMPARE(page.runList()->count(), 0);
        QCOMPARE(page.controller().state(), State::Idle);
    }

    void divergenceIsSaidInPlainWords() {
        TrainingPage page;
        page.controller().setEvaluationInterval(0);
        train::RunSettings wild = quickRun(200);
        wild.trainer.optimizer.kind = optim::OptimizerKind::Sgd;
        wild.trainer.schedule = {optim::ScheduleKind::Constant, 1000.0};
        page.setSettings(wild);
        page.start();
        QTRY_COMPARE_WITH_TIMEOUT(page.controller().state(), State::Diverged, 60000);
        QTRY_VERIFY(!page.problemBanner()->isHidden());
        const QString text = page.problemBanner()->text();
        QVERIFY(page.lossChart()->logScale());
        QVERIFY2(text.contains("diverged") && text.contains("smaller learning rate") && text.contains("warmup") &&
                     text.contains("clipping"),
                 qPrintable(text));
        QVERIFY(page.controller().hasSession());  // the last good model stays
    }

    void anEncoderAgainstADecoderOnTokensWithLoss() {
        TrainingPage page;
        page.resize(1280, 720);
        page.show();
        page.compareObjectives(20);
        QVERIFY(page.lossAgainstTokensWithLoss());
        QTRY_VERIFY_WITH_TIMEOUT(page.runCount() == 2 && page.controller().state() == State::Finished, 120000);
        page.pullUpdates();
        const train::RunSettings decoder = page.settings();
        QCOMPARE(decoder.model.architecture, nn::Architecture::Decoder);
        // Series 0 and 1: the encoder's training and held-out loss; 2 and 3: the decoder's.
        QCOMPARE(page.lossChart()->pointCount(0), 20);
        QCOMPARE(page.lossChart()->pointCount(2), 20);
        const double all = 20.0 * double(decoder.batch * decoder.model.context);
        QCOMPARE(page.lossChart()->pointKey(2, 19), all);  // every token of the decoder
        const double masked = page.lossChart()->pointKey(0, 19);
        QVERIFY2(masked > 0.08 * all && masked < 0.22 * all, qPrintable(QString::number(masked / all)));
        // The held-out losses sit where they were measured: the first, before any step, at 0.
        for (const bool replotted : {false, true}) {
            if (replotted) page.setLossAgainstTokensWithLoss(false), page.setLossAgainstTokensWithLoss(true);
            const int heldOut = page.lossChart()->pointCount(1);
            QVERIFY(heldOut >= 2);
            QCOMPARE(page.lossChart()->pointKey(1, 0), 0.0);
            for (int i = 1; i < heldOut; ++i) QVERIFY(page.lossChart()->pointKey(1, i) > page.lossChart()->pointKey(1, i - 1));
            QCOMPARE(page.lossChart()->pointKey(1, heldOut - 1), masked);
        }
        page.setLossAgainstTokensWithLoss(false);
        QCOMPARE(page.lossChart()->pointKey(0, 19), 20.0);
        QCOMPARE(page.lossChart()->pointKey(2, 9), 10.0);
    }

    void exportsAndCheckpoints() {
        QTemporaryDir folder;
        TrainingPage page;
        page.controller().setEvaluationInterval(0);
        page.setSettings(quickRun(12));
        page.start();
        QTRY_COMPARE_WITH_TIMEOUT(page.controller().state(), State::Finished, 60000);
        page.pullUpdates();
        const QString csv = folder.filePath("metrics.csv");
        QVERIFY(page.exportMetrics(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 13);
        QVERIFY(lines[0].startsWith("step,loss,learning_rate"));
        QVERIFY(lines[12].startsWith("12,"));
        QVERIFY(page.exportCharts(folder.filePath("charts.png")));
        QVERIFY(page.exportCharts(folder.filePath("charts.pdf")));
        QVERIFY(QFile(folder.filePath("charts.png")).size() > 1000);
        QVERIFY(QFile(folder.filePath("charts.pdf")).size() > 1000);

        QSignalSpy saved(&page.controller(), &TrainingController::saved);
        page.saveCheckpoint(folder.filePath("run.safetensors"));
        QTRY_COMPARE(saved.count(), 1);
        page.openCheckpoint(folder.filePath("run.safetensors"));
        QTRY_COMPARE_WITH_TIMEOUT(page.controller().state(), State::Finished, 60000);
        QCOMPARE(page.controller().stepsDone(), std::size_t(12));
        QCOMPARE(page.runCount(), 2);
        QVERIFY(page.runList()->item(1)->text().contains("run.safetensors"));
    }

    void badSetupIsSaidBeforeStarting() {
        TrainingPage page;
        train::RunSettings odd = quickRun(10);
        odd.model.heads = 3;
        page.setSettings(odd);
        page.start();
        QCOMPARE(page.controller().state(), State::Idle);
        QCOMPARE(page.runCount(), 0);
    }

    void closingTheWindowMidRun() {
        auto window = std::make_unique<app::MainWindow>();
        window->show();
        window->showPage(QStringLiteral("training"));
        window->trainingPage()->setSettings(quickRun(100000));
        window->trainingPage()->start();
        QTRY_VERIFY_WITH_TIMEOUT(window->trainingPage()->controller().stepsDone() > 3, 60000);
        QElapsedTimer timer;
        timer.start();
        window.reset();
        QVERIFY(timer.elapsed() < 2000);
    }
};

QTEST_MAIN(TestTrainingPage)
#include "test_training_page.moc"
