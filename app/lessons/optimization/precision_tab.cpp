#include "app/lessons/optimization/precision_tab.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>

#include "app/jobs/background_job.hpp"
#include "app/lessons/optimization/experiment_view.hpp"
#include "app/lessons/optimization/lesson_state.hpp"
#include "app/lessons/side_column.hpp"
#include "app/lessons/token_html.hpp"
#include "core/optim/precision.hpp"
#include "widgets/log_histogram.hpp"

namespace pretrainlab::app {
namespace {

QString g(double value) { return QString::number(value, 'g', 3); }

constexpr int histogramLow = -40;
constexpr int histogramHigh = 24;

}  // namespace

PrecisionTab::PrecisionTab(OptimizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("precisionTab"));
    // A small HTML table over the histogram: the side column is too narrow for its numbers.
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='2'><tr><th></th><th align='right'>fp32</th>"
                                  "<th align='right'>fp16</th><th align='right'>bf16</th></tr>");
    const QString rows[] = {tr("largest"), tr("min normal"), tr("smallest"), tr("ε")};
    for (int row = 0; row < 4; ++row) {
        html += QStringLiteral("<tr><td>%1</td>").arg(rows[row]);
        for (const optim::NumberFormat f : {optim::NumberFormat::Fp32, optim::NumberFormat::Fp16, optim::NumberFormat::Bf16}) {
            const optim::FormatRange r = optim::formatRange(f);
            const double cells[] = {r.largest, r.smallestNormal, r.smallest, r.epsilon};
            html += QStringLiteral("<td align='right'>&nbsp;%1</td>").arg(QString::number(cells[row], 'g', 2));
        }
        html += QStringLiteral("</tr>");
    }
    formats_ = new QLabel(html + QStringLiteral("</table>"));
    formats_->setObjectName(QStringLiteral("formatTable"));
    formats_->setToolTip(tr("ε: the gap between 1 and the next number, the relative precision"));
    const float step = 1.0f + 1.0f / 256.0f;
    formatNote_ = wrappedLabel(tr("bf16 keeps fp32's range but only %1 fraction bits: 1 + 1/256 is stored as %2 in bf16 and "
                                  "%3 in fp16. fp16 keeps %4 fraction bits but overflows above %5.")
                                   .arg(optim::formatRange(optim::NumberFormat::Bf16).mantissaBits)
                                   .arg(g(optim::roundTo(optim::NumberFormat::Bf16, step)))
                                   .arg(QString::number(double(optim::roundTo(optim::NumberFormat::Fp16, step)), 'g', 8))
                                   .arg(optim::formatRange(optim::NumberFormat::Fp16).mantissaBits)
                                   .arg(optim::formatRange(optim::NumberFormat::Fp16).largest),
                               true);
    sample_ = new QPushButton(tr("&Take a gradient"));
    sample_->setObjectName(QStringLiteral("sampleGradient"));
    sample_->setToolTip(tr("Train the tiny decoder 200 steps, then keep the gradient of one more batch"));
    scale_ = new QSlider(Qt::Horizontal);
    scale_->setObjectName(QStringLiteral("lossScale"));
    scale_->setRange(0, 32);
    scale_->setValue(0);
    scale_->setToolTip(tr("The loss scale S = 2^k: the gradients are S times larger in fp16"));
    scaleLabel_ = new QLabel;
    auto* scaleRow = new QHBoxLayout;
    scaleRow->addWidget(new QLabel(tr("Loss scale")));
    scaleRow->addWidget(scale_, 1);
    scaleRow->addWidget(scaleLabel_);
    cast_ = wrappedLabel({});
    cast_->setObjectName(QStringLiteral("castCounts"));
    experiment_ = new ExperimentView(state_, {"precision"}, ExperimentView::Second::LossScale);
    auto* side = new SideColumn(tr("Half precision halves memory and is faster on GPUs, but its range is narrow."),
                                {formatNote_, sample_, asWidget(scaleRow), cast_, experiment_->choiceBox(), experiment_->questionLabel(), experiment_->runButton(), experiment_->verdictLabel()}, 28);
    histogram_ = new widgets::LogHistogram;
    histogram_->setObjectName(QStringLiteral("gradientHistogram"));
    auto* views = new QVBoxLayout;
    views->addWidget(formats_, 0, Qt::AlignLeft);  // beside the column, where its numbers have room
    views->addWidget(histogram_, 2);
    views->addWidget(experiment_, 3);
    placeBeside(this, side, views);

    connect(sample_, &QPushButton::clicked, this, [this] { state_.startGradientSample(200); });
    connect(scale_, &QSlider::valueChanged, this, &PrecisionTab::redrawHistogram);
    connect(&state_, &OptimizationState::gradientChanged, this, &PrecisionTab::redrawHistogram);
    connect(&state_.job(), &BackgroundJob::started, this, [this] { sample_->setEnabled(false); });
    connect(&state_.job(), &BackgroundJob::finished, this, [this] { sample_->setEnabled(true); });
    redrawHistogram();
}

