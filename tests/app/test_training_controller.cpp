// The training thread: start, pause, single steps, resume, stop, reset, saving between steps,
// divergence, and ending mid-run. Runs in the sanitizer build too.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

#include "app/training_controller.hpp"

using namespace pretrainlab;
using app::TrainingController;
using State = TrainingController::State;

namespace {

train::RunSettings tinyToyWorld(std::size_t steps = 100000) {
    train::RunSettings settings;
    settings.applyPreset("tiny");
    settings.model.width = 32;
    settings.model.context = 32;
    settings.batch = 8;
    settings.steps = steps;
    settings.corpus = train::toyWorldCorpus;
    settings.toyWorldBytes = 60'000;
    settings.trainer.threads = 2;
    settings.trainer.schedule = {optim::ScheduleKind::Constant, 2e-3};
    return settings;
}

}  // namespace

class TestTrainingController : public QObject {
    Q_OBJECT

private slots:
    void snapshotsAreCopiesTakenBetweenSteps() {
        TrainingController controller;
        controller.setEvaluationInterval(0);
        std::vector<std::shared_ptr<const train::ModelBundle>> received;
        int arrivals = 0;
        connect(&controller, &TrainingController::snapshotReady, this,
                [&](std::shared_ptr<const train::ModelBundle> model) { received.push_back(model), ++arrivals; });
        controller.requestSnapshot();  // no run yet
        QTRY_COMPARE(arrivals, 1);
        QVERIFY(!received[0]);

        QSignalSpy prepared(&controller, &TrainingController::prepared);
        controller.start(tinyToyWorld(), std::nullopt, /*paused=*/true);
        QTRY_COMPARE_WITH_TIMEOUT(prepared.count(), 1, 30000);
        controller.stepOnce();
        QTRY_COMPARE(controller.stepsDone(), std::size_t(1));
        controller.requestSnapshot();
        QTRY_COMPARE(arrivals, 2);
        QVERIFY(received[1]);
        const nn::FlatArray<float> first = received[1]->model->parameters().values();
        QCOMPARE(received[1]->model->config().width, nn::Index(32));
        QVERIFY(received[1]->description.find("step 1 of") != std::string::npos);
        // Training on leaves the copy as it was.
        controller.stepOnce();
        QTRY_COMPARE(controller.stepsDone(), std::size_t(2));
        QVERIFY(received[1]->model->parameters().values() == first);
        // While it runs, a snapshot still comes between two steps.
        controller.resume();
        controller.requestSnapshot();
        QTRY_COMPARE_WITH_TIMEOUT(arrivals, 3, 30000);
        QVERIFY(received[2] && received[2]->model->parameters().values() != first);
        controller.reset();
    }

    void pauseStepResumeStopReset() {
        TrainingController controller;
        controller.setEvaluationInterval(1000);  // none while it runs below; single steps still evaluate
        QSignalSpy prepared(&controller, &TrainingController::prepared);
        controller.start(tinyToyWorld(), std::nullopt, /*paused=*/true);
        QTRY_COMPARE_WITH_TIMEOUT(prepared.count(), 1, 30000);
        QTRY_COMPARE(controller.state(), State::Paused);
        QCOMPARE(controller.stepsDone(), std::size_t(0));
        QVERIFY(!controller.probeItems().empty());

        controller.stepOnce();
        QTRY_COMPARE_WITH_TIMEOUT(controller.stepsDone(), std::size_t(1), 30000);
        controller.stepOnce();
        controller.stepOnce();
        QTRY_COMPARE_WITH_TIMEOUT(controller.stepsDone(), std::size_t(3), 30000);  // two evaluations on the way
        QTest::qWait(150);
        QCOMPARE(controller.stepsDone(), std::size_t(3));  // paused: nothing more
        // The evaluation before the first step, then one after each single step: a step taken by
        // hand visibly moves the probes and guesses. (The step count moves before its evaluation
        // ends: under the sanitizers that takes a while, so the points are gathered until there.)
        TrainingController::Drained drained;
        const auto gather = [&] {
            TrainingController::Drained more = controller.drain();
            drained.steps.insert(drained.steps.end(), more.steps.begin(), more.steps.end());
            drained.heldOut.insert(drained.heldOut.end(), more.heldOut.begin(), more.heldOut.end());
            drained.probes.insert(drained.probes.end(), more.probes.begin(), more.probes.end());
            return drained.probes.size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(gather(), std::size_t(4), 30000);
        QCOMPARE(drained.steps.size(), std::size_t(3));
        QCOMPARE(drained.steps.back().metrics.step, std::size_t(3));
        QVERIFY(drained.steps.front().metrics.loss > 0);
        QCOMPARE(drained.probes.front()->step, std::size_t(0));
        QCOMPARE(drained.probes.back()->step, std::size_t(3));
        QCOMPARE(drained.heldOut.size(), std::size_t(4));
        QVERIFY(controller.activationBytes() > 0);  // measured after a step

        controller.resume();
        QTRY_VERIFY(controller.stepsDone() > 10);
        QTRY_COMPARE(controller.state(), State::Running);
        controller.pause();
        QTRY_COMPARE(controller.state(), State::Paused);
        const std::size_t pausedAt = controller.stepsDone();
        QTest::qWait(150);
        QCOMPARE(controller.stepsDone(), pausedAt);

        controller.stop();
        QTRY_COMPARE(controller.state(), State::Stopped);
        controller.stepOnce();  // a stopped run takes no more steps
        QTest::qWait(100);
        QCOMPARE(controller.stepsDone(), pausedAt);
        QVERIFY(controller.hasSession());

        controller.reset();
        QCOMPARE(controller.state(), State::Idle);
        QVERIFY(!controller.hasSession());
        QVERIFY(controller.drain().steps.empty());
    }

    void savesBetweenStepsAndResumes() {
        QTemporaryDir folder;
        const QString path = folder.filePath("live.safetensors");
        TrainingController controller;
        controller.setEvaluationInterval(0);
        controller.start(tinyToyWorld(), std::nullopt, true);
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), State::Paused, 30000);
        for (int i = 0; i < 5; ++i) controller.stepOnce();
        QTRY_COMPARE(controller.stepsDone(), std::size_t(5));
        QSignalSpy saved(&controller, &TrainingController::saved);
        controller.requestSave(path);
        QTRY_COMPARE(saved.count(), 1);
        QVERIFY(std::filesystem::exists(path.toStdString()));

