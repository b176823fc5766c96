#include "core/nn/layers.hpp"

#include <cmath>

namespace pretrainlab::nn {

// ---- Linear ------------------------------------------------------------------------------------

template <typename S>
Linear Linear::create(Parameters<S>& parameters, const std::string& name, const std::string& group, Index in,
                      Index out) {
    Linear layer;
    layer.weight = parameters.add(name + ".weight", group, in, out);
    layer.bias = parameters.add(name + ".bias", group, 1, out);
    layer.in = in;
    layer.out = out;
    return layer;
}

template <typename S>
void Linear::forward(const Parameters<S>& p, In<S> x, Out<S> y) const {
    // y = x W + b
    y.rowwise() = p[bias].row(0);
    gemm<S>(S(1), x, false, p[weight], false, S(1), y);
}

template <typename S>
void Linear::backward(const Parameters<S>& p, Gradients<S>& g, In<S> x, In<S> dy,
                      Matrix<S>* dx, bool accumulate) const {
    // forward: y = x W + b
    gemm<S>(S(1), x, true, dy, false, S(1), p.in(g, weight));  // dW += xᵀ dy
    p.in(g, bias).row(0) += dy.colwise().sum();                  // db += Σ_rows dy
    if (dx) {
        if (!accumulate) dx->resize(dy.rows(), in);
        gemm<S>(S(1), dy, false, p[weight], true, accumulate ? S(1) : S(0), *dx);  // dx = dy Wᵀ
    }
}

// ---- LayerNorm ---------------------------------------------------------------------------------

template <typename S>
LayerNorm LayerNorm::create(Parameters<S>& parameters, const std::string& name, const std::string& group,
                            Index width) {
    LayerNorm layer;
    layer.gain = parameters.add(name + ".weight", group, 1, width);
    layer.bias = parameters.add(name + ".bias", group, 1, width);
    layer.width = width;
    parameters[layer.gain].setOnes();
    return layer;
}

template <typename S>
void LayerNorm::forward(const Parameters<S>& p, In<S> x, Matrix<S>& y, Cache<S>& cache) const {
    const Index n = x.rows();
    cache.normalized.resize(n, width);
    cache.inverseStd.resize(n);
    y.resize(n, width);
    const auto gamma = p[gain].row(0).array();
    const auto beta = p[bias].row(0).array();
    for (Index r = 0; r < n; ++r) {
        const auto row = x.row(r).array();
        const S mean = row.mean();
        const S variance = (row - mean).square().mean();
        const S inverse = S(1) / std::sqrt(variance + S(epsilon));
        cache.inverseStd[r] = inverse;
        cache.normalized.row(r).array() = (row - mean) * inverse;                 // x̂
        y.row(r).array() = cache.normalized.row(r).array() * gamma + beta;        // γ ⊙ x̂ + β
    }
}

template <typename S>
void LayerNorm::backward(const Parameters<S>& p, Gradients<S>& g, const Cache<S>& cache, In<S> dy,
                         Matrix<S>& dx, bool accumulate) const {
    // forward: y = γ ⊙ x̂ + β,  x̂ = (x − μ) / σ
    const Index n = dy.rows();
    if (!accumulate) dx.resize(n, width);
    auto dGamma = p.in(g, gain).row(0).array();
    auto dBeta = p.in(g, bias).row(0).array();
    const auto gamma = p[gain].row(0).array();
    const S inverseWidth = S(1) / S(width);
    for (Index r = 0; r < n; ++r) {
        const auto xHat = cache.normalized.row(r).array();
        const auto dyRow = dy.row(r).array();
        dGamma += dyRow * xHat;
        dBeta += dyRow;
        // dx = (1/σ) (dx̂ − mean(dx̂) − x̂ mean(dx̂ ⊙ x̂)),  dx̂ = dy ⊙ γ
        const auto dxHat = dyRow * gamma;
        const S meanDxHat = dxHat.sum() * inverseWidth;
        const S meanDxHatXHat = (dxHat * xHat).sum() * inverseWidth;
        if (accumulate) {
            dx.row(r).array() += (dxHat - meanDxHat - xHat * meanDxHatXHat) * cache.inverseStd[r];
        } else {
            dx.row(r).array() = (dxHat - meanDxHat - xHat * meanDxHatXHat) * cache.inverseStd[r];
        }
    }
}

// ---- GELU --------------------------------------------------------------------------------------

namespace {

constexpr double inverseSqrt2 = 0.70710678118654752440;
constexpr double inverseSqrt2Pi = 0.39894228040143267794;

// GELU for float, vectorised through Eigen and without allocating: the values go through in
// chunks that live on the stack. erf is Abramowitz & Stegun 7.1.26 (error below 1.5e-7, under
// float's own rounding); double (the gradient checks) uses the library's exact erf instead.
constexpr Index chunk = 256;
using Chunk = Eigen::Array<float, Eigen::Dynamic, 1, 0, chunk, 1>;

// erf(x) for a chunk, into `out`, and exp(−x²), which it needs, into `gauss`.
void erfChunk(const Chunk& x, Chunk& out, Chunk& gauss) {
    const Chunk t = (1.0f + 0.3275911f * x.abs()).inverse();
    out = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
    gauss = (-x.square()).exp();
    out = 1.0f - out * gauss;
    out = (x < 0.0f).select(-out, out);
}

// GELU'(x) in double, with the library's erf.
double geluSlope(double x) {
    return 0.5 * (1.0 + std::erf(x * inverseSqrt2)) + x * inverseSqrt2Pi * std::exp(-0.5 * x * x);
}

// Φ(h) into `cdf` and GELU'(h) = Φ(h) + h φ(h) into `slope`, for a chunk of h; φ(h) is
// exp(−(h/√2)²) / √(2π).
template <typename X>
void cdfAndSlope(const X& h, Chunk& cdf, Chunk& slope) {
    erfChunk(h * float(inverseSqrt2), cdf, slope);
    cdf = 0.5f * (1.0f + cdf);
    slope = cdf + h * (float(inverseSqrt2Pi) * slope);
}

// The tanh form: ½ (1 + tanh u) with u = √(2/π) (h + 0.044715 h³) into `half` (so GELU = h · half),
// and its slope ½ (1 + tanh u) + ½ h (1 − tanh² u) √(2/π) (1 + 3 · 0.044715 h²) into `slope`.
constexpr double sqrt2OverPi = 0.79788456080286535588;
constexpr double tanhCubic = 0.044715;

// Through e = exp(−2|u|), which float keeps to its relative precision at any u: ½ (1 + tanh u) is
// 1 / (1 + e) for u ≥ 0 and e / (1 + e) below, and 1 − tanh² u = 4 e / (1 + e)², so neither
// subtracts nearly equal numbers where tanh u is close to ±1.
template <typename X>
void tanhHalfAndSlope(const X& h, Chunk& half, Chunk& slope) {
    const Chunk square = h.square();
    const Chunk u = float(sqrt2OverPi) * h * (1.0f + float(tanhCubic) * square);
    const Chunk e = (-2.0f * u.abs()).exp();
    const Chunk inverse = (1.0f + e).inverse();
    half = (u >= 0.0f).select(inverse, e * inverse);
    slope = half + 2.0f * h * e * inverse.square() * float(sqrt2OverPi) * (1.0f + float(3 * tanhCubic) * square);
}

double tanhGelu(double x) { return 0.5 * x * (1.0 + std::tanh(sqrt2OverPi * (x + tanhCubic * x * x * x))); }

double tanhGeluSlope(double x) {
    const double t = std::tanh(sqrt2OverPi * (x + tanhCubic * x * x * x));
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * sqrt2OverPi * (1.0 + 3 * tanhCubic * x * x);
}

// Φ(h) (or the tanh form's ½ (1 + tanh u)) and the slope for a chunk of h.
template <typename X>
void gateAndSlope(const X& h, Chunk& gate, Chunk& slope, GeluForm form) {
    if (form == GeluForm::Tanh) tanhHalfAndSlope(h, gate, slope);
    else cdfAndSlope(h, gate, slope);
}

}  // namespace

template <>
void geluForward<float>(const Matrix<float>& h, Matrix<float>& y, Matrix<float>* slope, GeluForm form) {
    y.resize(h.rows(), h.cols());
    if (slope) slope->resize(h.rows(), h.cols());
    const Index size = h.size();
    Chunk gate, derivative;
    for (Index start = 0; start < size; start += chunk) {
        const Index n = std::min(chunk, size - start);
        const auto x = Eigen::Map<const Eigen::ArrayXf>(h.data() + start, n);
        gateAndSlope(x, gate, derivative, form);
        Eigen::Map<Eigen::ArrayXf>(y.data() + start, n) = x * gate;  // h Φ(h)
        if (slope) Eigen::Map<Eigen::ArrayXf>(slope->data() + start, n) = derivative;
    }
}

template <>
void geluBackward<float>(const Matrix<float>& h, const Matrix<float>& dy, Matrix<float>& dh, const Matrix<float>* slope,
                         GeluForm form) {
    dh.resize(h.rows(), h.cols());
    if (slope) {
        dh.array() = dy.array() * slope->array();
        return;
    }
    const Index size = h.size();
    Chunk gate, derivative;
    for (Index start = 0; start < size; start += chunk) {
        const Index n = std::min(chunk, size - start);
        gateAndSlope(Eigen::Map<const Eigen::ArrayXf>(h.data() + start, n), gate, derivative, form);
        Eigen::Map<Eigen::ArrayXf>(dh.data() + start, n) = Eigen::Map<const Eigen::ArrayXf>(dy.data() + start, n) * derivative;
    }
}

template <>
void geluForward<double>(const Matrix<double>& h, Matrix<double>& y, Matrix<double>* slope, GeluForm form) {
    if (form == GeluForm::Tanh) {
        y = h.unaryExpr([](double x) { return tanhGelu(x); });
        if (slope) *slope = h.unaryExpr([](double x) { return tanhGeluSlope(x); });
        return;
    }
    y = h.unaryExpr([](double x) { return 0.5 * x * (1.0 + std::erf(x * inverseSqrt2)); });
    if (slope) *slope = h.unaryExpr([](double x) { return geluSlope(x); });
}

template <>
void geluBackward<double>(const Matrix<double>& h, const Matrix<double>& dy, Matrix<double>& dh, const Matrix<double>* slope,
                          GeluForm form) {
    if (slope) {
        dh = dy.cwiseProduct(*slope);
        return;
    }
    if (form == GeluForm::Tanh) {
        dh = h.binaryExpr(dy, [](double x, double d) { return d * tanhGeluSlope(x); });
        return;
    }
    dh = h.binaryExpr(dy, [](double x, double d) { return d * geluSlope(x); });
}

// ---- Dropout -----------------------------------------------------------------------------------

template <typename S>
void Dropout<S>::forward(Matrix<S>& x, std::mt19937_64& random) {
    if (rate <= 0) return;
    std::bernoulli_distribution kept(1.0 - rate);
    const S scale = S(1.0 / (1.0 - rate));
    keep.resize(x.rows(), x.cols());
    for (Index i = 0; i < keep.size(); ++i) keep.data()[i] = kept(random) ? scale : S(0);
    x.array() *= keep.array();
}

template <typename S>
void Dropout<S>::backward(Matrix<S>& dx) const {
    if (rate <= 0) return;
    dx.array() *= keep.array();
}

// ---- Softmax -----------------------------------------------------------------------------------

template <typename S>
void softmaxRow(S* row, Index allowed, Index width) {
    Eigen::Map<RowVector<S>> values(row, width);
    if (allowed <= 0) {
        values.setZero();
        return;
    }
    auto kept = values.head(allowed).array();
    const S largest = kept.maxCoeff();
    kept = (kept - largest).exp();
    kept /= kept.sum();
    values.tail(width - allowed).setZero();
}

template Linear Linear::create<float>(Parameters<float>&, const std::string&, const std::string&, Index, Index);
template Linear Linear::create<double>(Parameters<double>&, const std::string&, const std::string&, Index, Index);
template void Linear::forward<float>(const Parameters<float>&, ConstMatrixRef<float>, MatrixRef<float>) const;
template void Linear::forward<double>(const Parameters<double>&, ConstMatrixRef<double>, MatrixRef<double>) const;
template void Linear::backward<float>(const Parameters<float>&, Gradients<float>&, ConstMatrixRef<float>,
                                      ConstMatrixRef<float>, Matrix<float>*, bool) const;
template void Linear::backward<double>(const Parameters<double>&, Gradients<double>&, ConstMatrixRef<double>,
                                       ConstMatrixRef<double>, Matrix<double>*, bool) const;
template LayerNorm LayerNorm::create<float>(Parameters<float>&, const std::string&, const std::string&, Index);
template LayerNorm LayerNorm::create<double>(Parameters<double>&, const std::string&, const std::string&, Index);
template void LayerNorm::forward<float>(const Parameters<float>&, ConstMatrixRef<float>, Matrix<float>&,
                                        Cache<float>&) const;
template void LayerNorm::forward<double>(const Parameters<double>&, ConstMatrixRef<double>, Matrix<double>&,
                                         Cache<double>&) const;
template void LayerNorm::backward<float>(const Parameters<float>&, Gradients<float>&, const Cache<float>&,
                                         ConstMatrixRef<float>, Matrix<float>&, bool) const;
template void LayerNorm::backward<double>(const Parameters<double>&, Gradients<double>&, const Cache<double>&,
                                          ConstMatrixRef<double>, Matrix<double>&, bool) const;
template struct Dropout<float>;
template struct Dropout<double>;
template void softmaxRow<float>(float*, Index, Index);
template void softmaxRow<double>(double*, Index, Index);

}  // namespace pretrainlab::nn
