#include "widgets/tradeoff_chart.hpp"
#include "widgets/plot_palette.hpp"
#include "widgets/view_palette.hpp"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>

namespace pretrainlab::widgets {
TradeoffChart::TradeoffChart(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot;
    plot_->setObjectName(QStringLiteral("tradeoffPlot"));
    plot_->setAccessibleName(tr("Corpus length against vocabulary size"));
    plot_->setMinimumHeight(200);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->xAxis->setLabel(tr("Vocabulary size (tokens)"));
    plot_->yAxis->setLabel(tr("Tokens in the corpus"));
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(tr("Tokens per word"));

    followTheme(*plot_, themeSeen_);
    curve_ = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    curve_->setPen(QPen(viewPalette().accent, 3));
    curve_->setName(tr("corpus length"));
    point_ = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    point_->setLineStyle(QCPGraph::lsNone);
    point_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, viewPalette().marker, viewPalette().marker, 12));
    line_ = new QCPItemStraightLine(plot_);
    line_->setPen(QPen(viewPalette().marker, 2, Qt::DashLine));
    label_ = new QCPItemText(plot_);
    // Hung from the plot's top right corner: at large text it grows leftwards, inside the plot.
    label_->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    label_->position->setType(QCPItemPosition::ptAxisRectRatio);
    label_->position->setCoords(0.985, 0.03);
    label_->setPadding(QMargins(8, 6, 8, 6));
    label_->setBrush(QBrush(viewPalette().callout));
    label_->setPen(QPen(viewPalette().marker));
    // Tokens per word is the total over the number of words: the right axis follows the left.
    connect(plot_->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange& range) {
        const double words = samples_.empty() || samples_.front().tokensPerWord <= 0
                                 ? 1.0
                                 : samples_.front().totalTokens / samples_.front().tokensPerWord;
        plot_->yAxis2->setRange(range.lower / words, range.upper / words);
    });

    logScale_ = new QCheckBox(tr("&Logarithmic vocabulary axis"));
    logScale_->setObjectName(QStringLiteral("logScaleCheck"));
    logScale_->setToolTip(tr("Spread out the first merges, which save the most tokens"));
    connect(logScale_, &QCheckBox::toggled, this, [this](bool on) {
        plot_->xAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        plot_->xAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                                   : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        plot_->rescaleAxes();
        plot_->replot();
    });
    message_ = new QLabel;
    message_->setObjectName(QStringLiteral("tradeoffMessage"));
    message_->setProperty("role", QStringLiteral("muted"));
    message_->setWordWrap(true);

    auto* options = new QHBoxLayout;
    options->addWidget(logScale_);
    options->addStretch(1);
    options->addWidget(message_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(options);
    layout->addWidget(plot_, 1);
    applyFonts();
}

void TradeoffChart::applyFonts() {
    QFont tick = font();
    tick.setPointSizeF(font().pointSizeF() * 0.9);
    QFont label = font();
    label.setBold(true);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
        axis->setTickLabelFont(tick);
        axis->setLabelFont(label);
    }
    label_->setFont(font());
}

void TradeoffChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        applyFonts();
        plot_->replot();
    } else if (event->type() == QEvent::PaletteChange) {
        followTheme(*plot_, themeSeen_);
        plot_->replot();
    }
    QWidget::changeEvent(event);
}

void TradeoffChart::setCurve(const std::vector<TradeoffSample>& samples, const QString& name) {
    samples_ = samples;
    QVector<double> x;
    QVector<double> y;
    x.reserve(static_cast<qsizetype>(samples.size()));
    y.reserve(static_cast<qsizetype>(samples.size()));
    for (const TradeoffSample& sample : samples) {
        x << sample.vocabularySize;
        y << sample.totalTokens;
    }
    curve_->setData(x, y, true);
    curve_->setName(name);
    message_->setText(name);
    plot_->rescaleAxes();
    plot_->yAxis->setRangeLower(0);
    updateMarker();
}

void TradeoffChart::clear(const QString& message) {
    samples_.clear();
    curve_->data()->clear();
    point_->data()->clear();
    message_->setText(message);
    label_->setText(QString());
    if (isVisible()) plot_->replot();
}

int TradeoffChart::pointCount() const { return curve_->dataCount(); }

void TradeoffChart::setMarker(double vocabularySize) {
    marker_ = vocabularySize;
    updateMarker();
}

void TradeoffChart::updateMarker() {
    if (samples_.empty()) {
        if (isVisible()) plot_->replot();
        return;
    }
    // The sample at (or just before) the marked vocabulary size.
    auto it = std::upper_bound(samples_.begin(), samples_.end(), marker_,
                               [](double size, const TradeoffSample& sample) { return size < sample.vocabularySize; });
    const TradeoffSample& now = it == samples_.begin() ? samples_.front() : *std::prev(it);
    point_->setData({now.vocabularySize}, {now.totalTokens});
    line_->point1->setCoords(now.vocabularySize, 0);
    line_->point2->setCoords(now.vocabularySize, 1);
    const QLocale locale;
    label_->setText(tr("Now: %1 tokens in the vocabulary\n→ the corpus takes %2 tokens,\n%3 per word")
                        .arg(locale.toString(static_cast<qlonglong>(now.vocabularySize)),
                             locale.toString(static_cast<qlonglong>(now.totalTokens)),
                             locale.toString(now.tokensPerWord, 'f', 2)));
    // A hidden chart is brought up to date when it is shown.
    if (isVisible()) plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TradeoffChart::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    plot_->replot();
}

bool TradeoffChart::savePng(const QString& path) { return plot_->savePng(path, 1600, 900, 1.0); }

bool TradeoffChart::savePdf(const QString& path) { return plot_->savePdf(path, 1600, 900); }

}  // namespace pretrainlab::widgets
