#pragma once

// Number formats of mixed-precision training, emulated: a float rounded to IEEE half precision
// (fp16) or to bfloat16 the way the hardware converts (round to nearest, ties to even; too large
// becomes infinity, too small zero), their ranges, and the dynamic loss scaler that keeps small
// fp16 gradients from underflowing.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace pretrainlab::optim {

enum class NumberFormat { Fp32, Fp16, Bf16 };

std::string_view formatName(NumberFormat format);  // "fp32", "fp16", "bf16"
std::optional<NumberFormat> parseFormat(std::string_view name);

// `value` as the format stores it, back in float (fp32: unchanged).
float roundTo(NumberFormat format, float value);

struct FormatRange {
    double largest = 0;         // the largest finite value
    double smallestNormal = 0;  // below it precision thins out (subnormals)
    double smallest = 0;        // the smallest positive value (subnormal); half of it rounds to 0
    double epsilon = 0;         // the gap between 1 and the next value: the relative precision
    int mantissaBits = 0;       // stored fraction bits
};
FormatRange formatRange(NumberFormat format);

// Dynamic loss scaling: multiply the loss by `scale` before backward so small gradients survive
// fp16; a step whose gradients overflow is skipped and the scale halves; after `growthInterval`
// good steps in a row the scale doubles.
class LossScaler {
public:
    explicit LossScaler(double initialScale = 65536.0, std::size_t growthInterval = 2000, bool dynamic = true);

    double scale() const { return scale_; }
    // After a backward pass: true when the step may be taken (no overflow); updates the scale.
    bool update(bool overflowed);
    std::size_t skipped() const { return skipped_; }
    std::size_t goodSteps() const { return goodSteps_; }
    // A saved run's scaler as it was.
    void restore(double scale, std::size_t goodSteps, std::size_t skipped) {
        scale_ = scale;
        goodSteps_ = goodSteps;
        skipped_ = skipped;
    }
    bool dynamic() const { return dynamic_; }

private:
    double scale_;
    std::size_t growthInterval_;
    bool dynamic_;
    std::size_t goodSteps_ = 0;
    std::size_t skipped_ = 0;
};

// How many values of each power of two: bin i holds |x| in [2^(low + i), 2^(low + i + 1)); zeros are
// counted apart. For drawing gradients against a format's range.
struct Log2Histogram {
    int low = -40;
    std::vector<std::size_t> counts;
    std::size_t zeros = 0;
    std::size_t total = 0;
};
Log2Histogram log2Histogram(const float* values, std::size_t count, int low = -40, int high = 8);

// What becomes of values multiplied by `scale` and stored in `format`: how many were not zero and
// became zero (underflow), and how many became infinite (overflow).
struct CastCounts {
    std::size_t underflow = 0;
    std::size_t overflow = 0;
    std::size_t nonzero = 0;  // values that were not zero before
};
CastCounts castCounts(const float* values, std::size_t count, NumberFormat format, double scale = 1.0);

}  // namespace pretrainlab::optim
