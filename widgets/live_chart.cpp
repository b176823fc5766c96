#include "widgets/live_chart.hpp"
#include "widgets/plot_palette.hpp"
#include "widgets/row_reflow.hpp"
#include "widgets/view_palette.hpp"

#include <QCheckBox>
#include <QTextDocumentFragment>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QSlider>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace pretrainlab::widgets {

LiveChart::LiveChart(const QString& title, const QString& yLabel, Options options, QWidget* parent)
    : QWidget(parent), options_(options) {
    plot_ = new QCustomPlot;
    plot_->setMinimumHeight(120);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setNoAntialiasingOnDrag(true);
    plot_->setPlottingHint(QCP::phCacheLabels, true);
    // Thousands of points redrawn 30 times a second: polylines drawn in one call cost a tenth
    // of segments stroked one by one.
    plot_->setPlottingHint(QCP::phFastPolylines, true);
    followTheme(*plot_, themeSeen_);
    plot_->xAxis->setLabel(options.compact ? QString() : tr("Step"));
    if (options.compact) {
        plot_->xAxis->ticker()->setTickCount(3);
        plot_->yAxis->ticker()->setTickCount(3);
    }
    plot_->yAxis->setLabel(yLabel);
    plot_->axisRect()->setupFullAxesBox(false);
    plot_->legend->setVisible(options.legend);
    plot_->legend->setBrush(viewPalette().legendBackground);
    plot_->legend->setBorderPen(QPen(viewPalette().legendBorder));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    if (options.legend && options.legendOnTop) {
        // A row of entries over the plot, drawn by Qt (it wraps, and takes no room when empty).
        plot_->legend->setVisible(false);
        legendRow_ = new QLabel;
        legendRow_->setObjectName(QStringLiteral("chartLegend"));
        legendRow_->setWordWrap(true);
        legendRow_->setTextFormat(Qt::RichText);
        legendRow_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        legendRow_->hide();
    }
    marker_ = new QCPItemStraightLine(plot_);
    marker_->setPen(QPen(viewPalette().marker, 1.5, Qt::DashLine));
    marker_->setVisible(false);
    // The user's own view of the data stays until a double-click asks to follow again.
    connect(plot_, &QCustomPlot::mousePress, this, [this] { following_ = false; });
    connect(plot_, &QCustomPlot::mouseWheel, this, [this] { following_ = false; });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { followNewPoints(); });
    connect(plot_, &QCustomPlot::mouseMove, this, &LiveChart::onMouseMove);

    title_ = new QLabel(title);
    title_->setObjectName(QStringLiteral("chartTitle"));
    plot_->setAccessibleName(QTextDocumentFragment::fromHtml(title).toPlainText());
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    message_ = new QLabel;
    message_->setProperty("role", QStringLiteral("muted"));
    message_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never widens the window
    message_->setWordWrap(true);  // and never clips: a long note takes a second line
    message_->hide();
    // The title (and its note), then the chart's controls: one line, or two at large text.
    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(title_);
    titleRow->addWidget(message_, 1);
    auto* header = new QHBoxLayout;
    header_ = header;
    header->setContentsMargins(0, 0, 0, 0);
    header->addStretch(1);
    auto* heading = new QBoxLayout(QBoxLayout::LeftToRight);
    heading->setContentsMargins(4, 0, 4, 0);
    heading->addLayout(titleRow, 1);
    heading->addLayout(header);
    if (options.smoothingSlider) {
        auto* label = new QLabel(tr("Smoothing"));
        label->setToolTip(tr("An exponential moving average of the loss, as TensorBoard draws it; the raw curve stays faint behind"));
        smoothingSlider_ = new QSlider(Qt::Horizontal);
        smoothingSlider_->setObjectName(QStringLiteral("smoothingSlider"));
        smoothingSlider_->setRange(0, 99);
        smoothingSlider_->setValue(static_cast<int>(smoothing_ * 100));
        smoothingSlider_->setFixedWidth(110);
        smoothingSlider_->setToolTip(label->toolTip());
        connect(smoothingSlider_, &QSlider::valueChanged, this, [this](int value) { setSmoothing(value / 100.0); });
        header->addWidget(label);
        header->addWidget(smoothingSlider_);
    }
    if (options.logToggle) {
        logCheck_ = new QCheckBox(tr("Log scale"));
        logCheck_->setObjectName(QStringLiteral("logScaleCheck"));
        connect(logCheck_, &QCheckBox::toggled, this, &LiveChart::setLogScale);
        header->addWidget(logCheck_);
    }
    if (options.logX) {
        plot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog));
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(heading);
    stackWhenNarrow(this, heading);
    if (legendRow_) layout->addWidget(legendRow_);
    layout->addWidget(plot_, 1);
    applyFonts();
    refresh();
}

