#pragma once

// What the Tokenization lesson saves: its trained tokenizers as tokenizer.json, the merge tables
// and the vocabulary/length curve as CSV, the chart as PNG or PDF. Each returns what went wrong,
// naming the file, or an empty string.

#include <QString>

#include "app/lessons/tokenization/lesson_state.hpp"
#include "core/common/csv.hpp"

namespace pretrainlab::widgets {
class TradeoffChart;
}

namespace pretrainlab::app {

QString saveTrainedTokenizer(const TokenizationState& state, const QString& path, bool wordPiece);
// algorithm, rank, left, right, merged, count, score (WordPiece's only).
CsvTable mergeTables(const TokenizationState& state);
// merges, vocabulary_size, total_tokens, tokens_per_word; empty until the curve is computed.
CsvTable tradeoffCurve(const TokenizationState& state);
QString saveChart(widgets::TradeoffChart& chart, const QString& path);  // .png or .pdf

}  // namespace pretrainlab::app
