#include "app/lessons/training/training_charts.hpp"

#include <QComboBox>

#include <QGridLayout>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <algorithm>

#include "widgets/live_chart.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

QString categoryName(int category) {
    return QString::fromStdString(std::string(data::probeCategoryName(data::ProbeCategory(category))));
}

}  // namespace

TrainingCharts::TrainingCharts(TrainingLabState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("trainingCharts"));
    const widgets::ViewPalette& colours = widgets::viewPalette();
    widgets::LiveChart::Options lossOptions;
    lossOptions.logToggle = true;
    lossOptions.smoothingSlider = true;
    lossOptions.legend = true;
    lossOptions.legendOnTop = true;
    loss_ = new widgets::LiveChart(tr("Loss"), tr("cross-entropy"), lossOptions);
    loss_->setObjectName(QStringLiteral("lossChart"));
    widgets::LiveChart::Options probeOptions;
    probeOptions.legend = true;
    probeOptions.legendOnTop = true;
    probeOptions.valueRange = {-0.02, 1.02};
    probes_ = new widgets::LiveChart(tr("Probe accuracy (held-out blanks)"), tr("right answers"), probeOptions);
    probes_->setObjectName(QStringLiteral("probeChart"));
    for (int c = 0; c < data::probeCategoryCount; ++c) {
        probeSeries_[std::size_t(c)] = probes_->addSeries(categoryName(c), colours.categories[std::size_t(c) % colours.categories.size()]);
    }
    probeView_ = new QComboBox;
    probeView_->setObjectName(QStringLiteral("probeView"));
    probeView_->addItem(tr("Latest run, every category"));
    for (int c = 0; c < data::probeCategoryCount; ++c) probeView_->addItem(tr("%1 in every run").arg(categoryName(c)));
    probeView_->setToolTip(tr("Compare runs on one kind of blank"));
    probes_->addHeaderWidget(probeView_);
    connect(probeView_, &QComboBox::currentIndexChanged, this, &TrainingCharts::showProbes);
    widgets::LiveChart::Options small;
    small.compact = true;
    rate_ = new widgets::LiveChart(tr("Learning rate"), tr("η"), small);
    rate_->setObjectName(QStringLiteral("rateChart"));
    plannedRate_ = rate_->addSeries(tr("planned"), colours.planned, false, Qt::DashLine, 1.5);
    widgets::LiveChart::Options gradientOptions;
    gradientOptions.logToggle = true;
    gradientOptions.compact = true;
    gradient_ = new widgets::LiveChart(tr("Gradient norm"), tr("‖g‖"), gradientOptions);
    gradient_->setObjectName(QStringLiteral("gradientChart"));
    speed_ = new widgets::LiveChart(tr("Speed"), tr("k tokens/s"), small);
    speed_->setObjectName(QStringLiteral("speedChart"));

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(6);
    grid->addWidget(loss_, 0, 0, 1, 3);
    grid->addWidget(probes_, 1, 0, 1, 3);
    grid->addWidget(rate_, 2, 0);
    grid->addWidget(gradient_, 2, 1);
    grid->addWidget(speed_, 2, 2);
    grid->setRowStretch(0, 5);
    grid->setRowStretch(1, 4);
    grid->setRowStretch(2, 3);

    replotTimer_.setSingleShot(true);
    connect(&replotTimer_, &QTimer::timeout, this, [this] {
        for (widgets::LiveChart* chart : all()) chart->refresh();
        sinceReplot_.start();
    });
    connect(&state_, &TrainingLabState::runAdded, this, &TrainingCharts::addRun);
    connect(&state_, &TrainingLabState::runChanged, this, &TrainingCharts::showVisibility);
    connect(&state_, &TrainingLabState::runRemoved, this, &TrainingCharts::removeDroppedRuns);
    connect(&state_, &TrainingLabState::runReset, this, &TrainingCharts::clearCurrent);
    connect(&state_, &TrainingLabState::runsCleared, this, &TrainingCharts::clearAll);
    connect(&state_, &TrainingLabState::pointsAdded, this, &TrainingCharts::addPoints);
    connect(&state_, &TrainingLabState::prepared, this, &TrainingCharts::showPrepared);
    connect(&state_, &TrainingLabState::lossAxisChanged, this, &TrainingCharts::replotLoss);
    connect(&state_, &TrainingLabState::diverged, this, [this] { loss_->setLogScale(true); });  // the blow-up and the other runs, both in view
}

std::vector<widgets::LiveChart*> TrainingCharts::all() const { return {loss_, probes_, rate_, gradient_, speed_}; }

void TrainingCharts::addRun(int index) {
    const Run& run = state_.runs().at(index);
    RunSeries s;
    s.loss = loss_->addSeries(tr("%1 training").arg(run.name), run.colour, true);
    s.heldOut = loss_->addSeries(tr("%1 held-out").arg(run.name), run.colour, false, Qt::DashLine, 2.0);
    s.rate = rate_->addSeries(run.name, run.colour);
    s.gradient = gradient_->addSeries(run.name, run.colour, true);
    s.speed = speed_->addSeries(run.name, run.colour, true);
    series_[run.id] = s;
    rate_->clearPoints(plannedRate_);
    showProbes();
}

