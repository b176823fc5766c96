#include "app/lessons/optimization/playground_tab.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "app/lessons/optimization/parameter_slider.hpp"
#include "app/lessons/side_column.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/surface_view.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

QString optimizerTitle(optim::OptimizerKind kind) {
    switch (kind) {
        case optim::OptimizerKind::Sgd: return QObject::tr("SGD");
        case optim::OptimizerKind::Momentum: return QObject::tr("Momentum");
        case optim::OptimizerKind::RmsProp: return QObject::tr("RMSProp");
        case optim::OptimizerKind::Adam: return QObject::tr("Adam");
        case optim::OptimizerKind::AdamW: return QObject::tr("AdamW");
    }
    return {};
}

bool adaptive(optim::OptimizerKind kind) {
    return kind == optim::OptimizerKind::RmsProp || kind == optim::OptimizerKind::Adam || kind == optim::OptimizerKind::AdamW;
}

QString number(double value) { return QString::number(value, 'g', 4); }

constexpr std::size_t maxSteps = 20000;

}  // namespace

PlaygroundTab::PlaygroundTab(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("playgroundTab"));
    setAccessibleName(tr("Adam on a surface"));
    surface_ = new QComboBox;
    surface_->setObjectName(QStringLiteral("surfaceBox"));
    surface_->setAccessibleName(tr("Surface"));
    for (const optim::Surface& s : optim::surfaces()) surface_->addItem(fromStd(s.title), fromStd(s.name));
    surfaceNote_ = wrappedLabel({}, true);

    auto* optimizers = new QGridLayout;
    for (const optim::OptimizerKind kind : optim::optimizerKinds()) {
        auto* box = new QCheckBox(optimizerTitle(kind));
        box->setObjectName(QStringLiteral("show_") + fromStd(std::string(optim::optimizerName(kind))));
        box->setChecked(kind != optim::OptimizerKind::RmsProp);
        connect(box, &QCheckBox::toggled, this, [this] { rebuild(); });
        const int at = int(shown_.size());
        shown_.emplace_back(kind, box);
        optimizers->addWidget(box, at / 2, at % 2);
    }
    using Scale = ParameterSlider::Scale;
    const auto slider = [this](const QString& label, const QString& name, double low, double high, Scale scale,
                               double initial, const QString& tip) {
        auto* s = new ParameterSlider(label, name, low, high, scale, initial, tip);
        connect(s, &ParameterSlider::changed, this, [this] { rebuild(); });
        return s;
    };
    sgdRate_ = slider(tr("η SGD"), QStringLiteral("sgdRate"), 1e-5, 2.0, Scale::Log, 0.1, tr("η of SGD"));
    momentumRate_ = slider(tr("η mom."), QStringLiteral("momentumRate"), 1e-6, 2.0, Scale::Log, 0.01,
                           tr("η of SGD with momentum (μ = 0.9); by default a tenth of SGD's, the same step once the "
                              "velocity has built up"));
    adaptiveRate_ = slider(tr("η adaptive"), QStringLiteral("adaptiveRate"), 1e-4, 2.0, Scale::Log, 0.1,
                           tr("η of RMSProp, Adam and AdamW"));
    beta1_ = slider(tr("β₁"), QStringLiteral("beta1"), 0.0, 0.9999, Scale::Beta, 0.9,
                    tr("β₁ of (1): how long m remembers the gradients"));
    beta2_ = slider(tr("β₂"), QStringLiteral("beta2"), 0.0, 0.9999, Scale::Beta, 0.999,
                    tr("β₂ of (2): how long v remembers the squared gradients (RMSProp's decay too)"));
    epsilon_ = slider(tr("ε"), QStringLiteral("epsilon"), 1e-10, 1.0, Scale::Log, 1e-8, tr("ε of (4), beside √v̂"));
    decay_ = slider(tr("λ decay"), QStringLiteral("weightDecay"), 0.0, 0.5, Scale::Linear, 0.0,
                    tr("λ: AdamW shrinks θ by η λ θ apart from the gradient; SGD, momentum and Adam add λ θ to it (L2)"));
    correctM_ = new QCheckBox(tr("Correct m"));
    correctM_->setObjectName(QStringLiteral("correctM"));
    correctM_->setChecked(true);
    correctM_->setToolTip(tr("Off: Adam uses m as it is; its first steps are (1 − β₁) times smaller"));
    correctV_ = new QCheckBox(tr("Correct v"));
    correctV_->setObjectName(QStringLiteral("correctV"));
    correctV_->setChecked(true);
    correctV_->setToolTip(tr("Off: Adam uses v as it is; √v₁ is √(1 − β₂) of |g₁|, so its first steps are larger"));
    for (QCheckBox* box : {correctM_, correctV_}) connect(box, &QCheckBox::toggled, this, [this] { rebuild(); });
    auto* corrections = new QHBoxLayout;
    corrections->addWidget(correctM_);
    corrections->addWidget(correctV_);
    for (QCheckBox* box : {correctM_, correctV_})
        box->setToolTip(box->toolTip() + tr(". Unchecked, a dashed Adam path without that correction runs beside Adam."));

    step_ = new QPushButton(tr("Step"));
    step_->setObjectName(QStringLiteral("stepButton"));
    step_->setToolTip(tr("One step of every optimizer (Space or →)"));
    play_ = new QPushButton(tr("Play"));
    play_->setObjectName(QStringLiteral("playButton"));
    play_->setCheckable(true);
    play_->setToolTip(tr("Step 60 times a second (P)"));
    back_ = new QPushButton(tr("Back"));
    back_->setObjectName(QStringLiteral("backButton"));
    back_->setToolTip(tr("Undo the last step (Backspace or ←)"));
    reset_ = new QPushButton(tr("Reset"));
    reset_->setObjectName(QStringLiteral("resetButton"));
    reset_->setToolTip(tr("Back to the start (Home)"));
    perFrame_ = new QSpinBox;
    perFrame_->setObjectName(QStringLiteral("stepsPerFrame"));
    perFrame_->setRange(1, 100);
    perFrame_->setValue(1);
    perFrame_->setSuffix(tr(" step(s) a frame"));
    perFrame_->setToolTip(tr("While playing: steps per frame (Rosenbrock needs thousands)"));
    auto* buttons = new QGridLayout;
    buttons->addWidget(step_, 0, 0);
    buttons->addWidget(play_, 0, 1);
    buttons->addWidget(back_, 1, 0);
    buttons->addWidget(reset_, 1, 1);
    timer_ = new QTimer(this);
    timer_->setInterval(15);  // at least 60 frames a second, with room for a late tick
    timer_->setTimerType(Qt::PreciseTimer);
    connect(timer_, &QTimer::timeout, this, [this] {
        // Several steps a frame, one redraw.
        for (int k = 0; k < perFrame_->value(); ++k) advance();
        refresh();
        if (stepsTaken_ >= maxSteps) setPlaying(false);
    });
    connect(step_, &QPushButton::clicked, this, &PlaygroundTab::stepAll);
    connect(back_, &QPushButton::clicked, this, &PlaygroundTab::backAll);
    connect(reset_, &QPushButton::clicked, this, &PlaygroundTab::resetAll);
    connect(play_, &QPushButton::toggled, this, &PlaygroundTab::setPlaying);

    auto* rates = new QVBoxLayout;
    for (ParameterSlider* s : {sgdRate_, momentumRate_, adaptiveRate_, beta1_, beta2_, epsilon_, decay_}) rates->addWidget(s);
    auto* side = new SideColumn(tr("The engine's optimizers on two parameters. Click or drag on the map to move the start."),
                                {surface_, surfaceNote_, asWidget(buttons), perFrame_, asWidget(corrections),
                                 asWidget(optimizers), asWidget(rates)},
                                26);

    view_ = new widgets::SurfaceView;
    connect(view_, &widgets::SurfaceView::startPicked, this, &PlaygroundTab::setStart);
    focus_ = new QComboBox;
    focus_->setObjectName(QStringLiteral("focusBox"));
    focus_->setToolTip(tr("Whose numbers the table shows"));
    connect(focus_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    heading_ = new QLabel;
    heading_->setObjectName(QStringLiteral("focusHeading"));
    heading_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    table_ = new QTableWidget(6, 2);
    table_->setObjectName(QStringLiteral("momentsTable"));
    table_->setHorizontalHeaderLabels({tr("x"), tr("y")});
    table_->setVerticalHeaderLabels({tr("g_t"), tr("m_t  (1)"), tr("v_t  (2)"), tr("m̂_t  (3)"), tr("v̂_t  (3)"), tr("Δθ  (4)")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setFocusPolicy(Qt::NoFocus);
    table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // One line each: a combining hat (m̂) drifts to another letter in a wrapped multi-line label.
    auto* equations = new QVBoxLayout;
    equations->setSpacing(0);
    for (const QString& line : {tr("(1) m_t = β₁ m_t−1 + (1 − β₁) g_t"), tr("(2) v_t = β₂ v_t−1 + (1 − β₂) g_t²"),
                                tr("(3) m-hat_t = m_t / (1 − β₁ᵗ),  v-hat_t = v_t / (1 − β₂ᵗ)"),
                                tr("(4) θ_t = θ_t−1 − η m-hat_t / (√v-hat_t + ε)")}) {
        auto* label = new QLabel(line);
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        label->setProperty("role", QStringLiteral("muted"));
        equations->addWidget(label);
    }
    explanation_ = wrappedLabel({});
    explanation_->setObjectName(QStringLiteral("stepExplanation"));
    auto* numbers = new QVBoxLayout;
    numbers->addWidget(focus_);
    numbers->addWidget(heading_);
    numbers->addWidget(table_);
    numbers->addLayout(equations);
    numbers->addWidget(explanation_);
    numbers->addStretch(1);
    heading_->setWordWrap(true);
    auto* views = new QHBoxLayout;
    views->addWidget(view_, 3);
    views->addLayout(numbers, 2);
    views_ = views;
    placeBeside(this, side, views);

    const auto shortcut = [this](const QKeySequence& keys, QPushButton* target) {
        auto* action = new QShortcut(keys, this);
        action->setContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QShortcut::activated, target, [target] {
            if (target->isEnabled()) target->click();
        });
    };
    shortcut(QKeySequence(Qt::Key_Space), step_);
    shortcut(QKeySequence(Qt::Key_Right), step_);
    shortcut(QKeySequence(Qt::Key_Backspace), back_);
    shortcut(QKeySequence(Qt::Key_Left), back_);
    shortcut(QKeySequence(Qt::Key_P), play_);
    shortcut(QKeySequence(Qt::Key_Home), reset_);
    setFocusPolicy(Qt::StrongFocus);

    connect(surface_, &QComboBox::currentIndexChanged, this, [this](int index) {
        const std::optional<optim::Surface> found = optim::surfaceNamed(surface_->itemData(index).toString().toStdString());
        if (!found) return;
        const optim::Surface& surface = *found;
        view_->setSurface(surface);
        surfaceNote_->setText(fromStd(surface.teaches));
        start_ = surface.start;
        stepsTaken_ = 0;
        suggestRates();
        rebuild();
    });
    surface_->setCurrentIndex(-1);
    surface_->setCurrentIndex(0);  // draws the first surface
}

void PlaygroundTab::suggestRates() {
    const optim::Surface& s = view_->surface();
    sgdRate_->setValue(s.suggestedRate(false));
    momentumRate_->setValue(s.suggestedRate(false) / 10);
    adaptiveRate_->setValue(s.suggestedRate(true));
}

optim::PathSettings PlaygroundTab::settingsFor(optim::OptimizerKind kind) const {
    optim::PathSettings s;
    s.optimizer.kind = kind;
    s.optimizer.beta1 = beta1_->value();
    s.optimizer.beta2 = beta2_->value();
    s.optimizer.epsilon = epsilon_->value();
    s.optimizer.weightDecay = decay_->value();
    s.learningRate = adaptive(kind) ? adaptiveRate_->value() : kind == optim::OptimizerKind::Momentum ? momentumRate_->value() : sgdRate_->value();
    s.start = start_;
    return s;
}

void PlaygroundTab::rebuild() {
    reportedDivergence_ = false;
    const QString focused = focus_->currentText();
    paths_.clear();
    names_.clear();
    colourOf_.clear();
    dashed_.clear();
    int colour = 0;
    for (const auto& [kind, box] : shown_) {
        const int own = colour++;
        if (!box->isChecked()) continue;
        optim::PathSettings settings = settingsFor(kind);
        if (const std::string problem = settings.problem(); !problem.empty()) {
            emit this->problem(fromStd(problem));
            return;
        }
        paths_.emplace_back(view_->surface(), settings);
        names_.push_back(optimizerTitle(kind));
        colourOf_.push_back(own);
        dashed_.push_back(false);
        if (kind == optim::OptimizerKind::Adam && (!correctM_->isChecked() || !correctV_->isChecked())) {
            settings.optimizer.correctFirstMoment = correctM_->isChecked();
            settings.optimizer.correctSecondMoment = correctV_->isChecked();
            paths_.emplace_back(view_->surface(), settings);
            names_.push_back(!correctM_->isChecked() && !correctV_->isChecked() ? tr("Adam, no bias correction")
                             : !correctM_->isChecked()                        ? tr("Adam, m uncorrected")
                                                                              : tr("Adam, v uncorrected"));
            colourOf_.push_back(own);
            dashed_.push_back(true);
        }
    }
    emit problem({});
    for (optim::OptimizerPath& path : paths_)
        for (std::size_t k = 0; k < stepsTaken_; ++k) path.step();
    {
        const QSignalBlocker blocker(focus_);
        focus_->clear();
        for (const QString& name : names_) focus_->addItem(name);
        const int again = focus_->findText(focused);
        focus_->setCurrentIndex(again >= 0 ? again : std::max(0, focus_->findText(tr("Adam"))));
    }
    view_->setStart(start_);
    refresh();
}

void PlaygroundTab::refresh() {
    const widgets::ViewPalette& palette = widgets::viewPalette();
    std::vector<widgets::SurfaceView::Path> drawn;
    for (std::size_t i = 0; i < paths_.size(); ++i) {
        widgets::SurfaceView::Path p{names_[i], palette.seriesColour(colourOf_[i]), {}, dashed_[i] ? Qt::DashLine : Qt::SolidLine};
        for (const optim::PathPoint& point : paths_[i].points()) p.points.push_back(point.theta);
        drawn.push_back(std::move(p));
    }
    view_->setPaths(std::move(drawn));
    const int f = focusedPath();
    if (f < 0) {
        heading_->clear();
        explanation_->clear();
        for (int r = 0; r < table_->rowCount(); ++r)
            for (int c = 0; c < 2; ++c)
                if (table_->item(r, c)) table_->item(r, c)->setText({});
        return;
    }
    const optim::OptimizerPath& path = paths_[std::size_t(f)];
    const optim::PathPoint& p = path.current();
    const optim::Point2 rows[] = {p.gradient, p.m, p.v, p.mHat, p.vHat, p.update};
    for (int r = 0; r < 6; ++r) {
        for (int c = 0; c < 2; ++c) {
            QTableWidgetItem* item = table_->item(r, c);
            if (!item) {
                item = new QTableWidgetItem;
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table_->setItem(r, c, item);
            }
            item->setText(p.step == 0 ? QStringLiteral("–") : number(rows[r][std::size_t(c)]));
        }
    }
    bool anyDiverged = false;
    for (const optim::OptimizerPath& other : paths_) anyDiverged = anyDiverged || other.diverged();
    if (anyDiverged && !reportedDivergence_)
        emit problem(tr("A path left the finite numbers: the learning rate is too large for this surface."));
    reportedDivergence_ = anyDiverged;
    // While playing, the words change a few times a second: relaying out wrapped text every frame
    // would cost the animation its frames.
    if (playing() && wordsClock_.isValid() && wordsClock_.elapsed() < 250) return;
    wordsClock_.start();
    heading_->setText(path.diverged() ? tr("step %1: left the finite numbers").arg(p.step)
                                      : tr("step %1 · θ = (%2, %3) · loss %4")
                                            .arg(p.step)
                                            .arg(number(p.theta[0]), number(p.theta[1]), number(p.loss)));
    explanation_->setText(p.step == 0 ? tr("Press Space to take a step, P to play.") : fromStd(optim::explainStep(path)));
}

bool PlaygroundTab::advance() {
    if (stepsTaken_ >= maxSteps) return false;
    for (optim::OptimizerPath& path : paths_) path.step();
    ++stepsTaken_;
    return true;
}

void PlaygroundTab::stepAll() {
    if (advance()) refresh();
}

void PlaygroundTab::backAll() {
    if (stepsTaken_ == 0) return;
    for (optim::OptimizerPath& path : paths_) {
        if (path.points().size() > stepsTaken_) path.back();  // a diverged path stopped early
    }
    --stepsTaken_;
    refresh();
}

void PlaygroundTab::resetAll() {
    setPlaying(false);
    reportedDivergence_ = false;
    stepsTaken_ = 0;
    for (optim::OptimizerPath& path : paths_) path.reset();
    emit problem({});
    refresh();
}

void PlaygroundTab::setPlaying(bool on) {
    const bool was = playing();
    {
        const QSignalBlocker blocker(play_);
        play_->setChecked(on);
    }
    play_->setText(on ? tr("Pause") : tr("Play"));
    if (on) timer_->start();
    else timer_->stop();
    if (was && !on) {
        wordsClock_.invalidate();
        refresh();  // the words of where it stopped
    }
}

bool PlaygroundTab::playing() const { return timer_->isActive(); }

void PlaygroundTab::setSurface(const QString& name) { surface_->setCurrentIndex(surface_->findData(name)); }

void PlaygroundTab::setStart(double x, double y) {
    start_ = {x, y};
    stepsTaken_ = 0;
    rebuild();
}

void PlaygroundTab::setOptimizerShown(optim::OptimizerKind kind, bool shown) {
    for (const auto& [k, box] : shown_)
        if (k == kind) box->setChecked(shown);
}

void PlaygroundTab::setBiasCorrection(bool firstMoment, bool secondMoment) {
    correctM_->setChecked(firstMoment);
    correctV_->setChecked(secondMoment);
}

void PlaygroundTab::fitWidth(int available) {
    // With large text the numbers go below the map rather than squeeze it.
    const bool narrow = available < 80 * fontMetrics().averageCharWidth();
    views_->setDirection(narrow ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
    view_->setMinimumHeight(narrow ? 14 * fontMetrics().height() : 0);
}

QStringList PlaygroundTab::pathNames() const { return QStringList(names_.begin(), names_.end()); }

int PlaygroundTab::focusedPath() const { return focus_->currentIndex() < int(paths_.size()) ? focus_->currentIndex() : -1; }

QString PlaygroundTab::explanation() const { return explanation_->text(); }

}  // namespace pretrainlab::app