        TrainingController again;
        again.resumeFrom(path);
        QTRY_COMPARE_WITH_TIMEOUT(again.state(), State::Paused, 30000);
        QCOMPARE(again.stepsDone(), std::size_t(5));
        again.stepOnce();
        QTRY_COMPARE(again.stepsDone(), std::size_t(6));

        QSignalSpy failed(&again, &TrainingController::saveFailed);
        again.requestSave(folder.filePath("no/such/folder/x.safetensors"));
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(failed.front().front().toString().contains("no/such/folder"));
    }

    void aRunTooLargeForMemoryIsRefusedAndTheCurrentRunGoesOn() {
        TrainingController controller;
        controller.setEvaluationInterval(0);
        QVERIFY(controller.start(tinyToyWorld(), std::nullopt, true));
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), State::Paused, 30000);
        QSignalSpy stepped(&controller, &TrainingController::stateChanged);
        controller.stepOnce();
        QTRY_COMPARE(controller.stepsDone(), std::size_t(1));
        // The step's own signals (Running, then Paused again) arrive from the worker after its count
        // moves: wait for both, so that the spy below hears only what the refused start does.
        const auto pausedAfterTheStep = [&] {
            bool ran = false;
            for (const QList<QVariant>& arguments : stepped) {
                const auto state = arguments.front().value<State>();
                if (state == State::Running) ran = true;
                if (ran && state == State::Paused) return true;
            }
            return false;
        };
        QTRY_VERIFY(pausedAfterTheStep());
        train::RunSettings huge = tinyToyWorld();
        huge.model.width = 8192;
        huge.model.layers = 256;
        const QString problem = TrainingController::startProblem(huge);
        QVERIFY2(problem.contains("this run needs about") && problem.contains("TB of memory") &&
                     problem.contains("lower the width d or the layers"),
                 qPrintable(problem));
        QSignalSpy states(&controller, &TrainingController::stateChanged);
        QVERIFY(!controller.start(huge));
        QTest::qWait(50);
        QCOMPARE(states.count(), 0);
        QCOMPARE(controller.state(), State::Paused);
        QVERIFY(controller.hasSession());
        controller.stepOnce();
        QTRY_COMPARE(controller.stepsDone(), std::size_t(2));
    }

    void aBadCheckpointFailsWithItsName() {
        TrainingController controller;
        QSignalSpy failed(&controller, &TrainingController::failed);
        controller.resumeFrom(QStringLiteral("/nonexistent/run.safetensors"));
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(failed.front().front().toString().contains("/nonexistent/run.json"));
        QTRY_COMPARE(controller.state(), State::Failed);
    }

    void divergenceStopsAndKeepsTheModel() {
        train::RunSettings settings = tinyToyWorld();
        settings.trainer.optimizer.kind = optim::OptimizerKind::Sgd;
        settings.trainer.schedule.peak = 1000;
        TrainingController controller;
        controller.setEvaluationInterval(0);
        QSignalSpy diverged(&controller, &TrainingController::diverged);
        controller.start(settings);
        QTRY_COMPARE_WITH_TIMEOUT(diverged.count(), 1, 30000);
        QVERIFY(diverged.front().front().toString().contains("was not taken"));
        const auto step = diverged.front().at(1).toULongLong();
        QTRY_COMPARE(controller.state(), State::Diverged);
        QCOMPARE(controller.stepsDone(), std::size_t(step - 1));
        controller.drain();
        controller.requestProbes();  // the last good model still answers
        std::size_t snapshots = 0;
        QTRY_VERIFY((snapshots += controller.drain().probes.size()) == 1);
    }

    void endingMidRunStopsWithinAStep() {
        auto controller = std::make_unique<TrainingController>();
        controller->start(tinyToyWorld());
        QTRY_VERIFY_WITH_TIMEOUT(controller->stepsDone() > 5, 30000);
        QElapsedTimer timer;
        timer.start();
        controller.reset();  // as when the window closes mid-run
        QVERIFY2(timer.elapsed() < 2000, QByteArray::number(timer.elapsed()).constData());
    }

    void endingWhilePreparing() {
        // 64 MB of toy world: generating it alone takes the best part of a second, preparing all
        // of it several seconds. Ending the run gives up within one check.
        train::RunSettings settings = tinyToyWorld();
        settings.toyWorldBytes = 64u << 20;
        auto controller = std::make_unique<TrainingController>();
        controller->start(settings);
        QTest::qWait(20);
        QCOMPARE(controller->state(), State::Preparing);
        QElapsedTimer timer;
        timer.start();
        controller->reset();  // joins; the preparation gives up at its next check
        // Far less than preparing it all would take (seconds, many more under the sanitizers), with
        // room for a loaded machine and sanitizer builds.
        QVERIFY2(timer.elapsed() < 2000, QByteArray::number(timer.elapsed()).constData());
        QCOMPARE(controller->state(), State::Idle);
        QVERIFY(!controller->hasSession());
    }

    void finishedRunsReportFinished() {
        TrainingController controller;
        controller.setEvaluationInterval(4);
        controller.start(tinyToyWorld(12));
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), State::Finished, 30000);
        QCOMPARE(controller.stepsDone(), std::size_t(12));
        const TrainingController::Drained drained = controller.drain();
        QCOMPARE(drained.steps.size(), std::size_t(12));
        // at the start, every 4 steps and at the end
        QVERIFY(drained.probes.size() >= 4);
        QCOMPARE(drained.probes.back()->step, std::size_t(12));
        QVERIFY(!drained.heldOut.empty());
    }

    // A finished run trains on to a longer length, with its schedule planned again over it; a
    // run that was stopped, or is still going, does not.
    void aFinishedRunContinues() {
        TrainingController controller;
        controller.setEvaluationInterval(0);
        train::RunSettings settings = tinyToyWorld(6);
        settings.trainer.schedule = {optim::ScheduleKind::Cosine, 2e-3};
        controller.start(settings);
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), State::Finished, 30000);
        controller.drain();
        QSignalSpy prepared(&controller, &TrainingController::prepared);
        controller.continueTo(4);  // not more than done: nothing happens
        QTest::qWait(100);
        QCOMPARE(controller.state(), State::Finished);
        QCOMPARE(prepared.count(), 0);

        controller.continueTo(10);
        QTRY_COMPARE(prepared.count(), 1);
        QCOMPARE(controller.preparedSettings().steps, std::size_t(10));
        QCOMPARE(controller.preparedSettings().trainer.schedule.total, std::size_t(10));
        QTRY_COMPARE_WITH_TIMEOUT(controller.stepsDone(), std::size_t(10), 30000);
        QTRY_COMPARE(controller.state(), State::Finished);
        const TrainingController::Drained more = controller.drain();
        QCOMPARE(more.steps.size(), std::size_t(4));
        QCOMPARE(more.steps.front().metrics.step, std::size_t(7));
        // Step 7 of 10 on the new plan: the rate rose again from the old plan's end.
        QCOMPARE(more.steps.front().metrics.learningRate, optim::Schedule({optim::ScheduleKind::Cosine, 2e-3, 0, 10}).at(7));

        controller.stop();
        controller.continueTo(20);
        QTest::qWait(150);
        QCOMPARE(controller.stepsDone(), std::size_t(10));
        QCOMPARE(prepared.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTrainingController)
#include "test_training_controller.moc"
