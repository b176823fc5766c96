// The Pretrain → finetune lesson: the shipped models load; live runs, pretrained and from scratch,
// fill the curves, the confusion matrix, the wrong answers and the typed prediction; the table
// fills cell by cell and Cancel keeps what finished; the sweeps, features and architecture views
// draw what the state measured; a bad checkpoint is a message that changes nothing; and the window
// fits a 1280-pixel projector at the largest text size.
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include "app/jobs/background_job.hpp"
#include "app/lessons/finetuning/ablation_tab.hpp"
#include "app/lessons/finetuning/architectures_tab.hpp"
#include "app/lessons/finetuning/data_size_tab.hpp"
#include "app/lessons/finetuning/features_tab.hpp"
#include "app/lessons/finetuning/finetune_tab.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/lessons/finetuning/pretraining_tab.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/scatter_plot.hpp"

using namespace pretrainlab;
using app::FinetuningPage;
using app::FinetuningState;

namespace {

finetune::FinetuneSettings quick(const std::string& task, std::size_t steps) {
    finetune::FinetuneSettings s;
    s.task = task;
    s.labels = 64;
    s.steps = steps;
    s.batch = 8;
    s.threads = 2;
    return s;
}

void waitUntilIdle(FinetuningPage& page) { QTRY_VERIFY_WITH_TIMEOUT(!page.busy(), 60000); }
void waitUntilIdle(FinetuningState& state) { QTRY_VERIFY_WITH_TIMEOUT(!state.job().busy(), 60000); }

}  // namespace

