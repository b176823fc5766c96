// The Optimization lesson: the playground steps, goes back and plays by keyboard, shows the focused
// path's moments and a dashed uncorrected Adam when a correction is off, and refuses a diverging
// rate with a message; the memory table carries the presets' figures; the network, precision and
// accumulation views fill from the state's background work, and Cancel keeps what finished; the
// window fits a 1280-pixel projector at every text size.
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include "app/jobs/background_job.hpp"
#include "app/lessons/optimization/accumulation_tab.hpp"
#include "app/lessons/optimization/experiment_view.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/optimization/memory_tab.hpp"
#include "app/lessons/optimization/network_tab.hpp"
#include "app/lessons/optimization/optimization_page.hpp"
#include "app/lessons/optimization/playground_tab.hpp"
#include "app/lessons/optimization/precision_tab.hpp"
#include "app/lessons/optimization/stability_tab.hpp"
#include "app/theme.hpp"
#include "widgets/surface_view.hpp"

using namespace pretrainlab;
using app::OptimizationPage;

namespace {

// What the lesson's shell says of a problem (empty when it shows none).
QString problemText(const OptimizationPage& page) {
    const auto* status = page.findChild<QLabel*>(QStringLiteral("optimizationStatus"));
    return status && !status->isHidden() ? status->text() : QString();
}

}  // namespace

