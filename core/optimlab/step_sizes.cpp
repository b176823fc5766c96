#include "core/optimlab/step_sizes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <variant>

#include "core/optimlab/lesson_run.hpp"
#include "core/train/session.hpp"

namespace pretrainlab::optimlab {

namespace {

double quantile(std::vector<double>& values, double q) {
    if (values.empty()) return 0.0;
    const auto k = static_cast<std::size_t>(q * double(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

std::vector<double> ranks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> rank(values.size());
    for (std::size_t i = 0; i < order.size();) {  // ties share their mean rank
        std::size_t j = i;
        while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
        for (std::size_t k = i; k <= j; ++k) rank[order[k]] = 0.5 * double(i + j);
        i = j + 1;
    }
    return rank;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    const std::vector<double> ra = ranks(a), rb = ranks(b);
    const double n = double(a.size());
    if (n < 2) return 0.0;
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

OptimizerSteps train(optim::OptimizerKind kind, double rate, const StepSizeSettings& settings, const Progress& progress,
                     double progressBase) {
    train::RunSettings s = lessonRun(settings.steps, rate);
    s.trainer.schedule = {optim::ScheduleKind::Constant, rate, 0, settings.steps};
    s.trainer.optimizer.kind = kind;
    s.trainer.optimizer.weightDecay = 0;
    s.trainer.threads = settings.threads;
    train::TrainingSession session(s);
    nn::Transformer<float>& model = session.model();
    const nn::Parameters<float>& parameters = model.parameters();
    const nn::ParameterInfo* table = parameters.find("token_embedding.weight");
    const std::vector<float> start(parameters.values().begin(), parameters.values().end());
    const std::vector<std::size_t> counts = session.tokenCounts();
    std::vector<std::size_t> inBatch(counts.size(), 0);

    OptimizerSteps out;
    out.kind = kind;
    out.learningRate = rate;
    std::vector<float> before;
    for (std::size_t step = 1; step <= settings.steps; ++step) {
        if (progress.stopRequested()) throw Cancelled();
        const nn::Batch batch = session.sampleBatch(s.batch, 1000 + step);  // the same batches for both optimizers
        std::vector<bool> seen(counts.size(), false);
        for (const std::int32_t id : batch.tokens)
            if (id >= 0 && static_cast<std::size_t>(id) < seen.size()) seen[static_cast<std::size_t>(id)] = true;
        for (std::size_t id = 0; id < seen.size(); ++id) inBatch[id] += seen[id] ? 1 : 0;
        if (step == settings.steps) before.assign(parameters.values().begin(), parameters.values().end());
        const train::StepOutcome outcome = session.trainer().step(batch);
        if (const auto* d = std::get_if<train::Divergence>(&outcome)) throw std::runtime_error(d->message());
        out.finalLoss = std::get<train::StepMetrics>(outcome).loss;
        progress(progressBase + 0.5 * double(step) / double(settings.steps));
    }
    // The last step's |Δθ|, group by group.
    std::map<std::string, std::vector<double>> byGroup;
    std::vector<std::string> order;
    for (const nn::ParameterInfo& info : parameters.infos()) {
        if (!byGroup.count(info.group)) order.push_back(info.group);
        std::vector<double>& steps = byGroup[info.group];
        for (std::size_t i = info.offset; i < info.offset + info.size(); ++i)
            steps.push_back(std::abs(double(parameters.values()[i]) - double(before[i])));
    }
    for (const std::string& group : order) {
        std::vector<double>& steps = byGroup[group];
        GroupSteps g{group, steps.size(), 0, 0, 0, 0};
        g.largest = *std::max_element(steps.begin(), steps.end());
        g.p10 = quantile(steps, 0.1);
        g.median = quantile(steps, 0.5);
        g.p90 = quantile(steps, 0.9);
        out.groups.push_back(g);
    }
    // Each word's row: how far it went over the run.
    const auto width = static_cast<std::size_t>(table->cols);
    for (std::size_t id = 0; id < counts.size(); ++id) {
        if (counts[id] == 0) continue;
        double squares = 0;
        for (std::size_t c = 0; c < width; ++c) {
            const std::size_t at = table->offset + id * width + c;
            const double d = double(parameters.values()[at]) - double(start[at]);
            squares += d * d;
        }
        RowMovement row;
        row.id = static_cast<std::int32_t>(id);
        const std::vector<TokenId> one{static_cast<TokenId>(id)};
        row.token = session.tokenizer() ? session.tokenizer()->decode(one) : std::to_string(id);
        row.count = counts[id];
        row.stepsInBatch = inBatch[id];
        row.moved = std::sqrt(squares);
        out.rows.push_back(row);
    }
    std::sort(out.rows.begin(), out.rows.end(), [](const RowMovement& a, const RowMovement& b) { return a.count > b.count; });
    return out;
}

// Spearman's ρ of count vs movement; the medians of the rarest and most frequent tenth.
void relate(const std::vector<RowMovement>& rows, double& correlation, double& rare, double& frequent) {
    std::vector<double> counts, moved;
    for (const RowMovement& r : rows) {
        counts.push_back(double(r.count));
        moved.push_back(r.moved);
    }
    correlation = spearman(counts, moved);
    const std::size_t tenth = std::max<std::size_t>(1, rows.size() / 10);
    std::vector<double> top(moved.begin(), moved.begin() + static_cast<std::ptrdiff_t>(tenth));  // most frequent first
    std::vector<double> bottom(moved.end() - static_cast<std::ptrdiff_t>(tenth), moved.end());
    frequent = quantile(top, 0.5);
    rare = quantile(bottom, 0.5);
}

std::string number(double value, const char* format = "%.3g") {
    char text[48];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

}  // namespace

StepSizeStudy compareStepSizes(const StepSizeSettings& settings, const Progress& progress) {
    StepSizeStudy study;
    study.steps = settings.steps;
    study.adam = train(optim::OptimizerKind::Adam, settings.adamRate, settings, progress, 0.0);
    study.sgd = train(optim::OptimizerKind::Sgd, settings.sgdRate, settings, progress, 0.5);
    relate(study.adam.rows, study.adamCorrelation, study.adamRare, study.adamFrequent);
    relate(study.sgd.rows, study.sgdCorrelation, study.sgdRare, study.sgdFrequent);
    return study;
}

std::string StepSizeStudy::summary() const {
    std::string text = "After " + std::to_string(steps) + " steps on the same batches: ";
    text += "SGD (η " + number(sgd.learningRate) + ") moved the rarest tenth of words' rows by a median " + number(sgdRare) +
            " and the most frequent tenth by " + number(sgdFrequent) + " (ratio " + number(sgdFrequent / std::max(1e-30, sgdRare), "%.1f") +
            "; rank correlation of count and movement " + number(sgdCorrelation, "%.2f") + "). ";
    text += "Adam (η " + number(adam.learningRate) + "): rare " + number(adamRare) + ", frequent " + number(adamFrequent) +
            " (ratio " + number(adamFrequent / std::max(1e-30, adamRare), "%.1f") + "; correlation " +
            number(adamCorrelation, "%.2f") + "). ";
    const double sgdRatio = sgdFrequent / std::max(1e-30, sgdRare);
    const double adamRatio = adamFrequent / std::max(1e-30, adamRare);
    if (adamRatio < sgdRatio)
        text += "Adam's per-parameter scale evens out how far rare and frequent words move: each step is about η whatever the "
                "gradient's size, where SGD's step is proportional to it.";
    else
        text += "Here Adam does not move rare words relatively further than SGD does.";
    return text;
}

}  // namespace pretrainlab::optimlab
