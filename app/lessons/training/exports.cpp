#include "app/lessons/training/exports.hpp"

#include "core/train/metrics_csv.hpp"

namespace pretrainlab::app {

CsvTable runMetrics(const Run& run) {
    std::vector<train::MetricsRow> rows;
    rows.reserve(run.steps.size());
    auto heldOut = run.heldOut.begin();
    auto probes = run.probes.begin();
    for (const StepPoint& point : run.steps) {
        train::MetricsRow row{point.metrics, {}, {}};
        const std::size_t step = point.metrics.step;
        while (heldOut != run.heldOut.end() && heldOut->step < step) ++heldOut;
        if (heldOut != run.heldOut.end() && heldOut->step == step) row.heldOutLoss = heldOut->loss;
        while (probes != run.probes.end() && (*probes)->step < step) ++probes;
        if (probes != run.probes.end() && (*probes)->step == step) row.probeAccuracy = (*probes)->report.accuracy;
        rows.push_back(std::move(row));
    }
    return train::metricsTable(rows);
}

}  // namespace pretrainlab::app