LiveChart::Series* LiveChart::find(int series) {
    for (auto& [id, s] : series_) {
        if (id == series) return &s;
    }
    return nullptr;
}

const LiveChart::Series* LiveChart::find(int series) const {
    for (const auto& [id, s] : series_) {
        if (id == series) return &s;
    }
    return nullptr;
}

int LiveChart::addSeries(const QString& name, const QColor& colour, bool smoothed, Qt::PenStyle style, double width) {
    Series s;
    s.name = name;
    s.colour = colour;
    s.smoothed = smoothed;
    if (smoothed) {
        s.raw = plot_->addGraph();
        QColor faint = colour;
        faint.setAlpha(60);
        s.raw->setPen(QPen(faint, 0));
        s.raw->removeFromLegend();
        s.raw->setAdaptiveSampling(true);
    }
    s.shown = plot_->addGraph();
    s.shown->setPen(QPen(colour, width, style));
    s.shown->setName(name);
    s.shown->setAdaptiveSampling(true);
    const int id = nextId_++;
    series_.emplace_back(id, std::move(s));
    return id;
}

void LiveChart::removeSeries(int series) {
    for (auto it = series_.begin(); it != series_.end(); ++it) {
        if (it->first != series) continue;
        if (it->second.raw) plot_->removeGraph(it->second.raw);
        if (it->second.guide) plot_->removeItem(it->second.guide);
        plot_->removeGraph(it->second.shown);
        series_.erase(it);
        return;
    }
}

void LiveChart::appendShown(Series& s, std::size_t from) {
    QVector<double> keys;
    QVector<double> values;
    keys.reserve(static_cast<qsizetype>(s.x.size() - from));
    values.reserve(static_cast<qsizetype>(s.x.size() - from));
    for (std::size_t i = from; i < s.x.size(); ++i) {
        keys << s.x[i];
        if (s.smoothed && smoothing_ > 0) {
            // TensorBoard's smoothing: an exponential moving average, debiased like Adam's m̂
            s.average = smoothing_ * s.average + (1 - smoothing_) * s.y[i];
            ++s.averaged;
            values << s.average / (1 - std::pow(smoothing_, s.averaged));
        } else {
            values << s.y[i];
        }
    }
    s.shown->addData(keys, values, true);
    if (s.raw) s.raw->addData(keys, QVector<double>(s.y.begin() + static_cast<std::ptrdiff_t>(from), s.y.end()), true);
}

void LiveChart::appendPoints(int series, const std::vector<double>& x, const std::vector<double>& y) {
    Series* s = find(series);
    if (!s || x.empty()) return;
    const std::size_t from = s->x.size();
    s->x.insert(s->x.end(), x.begin(), x.end());
    s->y.insert(s->y.end(), y.begin(), y.begin() + static_cast<std::ptrdiff_t>(std::min(x.size(), y.size())));
    s->x.resize(s->y.size());
    appendShown(*s, from);
}

void LiveChart::setPoints(int series, const std::vector<double>& x, const std::vector<double>& y) {
    clearPoints(series);
    appendPoints(series, x, y);
}

void LiveChart::clearPoints(int series) {
    Series* s = find(series);
    if (!s) return;
    s->x.clear();
    s->y.clear();
    s->average = 0;
    s->averaged = 0;
    s->shown->data()->clear();
    if (s->raw) s->raw->data()->clear();
}

void LiveChart::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitTickCount();
}

void LiveChart::fitTickCount() {
    // As many step labels as fit with a gap between them: a small chart shows "200 400", never
    // "25005000".
    const int label = fontMetrics().horizontalAdvance(QStringLiteral("00000")) * 2;
    const int ticks = std::clamp(plot_->width() / std::max(1, label), 2, 6);
    if (plot_->xAxis->ticker()->tickCount() != ticks) plot_->xAxis->ticker()->setTickCount(ticks);
    const int rows = std::clamp(plot_->height() / std::max(1, fontMetrics().height() * 2), 2, options_.compact ? 3 : 6);
    if (plot_->yAxis->ticker()->tickCount() != rows) plot_->yAxis->ticker()->setTickCount(rows);
}

void LiveChart::addHeaderWidget(QWidget* widget) { header_->insertWidget(header_->count() - (logCheck_ ? 1 : 0), widget); }

QString LiveChart::legendText() const { return legendRow_ ? legendRow_->text() : QString(); }

QString LiveChart::title() const { return title_->text(); }

