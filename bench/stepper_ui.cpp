// How long one step of the Tokenization lesson takes on the UI thread, from the click to the
// repainted page, on a corpus file: both trainers merge, the tables, rules and chips update and
// the window repaints. Prints one JSON line with the median, 95th percentile and worst step.
//
//   bench_stepper_ui CORPUS [STEPS]     (run with QT_QPA_PLATFORM=offscreen)
#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <algorithm>
#include <vector>

#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/theme.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QTextStream out(stdout);
    if (argc < 2) {
        out << "usage: bench_stepper_ui CORPUS [STEPS]\n";
        return 2;
    }
    const int steps = argc > 2 ? std::max(1, QString::fromLocal8Bit(argv[2]).toInt()) : 300;
    pretrainlab::app::applyTheme(app, pretrainlab::app::defaultTextPointSize);
    pretrainlab::app::TokenizationPage window;
    window.resize(1280, 720);
    window.show();
    pretrainlab::app::TokenizationState& page = window.state();
    QElapsedTimer loading;
    loading.start();
    page.openCorpusFile(QString::fromLocal8Bit(argv[1]));
    while (page.isBusy()) app.processEvents(QEventLoop::AllEvents, 50);
    const double loadSeconds = loading.elapsed() / 1000.0;
    page.waitForIdle();
    app.processEvents();

    std::vector<double> milliseconds;
    QElapsedTimer timer;
    for (int i = 0; i < steps; ++i) {
        timer.start();
        page.step();
        app.processEvents();  // layout and repaint, as the event loop would do next
        milliseconds.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::vector<double> back;
    for (int i = 0; i < std::min(steps, 50); ++i) {
        timer.start();
        page.back();
        app.processEvents();
        back.push_back(timer.nsecsElapsed() / 1e6);
    }
    const auto percentile = [](std::vector<double> values, double p) {
        std::sort(values.begin(), values.end());
        return values[std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())))];
    };
    out << QStringLiteral("{\"corpus_words\":%1,\"load_seconds\":%2,\"steps\":%3,\"step_ms_median\":%4,"
                          "\"step_ms_p95\":%5,\"step_ms_max\":%6,\"back_ms_median\":%7,\"back_ms_p95\":%8}\n")
               .arg(page.bpe()->trainer().totalWords())
               .arg(loadSeconds, 0, 'f', 3)
               .arg(steps)
               .arg(percentile(milliseconds, 0.5), 0, 'f', 2)
               .arg(percentile(milliseconds, 0.95), 0, 'f', 2)
               .arg(*std::max_element(milliseconds.begin(), milliseconds.end()), 0, 'f', 2)
               .arg(percentile(back, 0.5), 0, 'f', 2)
               .arg(percentile(back, 0.95), 0, 'f', 2);
    return 0;
}
