// The Optimization lesson's targets, from the page as a lecturer drives it at 1280×720:
//  1. the playground playing five optimizers on Rosenbrock for 5 s: frames painted a second and
//     steps a second (target: 60 frames a second);
//  2. every live experiment run from its tab, one after the other: seconds each (target: under a
//     minute), and how late a 1 ms timer fires on the UI thread meanwhile (p99 under 16 ms).
// Prints one JSON line per measurement.
//
//   bench_optimization_ui [--playground-only | --experiment NAME]   (under Xvfb or with QT_QPA_PLATFORM=offscreen)
#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QTextStream>
#include <QTimer>
#include <cstring>
#include <string>

#include "app/jobs/background_job.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/optimization/optimization_page.hpp"
#include "app/lessons/optimization/playground_tab.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"
#include "bench/ui_latency.hpp"
#include "core/optimlab/run_pairs.hpp"
#include "widgets/surface_view.hpp"

using namespace pretrainlab;

namespace {

class PaintCounter : public QObject {
public:
    int paints = 0;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint) ++paints;
        return QObject::eventFilter(watched, event);
    }
};

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QTextStream out(stdout);
    const bool playgroundOnly = argc > 1 && !std::strcmp(argv[1], "--playground-only");
    // --experiment NAME: the playground, then that experiment alone.
    const std::string only = argc > 2 && !std::strcmp(argv[1], "--experiment") ? argv[2] : "";
    app::applyTheme(app, app::defaultTextPointSize);
    app::MainWindow window;
    window.resize(1280, 720);
    window.show();
    window.showPage(QStringLiteral("optimization"));
    app::OptimizationPage& page = *window.optimizationPage();
    app::PlaygroundTab& playground = *page.findChild<app::PlaygroundTab*>();
    playground.setSurface(QStringLiteral("rosenbrock"));
    playground.setOptimizerShown(optim::OptimizerKind::RmsProp, true);
    for (int i = 0; i < 20; ++i) app.processEvents(QEventLoop::AllEvents, 20);

    PaintCounter counter;
    playground.view()->installEventFilter(&counter);
    QElapsedTimer clock;
    clock.start();
    playground.setPlaying(true);
    QTimer::singleShot(5000, &app, [&] { playground.setPlaying(false); });
    {
        QEventLoop wait;
        QTimer::singleShot(5010, &wait, &QEventLoop::quit);
        wait.exec();
    }
    playground.setPlaying(false);
    const double seconds = clock.elapsed() / 1000.0;
    const std::size_t steps = playground.paths().front().points().size() - 1;
    out << QStringLiteral("{\"measure\":\"playground\",\"optimizers\":%1,\"seconds\":%2,\"frames_per_s\":%3,\"steps_per_s\":%4}\n")
               .arg(playground.paths().size())
               .arg(seconds, 0, 'f', 2)
               .arg(counter.paints / seconds, 0, 'f', 1)
               .arg(double(steps) / seconds, 0, 'f', 1);
    out.flush();
    if (playgroundOnly) return 0;

    for (const std::string& name : optimlab::experimentNames()) {
        if (!only.empty() && name != only) continue;
        TimerLateness lateness;
        lateness.start();
        clock.restart();
        // Wait in an event loop that sleeps between events, as the app's does (a processEvents
        // spin would take a core from the training threads).
        QEventLoop wait;
        QObject::connect(&page.state().job(), &app::BackgroundJob::finished, &wait, &QEventLoop::quit);
        if (!page.state().startExperiment(name)) return 1;
        if (page.busy()) wait.exec();
        lateness.stop();
        const optimlab::ExperimentResult* result = page.state().experiment(name);
        out << QStringLiteral("{\"measure\":\"experiment\",\"name\":\"%1\",\"runs\":%2,\"seconds\":%3,\"ui_lateness_p99_ms\":%4,"
                              "\"verdict\":\"%5\"}\n")
                   .arg(QString::fromStdString(name))
                   .arg(result ? result->runs.size() : 0)
                   .arg(clock.elapsed() / 1000.0, 0, 'f', 1)
                   .arg(lateness.percentile(0.99), 0, 'f', 2)
                   .arg(result ? QString::fromStdString(result->verdict()).replace(QLatin1Char('"'), QLatin1Char('\'')) : QString());
        out.flush();
    }
    return 0;
}
