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

// erf for float, vectorised with Eigen's exp: Abramowitz & Stegun 7.1.26, error below 1.5e-7,
// under float's own rounding. Double (the gradient checks) uses the library's exact erf.
using FloatArray = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

FloatArray fastErf(const FloatArray& x) {
    const FloatArray t = (1.0f + 0.3275911f * x.abs()).inverse();
    const FloatArray polynomial =
        ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
    const FloatArray magnitude = 1.0f - polynomial * (-x.square()).exp();
    return (x < 0.0f).select(-magnitude, magnitude);
}

}  // namespace

template <>
void geluForward<float>(const Matrix<float>& h, Matrix<float>& y) {
    y.resize(h.rows(), h.cols());
    const FloatArray erf = fastErf(h.array() * float(inverseSqrt2));
    y.array() = 0.5f * h.array() * (1.0f + erf);
}

template <>
void geluBackward<float>(const Matrix<float>& h, const Matrix<float>& dy, Matrix<float>& dh) {
    dh.resize(h.rows(), h.cols());
    const FloatArray cdf = 0.5f * (1.0f + fastErf(h.array() * float(inverseSqrt2)));
    dh.array() = dy.array() * (cdf + h.array() * float(inverseSqrt2Pi) * (-0.5f * h.array().square()).exp());
}

template <>
void geluForward<double>(const Matrix<double>& h, Matrix<double>& y) {
    y = h.unaryExpr([](double x) { return 0.5 * x * (1.0 + std::erf(x * inverseSqrt2)); });
}

template <>
void geluBackward<double>(const Matrix<double>& h, const Matrix<double>& dy, Matrix<double>& dh) {
    dh = h.binaryExpr(dy, [](double x, double d) {
        const double cdf = 0.5 * (1.0 + std::erf(x * inverseSqrt2));
        const double pdf = inverseSqrt2Pi * std::exp(-0.5 * x * x);
        return d * (cdf + x * pdf);
    });
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
