#include "app/lessons/optimization/parameter_slider.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <algorithm>
#include <cmath>

namespace pretrainlab::app {

namespace {

constexpr int positions = 1000;

QString number(double value) { return QString::number(value, 'g', 4); }

}  // namespace

ParameterSlider::ParameterSlider(const QString& label, const QString& name, double low, double high, Scale scale,
                                 double initial, const QString& tip, QWidget* parent)
    : QWidget(parent), low_(low), high_(high), scale_(scale) {
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setObjectName(name);
    slider_->setRange(0, positions);
    slider_->setToolTip(tip);
    shown_ = new QLabel;
    shown_->setMinimumWidth(shown_->fontMetrics().horizontalAdvance(QStringLiteral("0.00001")));
    auto* title = new QLabel(label);
    title->setBuddy(slider_);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(title);
    row->addWidget(slider_, 1);
    row->addWidget(shown_);
    setValue(initial);
    connect(slider_, &QSlider::valueChanged, this, [this] {
        shown_->setText(number(value()));
        emit changed();
    });
}

double ParameterSlider::value() const {
    const double t = slider_->value() / double(positions);
    switch (scale_) {
        case Scale::Linear: return std::round((low_ + t * (high_ - low_)) * 1000) / 1000;
        case Scale::Log: {
            const double v = std::exp(std::log(low_) + t * (std::log(high_) - std::log(low_)));
            const double unit = std::pow(10.0, std::floor(std::log10(v)) - 1);
            return std::round(v / unit) * unit;
        }
        case Scale::Beta: return 1 - std::pow(10.0, -4 * t);
    }
    return 0;
}

void ParameterSlider::setValue(double v) {
    double t = 0;
    switch (scale_) {
        case Scale::Linear: t = (v - low_) / (high_ - low_); break;
        case Scale::Log: t = (std::log(v) - std::log(low_)) / (std::log(high_) - std::log(low_)); break;
        case Scale::Beta: t = -std::log10(std::max(1e-12, 1 - v)) / 4; break;
    }
    {
        const QSignalBlocker blocker(slider_);
        slider_->setValue(int(std::lround(std::clamp(t, 0.0, 1.0) * positions)));
    }
    shown_->setText(number(value()));
}

}  // namespace pretrainlab::app