void TrainingCharts::removeDroppedRuns() {
    // The history has dropped the run already: the series without a run are its.
    for (auto it = series_.begin(); it != series_.end();) {
        const bool kept = std::any_of(state_.runs().runs().begin(), state_.runs().runs().end(),
                                      [&](const Run& run) { return run.id == it->first; });
        if (kept) {
            ++it;
            continue;
        }
        loss_->removeSeries(it->second.loss);
        loss_->removeSeries(it->second.heldOut);
        rate_->removeSeries(it->second.rate);
        gradient_->removeSeries(it->second.gradient);
        speed_->removeSeries(it->second.speed);
        it = series_.erase(it);
    }
    for (widgets::LiveChart* chart : {loss_, rate_, gradient_, speed_}) chart->refresh();
    showProbes();
}

void TrainingCharts::showVisibility(int index) {
    const Run& run = state_.runs().at(index);
    const RunSeries& s = series_.at(run.id);
    loss_->setSeriesVisible(s.loss, run.visible);
    loss_->setSeriesVisible(s.heldOut, run.visible);
    rate_->setSeriesVisible(s.rate, run.visible);
    gradient_->setSeriesVisible(s.gradient, run.visible);
    speed_->setSeriesVisible(s.speed, run.visible);
    for (widgets::LiveChart* chart : {loss_, rate_, gradient_, speed_}) chart->refresh();
    if (probeView_->currentIndex() > 0) showProbes();
}

double TrainingCharts::lossX(const Run& run, std::size_t step) const {
    return state_.lossAgainstTokensWithLoss() ? run.tokensWithLossAt(step) : double(step);
}

void TrainingCharts::addPoints(int index, const TrainingController::Drained& points) {
    const Run& run = state_.runs().at(index);
    const RunSeries& s = series_.at(run.id);
    if (!points.steps.empty()) {
        std::vector<double> x, lossX, loss, rate, gradient, speed;
        for (const StepPoint& p : points.steps) {
            x.push_back(double(p.metrics.step));
            lossX.push_back(state_.lossAgainstTokensWithLoss() ? p.tokensWithLossSoFar : double(p.metrics.step));
            loss.push_back(p.metrics.loss);
            rate.push_back(p.metrics.learningRate);
            gradient.push_back(p.metrics.gradientNorm);
            speed.push_back(p.metrics.tokensPerSecond / 1000);
        }
        loss_->appendPoints(s.loss, lossX, loss);
        rate_->appendPoints(s.rate, x, rate);
        gradient_->appendPoints(s.gradient, x, gradient);
        speed_->appendPoints(s.speed, x, speed);
        rate_->setMarker(x.back());
    }
    if (!points.heldOut.empty()) {
        std::vector<double> x, y;
        for (const HeldOutPoint& p : points.heldOut) x.push_back(this->lossX(run, p.step)), y.push_back(p.loss);
        loss_->appendPoints(s.heldOut, x, y);
    }
    if (!points.probes.empty()) {
        if (probeView_->currentIndex() > 0) {
            showProbes();
        } else {
            for (const auto& snapshot : points.probes) {
                for (int c = 0; c < data::probeCategoryCount; ++c) {
                    if (snapshot->report.items[std::size_t(c)] == 0) continue;
                    probes_->appendPoints(probeSeries_[std::size_t(c)], {double(snapshot->step)},
                                          {snapshot->report.accuracy[std::size_t(c)]});
                }
            }
            showChance(points.probes.back()->report);
        }
    }
    replotSoon();
}

// The data goes in at every drain; the charts redraw ten times a second, which looks as live and
// leaves the cores to training (redrawing five charts costs a few milliseconds).
void TrainingCharts::showChance(const train::ProbeReport& report) {
    // Each category's chance level, dotted in its colour: what guessing among its answers scores.
    for (int c = 0; c < data::probeCategoryCount; ++c) {
        const std::size_t i = std::size_t(c);
        if (report.items[i] == 0) {
            probes_->setGuide(probeSeries_[i], std::nullopt);
        } else {
            probes_->setGuide(probeSeries_[i], report.chance[i],
                              tr("chance %1%").arg(QLocale().toString(report.chance[i] * 100, 'f', 0)));
        }
    }
    probes_->setMessage({});
}