void LiveChart::setGuide(int series, std::optional<double> value, const QString& legendNote) {
    Series* s = find(series);
    if (!s) return;
    s->legendNote = value ? legendNote : QString();
    if (!value) {
        if (s->guide) plot_->removeItem(s->guide);
        s->guide = nullptr;
        return;
    }
    if (!s->guide) {
        s->guide = new QCPItemStraightLine(plot_);
        s->guide->setPen(QPen(s->colour, 1.5, Qt::DotLine));
        s->guide->setSelectable(false);
    }
    s->guide->point1->setCoords(0, *value);
    s->guide->point2->setCoords(1, *value);
    s->guide->setVisible(s->visible);
}

void LiveChart::setSeriesVisible(int series, bool visible) {
    Series* s = find(series);
    if (!s) return;
    s->visible = visible;
    s->shown->setVisible(visible);
    if (s->raw) s->raw->setVisible(visible);
    if (s->guide) s->guide->setVisible(visible);
    if (visible) {
        s->shown->addToLegend();
    } else {
        s->shown->removeFromLegend();
    }
}

void LiveChart::recomputeSmoothing() {
    for (auto& [id, s] : series_) {
        if (!s.smoothed) continue;
        s.shown->data()->clear();
        s.raw->data()->clear();
        s.average = 0;
        s.averaged = 0;
        appendShown(s, 0);
    }
}

void LiveChart::setSmoothing(double weight) {
    smoothing_ = std::clamp(weight, 0.0, 0.99);
    if (smoothingSlider_ && smoothingSlider_->value() != static_cast<int>(std::lround(smoothing_ * 100))) {
        smoothingSlider_->setValue(static_cast<int>(std::lround(smoothing_ * 100)));
    }
    recomputeSmoothing();
    refresh();
}

void LiveChart::setLogScale(bool on) {
    logScale_ = on;
    if (logCheck_ && logCheck_->isChecked() != on) logCheck_->setChecked(on);
    plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    plot_->yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog) : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    fitTickCount();  // the new ticker starts from its default count
    following_ = true;
    refresh();
}

void LiveChart::setMarker(std::optional<double> x) {
    marker_->setVisible(x.has_value());
    if (x) {
        marker_->point1->setCoords(*x, 0);
        marker_->point2->setCoords(*x, 1);
    }
}

void LiveChart::setXLabel(const QString& label) { plot_->xAxis->setLabel(label); }

void LiveChart::setTitle(const QString& title) {
    title_->setText(title);
    plot_->setAccessibleName(QTextDocumentFragment::fromHtml(title).toPlainText());  // what a screen reader calls the chart
}

void LiveChart::setMessage(const QString& text) {
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
}

void LiveChart::followNewPoints() {
    following_ = true;
    refresh();
}

void LiveChart::updateLegendRow() {
    if (!legendRow_) return;
    QStringList entries;
    for (const auto& [id, s] : series_) {
        if (!s.visible) continue;
        if (s.x.empty() && s.guide) {  // only a level: "┈┈ chance 50%"
            entries << QStringLiteral("<span style=\"color:%1; font-weight:900\">┈┈</span>&nbsp;%2 %3")
                           .arg(s.colour.name(), s.name.toHtmlEscaped(), s.legendNote.toHtmlEscaped());
            continue;
        }
        const bool dashed = s.shown->pen().style() != Qt::SolidLine;
        entries << QStringLiteral("<span style=\"color:%1; font-weight:900\">%2</span>&nbsp;%3")
                       .arg(s.colour.name(), dashed ? QStringLiteral("- - -") : QStringLiteral("━━"), s.name.toHtmlEscaped()) +
                   (s.legendNote.isEmpty() ? QString()
                                           : QStringLiteral(" <span style=\"color:%1\">┈ %2</span>")
                                                 .arg(s.colour.name(), s.legendNote.toHtmlEscaped()));
    }
    const QString text = entries.join(QStringLiteral("&nbsp;&nbsp;&nbsp; "));
    if (text == legendRow_->text()) return;  // laying out rich text again costs every frame
    legendRow_->setText(text);
    legendRow_->setVisible(!entries.isEmpty());
}

