#include "core/finetune/bag_of_words.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

namespace pretrainlab::finetune {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// ---- features ----

BagOfWordsFeatures::BagOfWordsFeatures(const Task& task, const std::vector<Example>& labelled) : task_(task) {
    const auto add = [this](const std::string& text) {
        std::istringstream in(text);
        for (std::string word; in >> word;) index_.emplace(word, index_.size());
    };
    for (const Example& e : labelled) {
        add(e.text);
        add(e.second);
        for (const std::string& ending : e.choices) add(ending);
    }
}

std::size_t BagOfWordsFeatures::width() const {
    const bool twoBlocks = task_.form == TaskForm::Pair || task_.form == TaskForm::MultipleChoice;
    return (twoBlocks ? 2 : 1) * std::max<std::size_t>(1, index_.size());
}

void BagOfWordsFeatures::count(const std::string& text, Eigen::Ref<Eigen::RowVectorXd> row) const {
    std::istringstream in(text);
    for (std::string word; in >> word;) {
        if (const auto it = index_.find(word); it != index_.end()) row(Index(it->second)) += 1.0;
    }
}

MatrixXd BagOfWordsFeatures::rows(const std::vector<Example>& examples, std::vector<int>* labels) const {
    const Index words = Index(std::max<std::size_t>(1, index_.size()));
    std::vector<Eigen::RowVectorXd> out;
    for (const Example& e : examples) {
        switch (task_.form) {
            case TaskForm::Single: {
                Eigen::RowVectorXd row = Eigen::RowVectorXd::Zero(Index(width()));
                count(e.text, row);
                out.push_back(row);
                if (labels) labels->push_back(e.label);
                break;
            }
            case TaskForm::Pair: {
                Eigen::RowVectorXd row = Eigen::RowVectorXd::Zero(Index(width()));
                count(e.text, row.head(words));
                count(e.second, row.tail(words));
                out.push_back(row);
                if (labels) labels->push_back(e.label);
                break;
            }
            case TaskForm::Tagging: {
                std::istringstream in(e.text);
                std::size_t i = 0;
                for (std::string word; in >> word; ++i) {
                    Eigen::RowVectorXd row = Eigen::RowVectorXd::Zero(Index(width()));
                    count(word, row);
                    out.push_back(row);
                    if (labels) labels->push_back(e.tags.at(i));
                }
                break;
            }
            case TaskForm::MultipleChoice: {
                for (const std::string& ending : e.choices) {
                    Eigen::RowVectorXd row = Eigen::RowVectorXd::Zero(Index(width()));
                    count(e.text, row.head(words));
                    count(ending, row.tail(words));
                    out.push_back(row);
                }
                if (labels) labels->push_back(e.label);
                break;
            }
        }
    }
    MatrixXd x(Index(out.size()), Index(width()));
    for (std::size_t r = 0; r < out.size(); ++r) x.row(Index(r)) = out[r];
    return x;
}

// ---- the network ----

namespace {

// Where each matrix sits in theta: [W₁ b₁] W₂ b₂ (W₁ and b₁ only with a hidden layer), column-major.
struct Layout {
    Index w1 = 0, b1 = 0, w2 = 0, b2 = 0, total = 0;
};

Layout layoutOf(std::size_t inputs, std::size_t hidden, std::size_t outputs) {
    Layout l;
    const Index in = Index(inputs), h = Index(hidden), out = Index(outputs);
    const Index last = hidden > 0 ? h : in;  // what the output layer reads
    l.w1 = 0;
    l.b1 = hidden > 0 ? in * h : 0;
    l.w2 = hidden > 0 ? l.b1 + h : 0;
    l.b2 = l.w2 + last * out;
    l.total = l.b2 + out;
    return l;
}

// Row-wise softmax of `logits`.
MatrixXd softmaxRows(const MatrixXd& logits) {
    MatrixXd p = logits;
    for (Index r = 0; r < p.rows(); ++r) {
        p.row(r).array() -= p.row(r).maxCoeff();
        p.row(r) = p.row(r).array().exp();
        p.row(r) /= p.row(r).sum();
    }
    return p;
}

}  // namespace

SoftmaxNet::SoftmaxNet(std::size_t inputs, std::size_t hidden, std::size_t outputs, std::size_t choices,
                       std::uint64_t seed)
    : inputs_(inputs), hidden_(hidden), outputs_(outputs), choices_(choices) {
    const Layout l = layoutOf(inputs, hidden, outputs);
    theta_ = VectorXd::Zero(l.total);
    std::mt19937_64 random(seed);
    // Glorot-scaled normal weights, zero biases.
    const auto fill = [&](Index at, Index rows, Index cols) {
        std::normal_distribution<double> normal(0.0, std::sqrt(2.0 / double(rows + cols)));
        for (Index i = 0; i < rows * cols; ++i) theta_(at + i) = normal(random);
    };
    if (hidden > 0) fill(l.w1, Index(inputs), Index(hidden));
    fill(l.w2, Index(hidden > 0 ? hidden : inputs), Index(outputs));
}

MatrixXd SoftmaxNet::logits(const MatrixXd& x) const {
    const Layout l = layoutOf(inputs_, hidden_, outputs_);
    const Index in = Index(inputs_), h = Index(hidden_), out = Index(outputs_);
    const Eigen::Map<const MatrixXd> w2(theta_.data() + l.w2, hidden_ > 0 ? h : in, out);
    const Eigen::Map<const Eigen::RowVectorXd> b2(theta_.data() + l.b2, out);
    if (hidden_ == 0) return (x * w2).rowwise() + b2;
    const Eigen::Map<const MatrixXd> w1(theta_.data() + l.w1, in, h);
    const Eigen::Map<const Eigen::RowVectorXd> b1(theta_.data() + l.b1, h);
    const MatrixXd a = ((x * w1).rowwise() + b1).array().tanh().matrix();
    return (a * w2).rowwise() + b2;
}

MatrixXd SoftmaxNet::grouped(const MatrixXd& logits) const {
    if (choices_ == 0) return logits;
    const Index questions = logits.rows() / Index(choices_);
    MatrixXd out(questions, Index(choices_));
    for (Index q = 0; q < questions; ++q) {
        for (Index c = 0; c < Index(choices_); ++c) out(q, c) = logits(q * Index(choices_) + c, 0);
    }
    return out;
}

MatrixXd SoftmaxNet::probabilities(const MatrixXd& x) const { return softmaxRows(grouped(logits(x))); }

double SoftmaxNet::loss(const MatrixXd& x, const std::vector<int>& labels, VectorXd* gradient) const {
    const Layout l = layoutOf(inputs_, hidden_, outputs_);
    const Index in = Index(inputs_), h = Index(hidden_), out = Index(outputs_);
    const Eigen::Map<const MatrixXd> w1(theta_.data() + l.w1, in, h);
    const Eigen::Map<const Eigen::RowVectorXd> b1(theta_.data() + l.b1, h);
    const Eigen::Map<const MatrixXd> w2(theta_.data() + l.w2, hidden_ > 0 ? h : in, out);
    const Eigen::Map<const Eigen::RowVectorXd> b2(theta_.data() + l.b2, out);

    const MatrixXd a = hidden_ > 0 ? MatrixXd(((x * w1).rowwise() + b1).array().tanh().matrix()) : MatrixXd();
    const MatrixXd& last = hidden_ > 0 ? a : x;
    const MatrixXd z = (last * w2).rowwise() + b2;
    const MatrixXd p = softmaxRows(grouped(z));
    const double n = double(labels.size());
    double total = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) total -= std::log(std::max(p(Index(i), labels[i]), 1e-300));
    if (!gradient) return total / n;

