#include "core/train/metrics_csv.hpp"

#include <string>

namespace pretrainlab::train {

std::vector<std::string> metricsColumns() {
    std::vector<std::string> columns{"step",          "loss",   "token_loss",       "sequence_loss", "learning_rate",
                                     "gradient_norm", "tokens", "tokens_with_loss", "tokens_per_s",  "held_out_loss"};
    for (int c = 0; c < data::probeCategoryCount; ++c) {
        columns.push_back("probe_" + std::string(data::probeCategoryName(data::ProbeCategory(c))));
    }
    return columns;
}

CsvTable metricsTable(const std::vector<MetricsRow>& rows) {
    CsvTable table(metricsColumns());
    for (const MetricsRow& row : rows) {
        const StepMetrics& m = row.step;
        std::vector<std::string> fields{std::to_string(m.step),        csvNumber(m.loss),
                                        csvNumber(m.tokenLoss),        csvNumber(m.sequenceLoss),
                                        csvNumber(m.learningRate),     csvNumber(m.gradientNorm),
                                        std::to_string(m.tokens),      std::to_string(m.tokensWithLoss),
                                        csvNumber(m.tokensPerSecond),  row.heldOutLoss ? csvNumber(*row.heldOutLoss) : ""};
        for (int c = 0; c < data::probeCategoryCount; ++c) {
            fields.push_back(row.probeAccuracy ? csvNumber((*row.probeAccuracy)[std::size_t(c)]) : "");
        }
        table.addRow(std::move(fields));
    }
    return table;
}

}  // namespace pretrainlab::train