void LiveChart::refresh() {
    updateLegendRow();
    if (following_) {
        bool any = false;
        QCPRange keys, values;
        for (const auto& [id, s] : series_) {
            if (!s.visible || s.x.empty()) continue;
            bool found = false;
            const QCPRange k = s.shown->getKeyRange(found);
            if (!found) continue;
            const QCPRange v = (s.raw ? s.raw : s.shown)->getValueRange(found, QCP::sdBoth);
            if (!found) continue;
            if (!any) {
                keys = k;
                values = v;
                any = true;
            } else {
                keys.expand(k);
                values.expand(v);
            }
        }
        if (!any) {  // empty (at launch, or cleared): no range left over from earlier data
            plot_->xAxis->setRange(0, 1);
            if (options_.valueRange) {
                plot_->yAxis->setRange(options_.valueRange->first, options_.valueRange->second);
            } else {
                plot_->yAxis->setRange(0, 1);
            }
        }
        if (any) {
            if (keys.size() <= 0) keys = QCPRange(keys.lower - 1, keys.upper + 1);
            plot_->xAxis->setRange(keys);
            if (options_.valueRange) {
                plot_->yAxis->setRange(options_.valueRange->first, options_.valueRange->second);
            } else if (logScale_) {
                if (values.lower <= 0) values.lower = std::max(1e-6, values.upper * 1e-4);
                plot_->yAxis->setRange(values.lower / 1.15, values.upper * 1.15);
            } else {
                const double pad = std::max(1e-9, values.size() * 0.06);
                plot_->yAxis->setRange(values.lower - pad, values.upper + pad);
            }
        }
    }
    if (isVisible()) plot_->replot(QCustomPlot::rpQueuedReplot);
}

int LiveChart::pointCount(int series) const {
    const Series* s = find(series);
    return s ? s->shown->dataCount() : 0;
}

double LiveChart::pointKey(int series, int index) const {
    const Series* s = find(series);
    if (!s || index < 0 || index >= s->shown->dataCount()) return std::nan("");
    return s->shown->data()->at(index)->key;
}

double LiveChart::shownValue(int series, int index) const {
    const Series* s = find(series);
    if (!s || index < 0 || index >= s->shown->dataCount()) return std::nan("");
    return s->shown->data()->at(index)->value;
}

QString LiveChart::hoverText(double x) const {
    QStringList lines;
    const QLocale locale;
    double step = std::nan("");
    for (const auto& [id, s] : series_) {
        if (!s.visible || s.x.empty()) continue;
        // The point nearest to x.
        const auto at = std::lower_bound(s.x.begin(), s.x.end(), x);
        std::size_t i = static_cast<std::size_t>(at - s.x.begin());
        if (i == s.x.size() || (i > 0 && x - s.x[i - 1] < s.x[i] - x)) i = i == 0 ? 0 : i - 1;
        if (std::isnan(step)) step = s.x[i];
        QString value = locale.toString(s.shown->data()->at(static_cast<int>(i))->value, 'g', options_.valueDecimals + 2);
        if (s.smoothed && smoothing_ > 0) value += tr(" (raw %1)").arg(locale.toString(s.y[i], 'g', options_.valueDecimals + 2));
        lines << QStringLiteral("%1: %2").arg(s.name, value);
    }
    if (lines.isEmpty()) return {};
    return tr("Step %1").arg(locale.toString(static_cast<qlonglong>(std::llround(step)))) + QLatin1Char('\n') +
           lines.join(QLatin1Char('\n'));
}

void LiveChart::onMouseMove(QMouseEvent* event) {
    if (event->buttons() != Qt::NoButton) return;
    const double x = plot_->xAxis->pixelToCoord(event->position().x());
    const QString text = hoverText(x);
    if (text.isEmpty()) {
        QToolTip::hideText();
    } else {
        QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
    }
}

void LiveChart::applyFonts() {
    if (plot_) fitTickCount();
    QFont tick = font();
    tick.setPointSizeF(font().pointSizeF() * 0.75);
    QFont label = font();
    label.setPointSizeF(font().pointSizeF() * 0.78);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setTickLabelFont(tick);
        axis->setLabelFont(label);
    }
    plot_->legend->setFont(tick);
    if (legendRow_) legendRow_->setFont(tick);
    // Room for the tick labels, the axis title and a curve between them at any text size: at the
    // largest sizes the lesson scrolls rather than squash its charts flat.
    plot_->setMinimumHeight(QFontMetrics(tick).height() * 3 + QFontMetrics(label).height() + 40);
}

void LiveChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        applyFonts();
        plot_->replot();
    } else if (event->type() == QEvent::PaletteChange) {
        if (followTheme(*plot_, themeSeen_)) {
            for (auto& entry : series_) entry.second.colour = viewPalette().counterpart(entry.second.colour, previousViewPalette());
        }
        updateLegendRow();
        plot_->replot();
    }
    QWidget::changeEvent(event);
}

void LiveChart::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
    plot_->replot();
}

bool LiveChart::savePng(const QString& path, int width, int height) { return plot_->savePng(path, width, height, 1.0); }

bool LiveChart::savePdf(const QString& path, int width, int height) { return plot_->savePdf(path, width, height); }

}  // namespace pretrainlab::widgets
