#include "app/lessons/optimization/experiment_view.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/jobs/background_job.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

QString secondTitle(ExperimentView::Second second) {
    switch (second) {
        case ExperimentView::Second::GradientNorm: return QObject::tr("Gradient norm (before clipping)");
        case ExperimentView::Second::LossScale: return QObject::tr("Loss scale (drops: skipped steps)");
        case ExperimentView::Second::LearningRate: return QObject::tr("Learning rate");
    }
    return {};
}

}  // namespace

ExperimentView::ExperimentView(OptimizationState& state, std::vector<std::string> names, Second second, QWidget* parent)
    : QWidget(parent), state_(state), names_(std::move(names)), secondKind_(second) {
    choice_ = new QComboBox;
    choice_->setObjectName(QStringLiteral("experimentBox"));
    choice_->setAccessibleName(tr("Experiment"));
    for (const std::string& name : names_) choice_->addItem(fromStd(optimlab::experimentNamed(name, 1)->title), fromStd(name));
    choice_->setVisible(names_.size() > 1);
    question_ = wrappedLabel({});
    run_ = new QPushButton(tr("&Run"));
    run_->setToolTip(tr("Train every variant for every seed, one after the other"));
    run_->setObjectName(QStringLiteral("runExperiment"));
    verdict_ = wrappedLabel({});
    verdict_->setObjectName(QStringLiteral("experimentVerdict"));
    verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    widgets::LiveChart::Options options;
    options.legend = true;
    options.legendOnTop = true;
    options.logToggle = true;
    loss_ = new widgets::LiveChart(tr("Training loss"), tr("loss"), options);
    loss_->setObjectName(QStringLiteral("experimentLoss"));
    widgets::LiveChart::Options secondOptions;
    secondOptions.logToggle = true;
    secondOptions.compact = false;
    second_ = new widgets::LiveChart(secondTitle(second), {}, secondOptions);
    second_->setObjectName(QStringLiteral("experimentSecond"));
    if (second != Second::LearningRate) second_->setLogScale(true);
    // At the largest text sizes the tab scrolls rather than flatten the curves.
    loss_->setMinimumHeight(10 * fontMetrics().height());
    second_->setMinimumHeight(8 * fontMetrics().height());
    auto* charts = new QVBoxLayout(this);
    charts->setContentsMargins(0, 0, 0, 0);
    charts->addWidget(loss_, 3);
    charts->addWidget(second_, 2);

    connect(choice_, &QComboBox::currentIndexChanged, this, [this] {
        redraw();
        emit currentChanged(fromStd(current()));
    });
    connect(run_, &QPushButton::clicked, this, [this] { state_.startExperiment(current()); });
    connect(&state_, &OptimizationState::experimentChanged, this, [this](const QString& name) {
        if (name.toStdString() == current()) redraw();
    });
    connect(&state_.job(), &BackgroundJob::started, this, [this] { run_->setEnabled(false); });
    connect(&state_.job(), &BackgroundJob::finished, this, [this] { run_->setEnabled(true); });
    redraw();
}

std::string ExperimentView::current() const { return choice_->currentData().toString().toStdString(); }

void ExperimentView::setCurrent(const std::string& name) { choice_->setCurrentIndex(choice_->findData(fromStd(name))); }

QString ExperimentView::verdict() const { return verdict_->text(); }

void ExperimentView::redraw() {
    const std::optional<optimlab::Experiment> defined = optimlab::experimentNamed(current(), 1);
    if (!defined) return;
    question_->setText(fromStd(defined->question));
    const optimlab::ExperimentResult* result = state_.experiment(current());
    const widgets::ViewPalette& palette = widgets::viewPalette();
    const std::size_t runs = result ? result->runs.size() : 0;
    // A series per run, kept while the experiment trains: only the growing runs get new points.
    if (runs < lossSeries_.size() || shownExperiment_ != current()) {
        for (const int handle : lossSeries_) loss_->removeSeries(handle);
        for (const int handle : secondSeries_) second_->removeSeries(handle);
        lossSeries_.clear();
        secondSeries_.clear();
        shownPoints_.clear();
        shownExperiment_ = current();
    }
    if (!result || result->runs.empty()) {
        verdict_->setText(tr("Not run yet: %1 run(s) of %2 steps each, about a minute in all.")
                              .arg(defined->variants.size() * defined->seeds)
                              .arg(defined->variants.front().settings.steps));
        loss_->refresh();
        second_->refresh();
        return;
    }
    for (std::size_t i = 0; i < runs; ++i) {
        const optimlab::RunCurve& run = result->runs[i];
        if (i >= lossSeries_.size()) {
            const QString name = tr("%1 · seed %2").arg(fromStd(result->experiment.variants.at(run.variant).label)).arg(run.seed);
            const Qt::PenStyle style = run.seed == 0 ? Qt::SolidLine : run.seed == 1 ? Qt::DashLine : Qt::DotLine;
            const QColor colour = palette.seriesColour(int(run.variant));
            lossSeries_.push_back(loss_->addSeries(name, colour, false, style, 2.0));
            secondSeries_.push_back(second_->addSeries(name, colour, false, style, 2.0));
            shownPoints_.push_back(0);
        }
        if (shownPoints_[i] == run.points.size()) continue;
        std::vector<double> x, loss, other;
        for (std::size_t k = shownPoints_[i]; k < run.points.size(); ++k) {
            const optimlab::RunPoint& p = run.points[k];
            x.push_back(double(p.step));
            loss.push_back(p.skipped ? std::nan("") : p.loss);
            switch (secondKind_) {
                case Second::GradientNorm: other.push_back(p.skipped ? std::nan("") : p.gradientNorm); break;
                case Second::LossScale: other.push_back(p.lossScale); break;
                case Second::LearningRate: other.push_back(p.learningRate); break;
            }
        }
        loss_->appendPoints(lossSeries_[i], x, loss);
        second_->appendPoints(secondSeries_[i], x, other);
        shownPoints_[i] = run.points.size();
    }
    loss_->refresh();
    second_->refresh();
    std::size_t expected = defined->variants.size() * defined->seeds;
    std::size_t ended = 0;
    for (const optimlab::RunCurve& run : result->runs)
        ended += (run.points.size() >= result->experiment.variants.at(run.variant).settings.steps || !run.stopped.empty()) ? 1 : 0;
    QString text = ended >= expected ? fromStd(result->verdict()) : tr("%1 of %2 runs done…").arg(ended).arg(expected);
    for (const optimlab::RunCurve& run : result->runs)
        if (!run.stopped.empty())
            text += QStringLiteral("<br>") + tr("%1, seed %2: %3")
                                                .arg(fromStd(result->experiment.variants.at(run.variant).label))
                                                .arg(run.seed)
                                                .arg(fromStd(run.stopped));
    verdict_->setText(text);
}

}  // namespace pretrainlab::app
