// The training lab while it trains: how late a 1 ms timer fires on the UI thread (the event loop's
// latency, what a click or a repaint waits for), and the run's speed in the app, with the page
// visible and its charts replotting. Prints one JSON line.
//
//   bench_training_ui [--config tiny|small|medium] [--seconds S] [--threads N] [--toyworld] [--no-latency]
//   (run under Xvfb or with QT_QPA_PLATFORM=offscreen)
#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "app/main_window.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/theme.hpp"
#include "bench/ui_latency.hpp"

using namespace pretrainlab;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QTextStream out(stdout);
    std::string config = "medium";
    double seconds = 20;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    bool toyWorld = false;
    bool latency = true;  // the 1 ms timer wakes the UI thread 1000 times a second: speed is measured without it
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--config") && i + 1 < argc) config = argv[++i];
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = unsigned(std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--toyworld")) toyWorld = true;
        else if (!std::strcmp(argv[i], "--no-latency")) latency = false;
    }
    app::applyTheme(app, app::defaultTextPointSize);
    app::MainWindow window;
    window.resize(1280, 720);
    window.show();
    window.showPage(QStringLiteral("training"));
    app::TrainingPage& trainingPage = *window.trainingPage();
    app::TrainingLabState& page = trainingPage.state();

    train::RunSettings settings;
    if (!settings.applyPreset(config)) {
        out << "bench_training_ui: unknown config " << QString::fromStdString(config) << '\n';
        return 2;
    }
    settings.steps = 1'000'000;
    settings.trainer.threads = threads;
    settings.trainer.schedule = {optim::ScheduleKind::Constant, 3e-4};
    settings.trainer.optimizer.weightDecay = 0.01;
    settings.corpus = toyWorld ? train::toyWorldCorpus : "";
    trainingPage.setSettings(settings);
    trainingPage.start();
    while (page.controller().stepsDone() < 5) app.processEvents(QEventLoop::AllEvents, 20);

    // A 1 ms precise timer: each firing's lateness is what the UI thread made it wait.
    TimerLateness lateness;
    const std::size_t firstStep = page.controller().stepsDone();
    if (latency) lateness.start();
    QTimer::singleShot(int(seconds * 1000), &app, &QApplication::quit);
    app.exec();
    lateness.stop();
    const std::size_t lastStep = page.controller().stepsDone();
    page.pullUpdates();
    page.controller().reset();
    page.pullUpdates();

    const double tokens = double(lastStep - firstStep) * double(settings.batch * settings.model.context);
    // As the CLI counts it: tokens over the time spent in steps (probes and held-out loss apart).
    double stepSeconds = 0;
    std::size_t counted = 0;
    for (const app::StepPoint& point : page.currentRun()->steps) {
        if (point.metrics.step <= firstStep || point.metrics.tokensPerSecond <= 0) continue;
        stepSeconds += double(settings.batch * settings.model.context) / point.metrics.tokensPerSecond;
        ++counted;
    }
    const double stepTokensPerSecond =
        stepSeconds > 0 ? double(counted) * double(settings.batch * settings.model.context) / stepSeconds : 0.0;
    out << QStringLiteral("{\"config\":\"%1\",\"threads\":%2,\"seconds\":%3,\"steps\":%4,\"tokens_per_s\":%5,"
                          "\"timer_firings\":%6,\"late_ms_p50\":%7,\"late_ms_p99\":%8,\"late_ms_max\":%9,"
                          "\"step_tokens_per_s\":%10}\n")
               .arg(QString::fromStdString(config))
               .arg(threads)
               .arg(seconds)
               .arg(lastStep - firstStep)
               .arg(tokens / seconds, 0, 'f', 0)
               .arg(lateness.firings())
               .arg(lateness.percentile(0.5), 0, 'f', 3)
               .arg(lateness.percentile(0.99), 0, 'f', 3)
               .arg(lateness.worst(), 0, 'f', 3)
               .arg(stepTokensPerSecond, 0, 'f', 0);
    return 0;
}
