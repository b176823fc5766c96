#pragma once

// The baseline the lecture's "simple features need complex models" points at: no pretraining,
// each text reduced to unigram counts (which words, how often, in no order), then a linear
// softmax classifier or a small MLP trained on the same labelled examples. For a pair, the two
// sentences' counts sit side by side; for tagging, a word is its own one-hot vector; for multiple
// choice, the context's and each ending's counts are scored and the scores compared.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/finetune/tasks.hpp"

namespace pretrainlab::finetune {

// Unigram counts over the words of the labelled examples (a word never seen counts nowhere).
class BagOfWordsFeatures {
public:
    BagOfWordsFeatures(const Task& task, const std::vector<Example>& labelled);
    // One row per example (tagging: per word; multiple choice: per ending), and each row's label
    // (multiple choice: the right ending's index, once per question).
    Eigen::MatrixXd rows(const std::vector<Example>& examples, std::vector<int>* labels) const;
    std::size_t width() const;
    std::size_t words() const { return index_.size(); }

private:
    void count(const std::string& text, Eigen::Ref<Eigen::RowVectorXd> row) const;

    const Task& task_;
    std::map<std::string, std::size_t> index_;
};

// softmax(W x + b), or with `hidden` > 0 softmax(W₂ tanh(W₁ x + b₁) + b₂); for multiple choice the
// output is one score per row and the softmax runs over each question's `choices` rows.
class SoftmaxNet {
public:
    SoftmaxNet(std::size_t inputs, std::size_t hidden, std::size_t outputs, std::size_t choices, std::uint64_t seed);

    Eigen::MatrixXd logits(const Eigen::MatrixXd& x) const;
    // Mean cross-entropy over the labels; with `gradient`, d loss / d parameters() (same layout).
    double loss(const Eigen::MatrixXd& x, const std::vector<int>& labels, Eigen::VectorXd* gradient = nullptr) const;
    // Class (or ending) probabilities, one row per label.
    Eigen::MatrixXd probabilities(const Eigen::MatrixXd& x) const;

    Eigen::VectorXd& parameters() { return theta_; }
    const Eigen::VectorXd& parameters() const { return theta_; }

private:
    Eigen::MatrixXd grouped(const Eigen::MatrixXd& logits) const;  // multiple choice: questions × choices

    std::size_t inputs_, hidden_, outputs_, choices_;
    Eigen::VectorXd theta_;
};

struct BagOfWordsOptions {
    std::size_t hidden = 0;  // 0: linear; otherwise the MLP's hidden units
    std::size_t epochs = 60;
    std::size_t batch = 32;
    double learningRate = 1e-2;  // Adam
    double weightDecay = 1e-4;   // L2 on the weights
    std::uint64_t seed = 0;
};

// Trains on `labelled` and returns the held-out accuracy.
double bagOfWordsAccuracy(const Task& task, const std::vector<Example>& labelled, const BagOfWordsOptions& options);

}  // namespace pretrainlab::finetune