void PrecisionTab::setScaleExponent(int exponent) { scale_->setValue(exponent); }

QString PrecisionTab::castText() const { return cast_->text(); }

void PrecisionTab::redrawHistogram() {
    const int k = scale_->value();
    const double scale = std::ldexp(1.0, k);
    scaleLabel_->setText(QStringLiteral("2^%1").arg(k));
    const optim::FormatRange half = optim::formatRange(optim::NumberFormat::Fp16);
    const double lostBelow = std::log2(half.smallest) - 1;  // half the smallest subnormal rounds to 0
    const double lostAbove = std::log2(half.largest);
    histogram_->setMarkers({{std::log2(half.smallest), tr("fp16 smallest 2⁻²⁴")},
                            {std::log2(half.smallestNormal), tr("smallest normal 2⁻¹⁴")},
                            {lostAbove, tr("largest 65504")}},
                           lostBelow, lostAbove);
    const std::optional<optimlab::GradientSample>& sample = state_.gradient();
    if (!sample) {
        histogram_->setTitle(tr("Take a gradient to see where its values fall against fp16's range."));
        histogram_->setBins(histogramLow, std::vector<double>(std::size_t(histogramHigh - histogramLow), 0.0));
        cast_->setText({});
        return;
    }
    std::vector<float> scaled(sample->values.begin(), sample->values.end());
    for (float& v : scaled) v = static_cast<float>(double(v) * scale);
    const optim::Log2Histogram h = optim::log2Histogram(scaled.data(), scaled.size(), histogramLow, histogramHigh);
    histogram_->setBins(h.low, std::vector<double>(h.counts.begin(), h.counts.end()));
    histogram_->setTitle(tr("The tiny decoder's gradient after %1 steps (%2 values), × %3")
                             .arg(sample->steps)
                             .arg(QLocale().toString(qulonglong(sample->values.size())))
                             .arg(QStringLiteral("2^%1").arg(k)));
    const optim::CastCounts c = optim::castCounts(sample->values.data(), sample->values.size(), optim::NumberFormat::Fp16, scale);
    const double share = c.nonzero ? 100.0 * double(c.underflow) / double(c.nonzero) : 0.0;
    cast_->setText(tr("In fp16 at scale 2^%1: %2 of %3 nonzero gradients (%4%) underflow to 0; %5 overflow to ∞%6.")
                       .arg(k)
                       .arg(QLocale().toString(qulonglong(c.underflow)), QLocale().toString(qulonglong(c.nonzero)))
                       .arg(QLocale().toString(share, 'f', 2))
                       .arg(QLocale().toString(qulonglong(c.overflow)))
                       .arg(c.overflow > 0 ? tr(" (the step would be skipped and the scale halved)") : QString()));
}

}  // namespace pretrainlab::app
