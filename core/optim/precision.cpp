#include "core/optim/precision.hpp"

#include <cmath>
#include <limits>

#include <Eigen/Core>

namespace pretrainlab::optim {

std::string_view formatName(NumberFormat format) {
    switch (format) {
        case NumberFormat::Fp32: return "fp32";
        case NumberFormat::Fp16: return "fp16";
        case NumberFormat::Bf16: return "bf16";
    }
    return "fp32";
}

std::optional<NumberFormat> parseFormat(std::string_view name) {
    for (const NumberFormat format : {NumberFormat::Fp32, NumberFormat::Fp16, NumberFormat::Bf16}) {
        if (formatName(format) == name) return format;
    }
    return std::nullopt;
}

float roundTo(NumberFormat format, float value) {
    switch (format) {
        case NumberFormat::Fp32: return value;
        case NumberFormat::Fp16: return static_cast<float>(Eigen::half(value));
        case NumberFormat::Bf16: return static_cast<float>(Eigen::bfloat16(value));
    }
    return value;
}

FormatRange formatRange(NumberFormat format) {
    switch (format) {
        case NumberFormat::Fp32:
            return {std::numeric_limits<float>::max(), std::numeric_limits<float>::min(),
                    std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::epsilon(), 23};
        case NumberFormat::Fp16: return {65504.0, std::ldexp(1.0, -14), std::ldexp(1.0, -24), std::ldexp(1.0, -10), 10};
        case NumberFormat::Bf16:
            return {3.3895313892515355e38, std::ldexp(1.0, -126), std::ldexp(1.0, -133), std::ldexp(1.0, -7), 7};
    }
    return {};
}

LossScaler::LossScaler(double initialScale, std::size_t growthInterval, bool dynamic)
    : scale_(initialScale), growthInterval_(growthInterval), dynamic_(dynamic) {}

bool LossScaler::update(bool overflowed) {
    if (overflowed) {
        ++skipped_;
        goodSteps_ = 0;
        if (dynamic_) scale_ = std::max(scale_ / 2, 1.0 / 65536.0);
        return false;
    }
    if (dynamic_ && ++goodSteps_ >= growthInterval_) {
        goodSteps_ = 0;
        scale_ *= 2;
    }
    return true;
}

Log2Histogram log2Histogram(const float* values, std::size_t count, int low, int high) {
    Log2Histogram h;
    h.low = low;
    h.counts.assign(std::size_t(high - low), 0);
    for (std::size_t i = 0; i < count; ++i) {
        const float x = std::abs(values[i]);
        ++h.total;
        if (x == 0 || !std::isfinite(x)) {
            h.zeros += x == 0 ? 1 : 0;
            continue;
        }
        const int exponent = std::ilogb(x);
        const int bin = std::clamp(exponent, low, high - 1) - low;
        ++h.counts[std::size_t(bin)];
    }
    return h;
}

CastCounts castCounts(const float* values, std::size_t count, NumberFormat format, double scale) {
    CastCounts c;
    for (std::size_t i = 0; i < count; ++i) {
        if (values[i] == 0.0f || !std::isfinite(values[i])) continue;
        ++c.nonzero;
        const float stored = roundTo(format, static_cast<float>(double(values[i]) * scale));
        if (stored == 0.0f) ++c.underflow;
        else if (std::isinf(stored)) ++c.overflow;
    }
    return c;
}

}  // namespace pretrainlab::optim
