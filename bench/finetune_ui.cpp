// The Pretrain -> finetune lesson's ablation table run from its tab as a lecturer runs it (the
// default plan: every row, five tasks, three seeds, the shipped decoder): the time to the first
// filled cell and to the whole table, and how late a 1 ms timer fires on the UI thread meanwhile
// (what a click or a repaint waits for). Prints one JSON line.
//
//   bench_finetune_ui [--encoder]   (under Xvfb or with QT_QPA_PLATFORM=offscreen)
#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <cstring>

#include "app/lessons/finetuning/ablation_tab.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/main_window.hpp"
#include "app/theme.hpp"
#include "bench/ui_latency.hpp"

using namespace pretrainlab;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QTextStream out(stdout);
    const bool encoder = argc > 1 && !std::strcmp(argv[1], "--encoder");
    app::applyTheme(app, app::defaultTextPointSize);
    app::MainWindow window;
    window.resize(1280, 720);
    window.show();
    window.showPage(QStringLiteral("finetuning"));
    app::FinetuningPage& page = *window.finetuningPage();
    if (encoder) page.state().setSource(app::FinetuningState::Source::ShippedEncoder);
    page.showView(app::FinetuningPage::View::Ablation);
    for (int i = 0; i < 20; ++i) app.processEvents(QEventLoop::AllEvents, 20);

    TimerLateness lateness;
    QElapsedTimer clock;
    clock.start();
    double firstCell = -1;
    QObject::connect(&page.state(), &app::FinetuningState::ablationChanged, [&] {
        if (firstCell < 0 && !page.state().ablation().empty()) firstCell = clock.elapsed() / 1000.0;
    });
    const finetune::AblationPlan plan = page.findChild<app::AblationTab*>()->plan();
    const double started = clock.elapsed() / 1000.0;
    lateness.start();
    page.findChild<app::AblationTab*>()->runTable();
    while (page.busy()) app.processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    lateness.stop();
    const double total = clock.elapsed() / 1000.0 - started;

    std::size_t ran = 0;
    for (const finetune::AblationCell& cell : page.state().ablation()) ran += cell.ran() ? 1 : 0;
    out << QStringLiteral("{\"model\":\"%1\",\"tasks\":%2,\"seeds\":%3,\"cells\":%4,\"cells_run\":%5,\"first_cell_s\":%6,"
                          "\"table_s\":%7,\"timer_firings\":%8,\"late_ms_p50\":%9,\"late_ms_p99\":%10,\"late_ms_max\":%11}\n")
               .arg(encoder ? QStringLiteral("tiny-encoder") : QStringLiteral("tiny-decoder"))
               .arg(plan.tasks.size())
               .arg(plan.seeds)
               .arg(page.state().ablation().size())
               .arg(ran)
               .arg(firstCell - started, 0, 'f', 2)
               .arg(total, 0, 'f', 2)
               .arg(lateness.firings())
               .arg(lateness.percentile(0.5), 0, 'f', 3)
               .arg(lateness.percentile(0.99), 0, 'f', 3)
               .arg(lateness.worst(), 0, 'f', 3);
    return 0;
}