class TestFinetuningPage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { app::applyTheme(*qApp, app::defaultTextPointSize); }

    void startsFromTheShippedDecoder() {
        FinetuningPage page;
        FinetuningState& state = page.state();
        QVERIFY(state.base());
        QCOMPARE(state.base()->architecture(), nn::Architecture::Decoder);
        QVERIFY(state.shipped(nn::Architecture::Encoder));
        QVERIFY(state.baseDescription().contains("4000 steps"));
        QVERIFY(state.shippedCommand(nn::Architecture::Encoder).contains("--nsp"));
        QVERIFY(state.setSource(FinetuningState::Source::ShippedEncoder));
        QCOMPARE(state.base()->architecture(), nn::Architecture::Encoder);
    }

    void liveRunsFillEveryView() {
        // The tab on its own, over a state of its own.
        FinetuningState state;
        app::FinetuneTab view(state);
        app::FinetuneTab* tab = &view;
        view.show();
        QVERIFY(state.startRuns(quick("sentiment", 30), true, true));
        QVERIFY(!state.startRuns(quick("sentiment", 30), true, false));  // one piece of work at a time
        waitUntilIdle(state);
        QCOMPARE(state.runs().size(), std::size_t(2));
        QVERIFY(state.runs()[0].pretrained && !state.runs()[1].pretrained);
        for (const app::FinetuneRun& run : state.runs()) {
            QVERIFY(run.finished);
            QCOMPARE(run.loss.size(), std::size_t(30));
            QVERIFY(run.accuracy.size() >= 2);  // from the start, then along the way
            QCOMPARE(run.accuracy.back(), run.evaluation.accuracy);
        }
        QVERIFY(tab->lossChart()->pointCount(0) == 30 || tab->lossChart()->pointCount(1) == 30);
        // The last finished run's answers: a 2 × 2 confusion matrix over the 200 held-out reviews.
        QCOMPARE(tab->confusion()->rowCount(), 2);
        int total = 0;
        for (int r = 0; r < 2; ++r) {
            for (int c = 0; c < 2; ++c) total += tab->confusion()->item(r, c)->text().toInt();
        }
        QCOMPARE(total, 200);
        QVERIFY(tab->mistakes()->count() >= 1);
        tab->typed()->setText(QStringLiteral("the pasta was wonderful ."));
        QVERIFY2(tab->prediction()->text().contains("positive:"), qPrintable(tab->prediction()->text()));
    }

    void badCheckpointChangesNothing() {
        FinetuningPage page;
        page.show();
        FinetuningState& state = page.state();
        const auto before = state.base();
        QVERIFY(!state.openCheckpoint(QStringLiteral("/nowhere/model.safetensors")));
        QCOMPARE(state.base(), before);
        auto* status = page.findChild<QLabel*>(QStringLiteral("finetuningStatus"));
        QVERIFY(status->isVisible());
        QVERIFY2(status->text().contains("model.safetensors"), qPrintable(status->text()));
        QVERIFY(!state.setSource(FinetuningState::Source::TrainingLab));  // the lab has given no model yet
        QCOMPARE(state.source(), FinetuningState::Source::ShippedDecoder);
    }

    void tableFillsAndCancelKeepsWhatFinished() {
        FinetuningPage page;
        page.show();
        auto* tab = page.findChild<app::AblationTab*>();
        QVERIFY(tab);
        for (QCheckBox* box : tab->findChildren<QCheckBox*>()) box->setChecked(box->text() == "sentiment");
        tab->findChild<QSpinBox*>(QStringLiteral("ablationSeeds"))->setValue(1);
        tab->findChild<QSpinBox*>(QStringLiteral("ablationSteps"))->setValue(10);
        tab->findChild<QSpinBox*>(QStringLiteral("ablationLabels"))->setValue(32);
        tab->findChild<QPushButton*>(QStringLiteral("runTable"))->click();
        waitUntilIdle(page);
        QCOMPARE(page.state().ablation().size(), std::size_t(7));
        QCOMPARE(tab->table()->columnCount(), 1);
        QVERIFY(tab->table()->horizontalHeaderItem(0)->text().contains("32 labels"));
        for (int r = 0; r < 7; ++r) {
            const QString text = tab->table()->item(r, 0)->text();
            bool number = false;
            text.section(' ', 0, 0).toInt(&number);
            QVERIFY2(number, qPrintable(text));
        }
        QVERIFY(tab->markdown().contains("| bag of words |"));
        QVERIFY(!tab->summary()->text().isEmpty());
        // The whole default table, cancelled after its first cell.
        for (QCheckBox* box : tab->findChildren<QCheckBox*>()) box->setChecked(true);
        tab->findChild<QSpinBox*>(QStringLiteral("ablationSteps"))->setValue(300);
        tab->runTable();
        QTRY_VERIFY_WITH_TIMEOUT(page.state().ablation().size() >= 1, 30000);
        page.state().job().cancel();
        waitUntilIdle(page);
        const std::size_t kept = page.state().ablation().size();
        QVERIFY(kept >= 1 && kept < 35);
        QVERIFY(tab->findChild<QPushButton*>(QStringLiteral("runTable"))->isEnabled());
        QVERIFY(!tab->table()->item(0, 0)->text().isEmpty());
    }

    void sweepsFeaturesAndArchitecturesDraw() {
        // The four tabs on their own, over one state.
        FinetuningState state;
        app::DataSizeTab dataSize(state);
        app::FeaturesTab features(state);
        app::ArchitecturesTab architectures(state);
        app::PretrainingTab pretraining(state);
        finetune::DataSizePlan sizes;
        sizes.task = "sentiment";
        sizes.sizes = {16, 32};
        sizes.seeds = 1;
        sizes.finetune.steps = 5;
        QVERIFY(state.startDataSize(sizes));
        waitUntilIdle(state);
        QCOMPARE(state.dataSize().size(), std::size_t(4));
        QCOMPARE(dataSize.chart()->pointCount(dataSize.series().front()), 2);
        QVERIFY(dataSize.summary()->text().contains("labels"));

        QVERIFY(state.startFeatures(quick("acceptability", 5)));
        waitUntilIdle(state);
        QCOMPARE(state.features().size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) QCOMPARE(features.plot(i)->pointCount(), 200);
        QVERIFY(state.features()[0].probeAccuracy >= 0 && state.features()[2].probeAccuracy >= 0);

        QVERIFY(state.startArchitectures(quick("sentiment", 5)));
        waitUntilIdle(state);
        QCOMPARE(state.architectures().size(), std::size_t(2));
        for (const auto& result : state.architectures()) {
            QVERIFY(result.probe.gradients < result.full.gradients / 100);
            QVERIFY(result.probe.optimizerState < result.full.optimizerState / 100);
        }
        QCOMPARE(architectures.table()->columnCount(), 2);

        finetune::PretrainingPlan pre;
        pre.checkpoints = {0, 10};
        pre.labels = 32;
        pre.finetune.steps = 3;
        pre.finetune.threads = 2;
        QVERIFY(state.startPretraining(pre));
        waitUntilIdle(state);
        QCOMPARE(state.pretraining().size(), std::size_t(2));
        QCOMPARE(pretraining.accuracyChart()->pointCount(0), 2);
    }

    void fitsAProjectorAtTheLargestTextSize() {
        // Beside the lesson list (184 pixels), on a 1280-pixel screen, at every text size.
        for (const double size : {app::defaultTextPointSize, 20.0, app::maximumTextPointSize}) {
            app::applyTheme(*qApp, size);
            FinetuningPage page;
            page.show();
            QTest::qWait(20);
            QVERIFY2(page.minimumSizeHint().width() <= 1280 - 184,
                     qPrintable(QString("%1 pt: %2").arg(size).arg(page.minimumSizeHint().width())));
            if (size <= 20) {
                // Up to 20 points the live tab needs no scrolling.
                const auto* live = page.findChild<app::FinetuneTab*>();
                QVERIFY2(live->minimumSizeHint().width() <= 1280 - 184 - 40,
                         qPrintable(QString("%1 pt: %2").arg(size).arg(live->minimumSizeHint().width())));
            }
        }
        app::applyTheme(*qApp, app::defaultTextPointSize);
    }
};

QTEST_MAIN(TestFinetuningPage)
#include "test_finetuning_page.moc"