    // d loss / d grouped logits = (p - onehot) / n, then back to each row's outputs.
    MatrixXd dGrouped = p;
    for (std::size_t i = 0; i < labels.size(); ++i) dGrouped(Index(i), labels[i]) -= 1.0;
    dGrouped /= n;
    MatrixXd dz(z.rows(), z.cols());
    if (choices_ == 0) {
        dz = dGrouped;
    } else {
        for (Index q = 0; q < dGrouped.rows(); ++q) {
            for (Index c = 0; c < Index(choices_); ++c) dz(q * Index(choices_) + c, 0) = dGrouped(q, c);
        }
    }
    gradient->setZero(l.total);
    Eigen::Map<MatrixXd>(gradient->data() + l.w2, last.cols(), out) = last.transpose() * dz;
    Eigen::Map<Eigen::RowVectorXd>(gradient->data() + l.b2, out) = dz.colwise().sum();
    if (hidden_ > 0) {
        const MatrixXd da = (dz * w2.transpose()).array() * (1.0 - a.array().square());
        Eigen::Map<MatrixXd>(gradient->data() + l.w1, in, h) = x.transpose() * da;
        Eigen::Map<Eigen::RowVectorXd>(gradient->data() + l.b1, h) = da.colwise().sum();
    }
    return total / n;
}