void TrainingCharts::showProbes() {
    for (const auto& [id, series] : probeRunSeries_) probes_->removeSeries(series);
    probeRunSeries_.clear();
    if (probeChance_ >= 0) probes_->removeSeries(probeChance_);
    probeChance_ = -1;
    for (const int series : probeSeries_) {
        probes_->clearPoints(series);
        probes_->setGuide(series, std::nullopt);
    }
    const std::vector<Run>& runs = state_.runs().runs();
    const int category = probeView_->currentIndex() - 1;
    for (const int series : probeSeries_) probes_->setSeriesVisible(series, category < 0);
    if (category < 0) {
        // The latest run, every category.
        if (runs.empty()) {
            probes_->setTitle(tr("Probe accuracy (held-out blanks)"));
        } else {
            const Run& run = runs.back();
            probes_->setTitle(tr("Probe accuracy of %1 (held-out blanks)").arg(run.name));
            for (const auto& snapshot : run.probes) {
                for (int c = 0; c < data::probeCategoryCount; ++c) {
                    if (snapshot->report.items[std::size_t(c)] == 0) continue;
                    probes_->appendPoints(probeSeries_[std::size_t(c)], {double(snapshot->step)},
                                          {snapshot->report.accuracy[std::size_t(c)]});
                }
            }
            if (!run.probes.empty()) showChance(run.probes.back()->report);
        }
        probes_->refresh();
        return;
    }
    // One category, every run in its own colour, with the category's chance level.
    const std::size_t c = std::size_t(category);
    probes_->setTitle(tr("Probe accuracy: %1 (held-out blanks)").arg(categoryName(category)));
    std::optional<double> chance;
    for (const Run& run : runs) {
        std::vector<double> x, y;
        for (const auto& snapshot : run.probes) {
            if (snapshot->report.items[c] == 0) continue;
            x.push_back(double(snapshot->step));
            y.push_back(snapshot->report.accuracy[c]);
            chance = snapshot->report.chance[c];
        }
        const int series = probes_->addSeries(run.name, run.colour);
        probes_->setPoints(series, x, y);
        probes_->setSeriesVisible(series, run.visible);
        probeRunSeries_[run.id] = series;
    }
    if (chance) {
        probeChance_ = probes_->addSeries(tr("chance"), widgets::viewPalette().mutedText);
        probes_->setGuide(probeChance_, *chance, QStringLiteral("%1%").arg(QLocale().toString(*chance * 100, 'f', 0)));
    }
    probes_->refresh();
}

void TrainingCharts::replotSoon() {
    if (replotTimer_.isActive()) return;
    const qint64 since = sinceReplot_.isValid() ? sinceReplot_.elapsed() : 1000;
    replotTimer_.start(int(std::max<qint64>(0, 100 - since)));
}

void TrainingCharts::showPrepared(const train::RunSettings& settings) {
    const optim::Schedule::Curve plan = settings.trainer.schedule.sampled();
    rate_->setPoints(plannedRate_, plan.steps, plan.rates);
    if (state_.controller().probeItems().empty()) probes_->setMessage(tr("probes need the toy world"));
    const bool comparison = !state_.runs().runs().empty() &&
                            state_.runs().runs().back().origin.kind == RunOrigin::Kind::Comparison;
    loss_->setMessage(settings.corpus.empty() ? tr("random tokens: no held-out text")
                      : comparison ? tr("masked-LM and next-token loss are not the same quantity: compare how fast "
                                        "each falls per token that produced loss, not their heights")
                                   : QString());
}

void TrainingCharts::replotLoss() {
    for (const Run& run : state_.runs().runs()) {
        const RunSeries& s = series_.at(run.id);
        std::vector<double> x, y;
        for (const StepPoint& p : run.steps) x.push_back(lossX(run, p.metrics.step)), y.push_back(p.metrics.loss);
        loss_->setPoints(s.loss, x, y);
        x.clear(), y.clear();
        for (const HeldOutPoint& p : run.heldOut) x.push_back(lossX(run, p.step)), y.push_back(p.loss);
        loss_->setPoints(s.heldOut, x, y);
    }
    loss_->setXLabel(state_.lossAgainstTokensWithLoss() ? tr("Tokens that produced loss") : tr("Step"));
    loss_->followNewPoints();
    loss_->refresh();
}

void TrainingCharts::clearCurrent(int index) {
    const RunSeries& s = series_.at(state_.runs().at(index).id);
    loss_->clearPoints(s.loss);
    loss_->clearPoints(s.heldOut);
    rate_->clearPoints(s.rate);
    gradient_->clearPoints(s.gradient);
    speed_->clearPoints(s.speed);
    for (widgets::LiveChart* chart : all()) chart->refresh();
    showProbes();
}

void TrainingCharts::clearAll() {
    for (const auto& [id, s] : series_) {
        loss_->removeSeries(s.loss);
        loss_->removeSeries(s.heldOut);
        rate_->removeSeries(s.rate);
        gradient_->removeSeries(s.gradient);
        speed_->removeSeries(s.speed);
    }
    series_.clear();
    rate_->clearPoints(plannedRate_);
    loss_->setLogScale(false);
    // No stale title, legend or ranges: the charts start over as at launch.
    for (widgets::LiveChart* chart : all()) chart->followNewPoints();
    showProbes();
    for (widgets::LiveChart* chart : all()) chart->refresh();
}

bool TrainingCharts::save(const QString& path) {
    if (path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
        QPdfWriter writer(path);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageOrientation(QPageLayout::Landscape);
        writer.setResolution(150);
        QPainter painter(&writer);
        if (!painter.isActive()) return false;
        const QRect page = painter.viewport();
        const double scale = std::min(double(page.width()) / width(), double(page.height()) / height());
        painter.scale(scale, scale);
        render(&painter);
        return true;
    }
    return grab().save(path);
}

}  // namespace pretrainlab::app