class TestOptimizationPage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { app::applyTheme(*qApp, app::defaultTextPointSize); }

    void playgroundStepsByKeyboard() {
        OptimizationPage page;
        page.resize(1096, 690);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* tab = page.findChild<app::PlaygroundTab*>();
        QVERIFY(tab);
        QCOMPARE(tab->paths().size(), std::size_t(4));  // SGD, momentum, Adam, AdamW (RMSProp off)
        tab->setFocus();
        QTest::keyClick(tab, Qt::Key_Space);
        QTest::keyClick(tab, Qt::Key_Space);
        QTest::keyClick(tab, Qt::Key_Right);
        for (const optim::OptimizerPath& path : tab->paths()) QCOMPARE(path.points().size(), std::size_t(4));
        QTest::keyClick(tab, Qt::Key_Backspace);
        QCOMPARE(tab->paths().front().points().size(), std::size_t(3));
        // The table shows the focused path (Adam) at step 2: g, m, v, m̂, v̂ and the update.
        const optim::PathPoint& p = tab->paths().at(std::size_t(tab->focusedPath())).current();
        QCOMPARE(tab->table()->item(0, 1)->text(), QString::number(p.gradient[1], 'g', 4));
        QCOMPARE(tab->table()->item(4, 1)->text(), QString::number(p.vHat[1], 'g', 4));
        QVERIFY(tab->explanation().contains("adaptive"));
        QTest::keyClick(tab, Qt::Key_P);
        QVERIFY(tab->playing());
        QTRY_VERIFY(tab->paths().front().points().size() > 10);
        QTest::keyClick(tab, Qt::Key_P);
        QVERIFY(!tab->playing());
        QTest::keyClick(tab, Qt::Key_Home);
        QCOMPARE(tab->paths().front().points().size(), std::size_t(1));
    }

    void uncorrectedAdamRunsBeside() {
        app::PlaygroundTab tab;
        tab.setBiasCorrection(false, true);
        QVERIFY(tab.pathNames().contains("Adam, m uncorrected"));
        tab.stepAll();
        // Uncorrected m: the first step is (1 − β₁) = 0.1 of Adam's.
        const auto& names = tab.pathNames();
        const double corrected = std::abs(tab.paths().at(std::size_t(names.indexOf("Adam"))).current().update[1]);
        const double raw = std::abs(tab.paths().at(std::size_t(names.indexOf("Adam, m uncorrected"))).current().update[1]);
        QVERIFY(std::abs(raw / corrected - 0.1) < 1e-3);
        tab.setBiasCorrection(true, true);
        QVERIFY(!tab.pathNames().contains("Adam, m uncorrected"));
        QCOMPARE(tab.paths().front().points().size(), std::size_t(2));  // the step count survives a change
    }

    void clickPicksTheStartAndDivergenceIsReported() {
        OptimizationPage page;
        page.resize(1096, 690);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* tab = page.findChild<app::PlaygroundTab*>();
        QVERIFY(tab);
        widgets::SurfaceView* view = tab->view();
        const QPointF at = view->toWidget({2.0, -1.0});
        QTest::mouseClick(view, Qt::LeftButton, {}, at.toPoint());
        const optim::Point2 start = tab->paths().front().points().front().theta;
        QVERIFY(std::abs(start[0] - 2.0) < 0.2 && std::abs(start[1] + 1.0) < 0.2);
        // SGD at the top of the slider on the valley: |1 − 2·5| > 1, it leaves the numbers.
        tab->findChild<QSlider*>("sgdRate")->setValue(1000);
        for (int k = 0; k < 400; ++k) tab->stepAll();
        QVERIFY(problemText(page).contains("too large"));
    }

    void memoryTableHasThePresets() {
        app::MemoryTab tab;
        tab.setModel("GPT-3");
        // Adam in mixed precision: 16 bytes a parameter, 175B × 16 = 2.8 TB of model states.
        QCOMPARE(tab.table()->item(4, 5)->text(), QStringLiteral("2.8 TB"));
        QCOMPARE(tab.table()->item(5, 5)->text(), QStringLiteral("16"));
        QCOMPARE(tab.table()->item(5, 0)->text(), QStringLiteral("8"));  // SGD in fp32
        tab.setModel("PretrainLab tiny decoder");
        QVERIFY(tab.shape() && tab.shape()->parameters > 10000);
    }

    void stabilityFormulaAndACancelledRun() {
        OptimizationPage page;
        auto* tab = page.findChild<app::StabilityTab*>();
        QVERIFY(tab);
        QVERIFY(tab->formula().contains("0.0001 · t / 10000"));
        tab->findChild<QComboBox*>("scheduleKind")->setCurrentIndex(2);
        QVERIFY(tab->formula().contains("cos"));
        tab->experiment()->setCurrent("init");
        tab->experiment()->runButton()->click();
        QVERIFY(page.busy());
        QVERIFY(!page.state().startExperiment("clip"));  // one job at a time, said in words
        QVERIFY(!problemText(page).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(page.state().experiment("init") && !page.state().experiment("init")->runs.empty() &&
                                     page.state().experiment("init")->runs.front().points.size() >= 20,
                                 30000);
        page.state().job().cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!page.busy(), 30000);
        QVERIFY(!page.state().experiment("init")->runs.front().points.empty());  // what ran is kept
        QVERIFY(tab->experiment()->verdict().contains("runs done"));
    }

    void networkPrecisionAndAccumulationFill() {
        // The three tabs on their own, over one state.
        app::OptimizationState state;
        app::NetworkTab network(state);
        app::PrecisionTab precision(state);
        app::AccumulationTab accumulation(state);
        const auto busy = [&state] { return state.job().busy(); };
        network.findChild<QSpinBox*>("networkSteps")->setValue(20);
        network.runButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!busy(), 60000);
        QVERIFY(network.table()->rowCount() >= 3);
        QVERIFY(network.summary().contains("SGD"));

        precision.sampleButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!busy(), 60000);
        precision.setScaleExponent(0);
        QVERIFY(precision.castText().contains("underflow"));
        precision.setScaleExponent(32);
        QVERIFY(precision.castText().contains("skipped"));

        accumulation.runButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(state.accumulation().has_value(), 60000);
        QVERIFY(state.accumulation()->accumulatedRelative < 1e-5);
        QVERIFY(!accumulation.table()->item(4, 1)->text().isEmpty());
        state.job().cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!busy(), 30000);
    }

    void fitsAProjectorAtEveryTextSize() {
        for (const double size : {app::defaultTextPointSize, 20.0, app::maximumTextPointSize}) {
            app::applyTheme(*qApp, size);
            OptimizationPage page;
            page.show();
            QTest::qWait(20);
            QVERIFY2(page.minimumSizeHint().width() <= 1280 - 184,
                     qPrintable(QString("%1 pt: %2").arg(size).arg(page.minimumSizeHint().width())));
            QVERIFY2(page.minimumSizeHint().height() <= 720 - 60,
                     qPrintable(QString("%1 pt: %2").arg(size).arg(page.minimumSizeHint().height())));
        }
        app::applyTheme(*qApp, app::defaultTextPointSize);
    }
};

QTEST_MAIN(TestOptimizationPage)
#include "test_optimization_page.moc"