// ---- training ----

double bagOfWordsAccuracy(const Task& task, const std::vector<Example>& labelled, const BagOfWordsOptions& options) {
    const BagOfWordsFeatures features(task, labelled);
    const bool choice = task.form == TaskForm::MultipleChoice;
    const std::size_t choices = choice ? labelled.front().choices.size() : 0;
    SoftmaxNet net(features.width(), options.hidden, choice ? 1 : task.labels.size(), choices, options.seed);

    // Rows grouped by what one label covers (a question's endings stay together).
    std::vector<int> labels;
    const MatrixXd x = features.rows(labelled, &labels);
    const Index perLabel = choice ? Index(choices) : 1;
    std::vector<std::size_t> order(labels.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::mt19937_64 random(options.seed);

    const Layout l = layoutOf(features.width(), options.hidden, choice ? 1 : task.labels.size());
    VectorXd m = VectorXd::Zero(l.total), v = VectorXd::Zero(l.total), gradient;
    std::size_t step = 0;
    constexpr double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), random);
        for (std::size_t start = 0; start < order.size(); start += options.batch) {
            const std::size_t count = std::min(options.batch, order.size() - start);
            MatrixXd xb(Index(count) * perLabel, x.cols());
            std::vector<int> yb(count);
            for (std::size_t i = 0; i < count; ++i) {
                xb.middleRows(Index(i) * perLabel, perLabel) = x.middleRows(Index(order[start + i]) * perLabel, perLabel);
                yb[i] = labels[order[start + i]];
            }
            net.loss(xb, yb, &gradient);
            // L2 on the weights (the biases are left alone).
            VectorXd& theta = net.parameters();
            for (Index i = 0; i < l.total; ++i) {
                const bool bias = (options.hidden > 0 && i >= l.b1 && i < l.w2) || i >= l.b2;
                if (!bias) gradient(i) += options.weightDecay * theta(i);
            }
            ++step;
            m = beta1 * m + (1 - beta1) * gradient;
            v = beta2 * v + (1 - beta2) * gradient.cwiseProduct(gradient);
            const double mScale = 1.0 / (1.0 - std::pow(beta1, double(step)));
            const double vScale = 1.0 / (1.0 - std::pow(beta2, double(step)));
            theta.array() -= options.learningRate * (m.array() * mScale) / ((v.array() * vScale).sqrt() + epsilon);
        }
    }

    std::vector<int> heldLabels;
    const MatrixXd p = net.probabilities(features.rows(task.heldOut, &heldLabels));
    std::size_t right = 0;
    for (std::size_t i = 0; i < heldLabels.size(); ++i) {
        Index best = 0;
        p.row(Index(i)).maxCoeff(&best);
        right += best == heldLabels[i] ? 1 : 0;
    }
    return heldLabels.empty() ? 0.0 : double(right) / double(heldLabels.size());
}

}  // namespace pretrainlab::finetune
