#include "app/lessons/tokenization/exports.hpp"

#include <exception>

#include "core/tokenize/io/tokenizer_json.hpp"
#include "widgets/tradeoff_chart.hpp"

namespace pretrainlab::app {

QString saveTrainedTokenizer(const TokenizationState& state, const QString& path, bool wordPiece) {
    try {
        const std::optional<Tokenizer> tokenizer = wordPiece ? state.trainedWordPieceTokenizer() : state.trainedBpeTokenizer();
        if (!tokenizer) return QObject::tr("There is no trained tokenizer yet.");
        writeTokenizerJson(*tokenizer, path.toStdString());
        return {};
    } catch (const std::exception& error) {
        return QString::fromUtf8(error.what());
    }
}

CsvTable mergeTables(const TokenizationState& state) {
    CsvTable table({"algorithm", "rank", "left", "right", "merged", "count", "score"});
    const auto rows = [&](const char* algorithm, const std::shared_ptr<const std::vector<widgets::RuleRow>>& rules) {
        if (!rules) return;
        const bool wordPiece = std::string_view(algorithm) == "wordpiece";
        for (const widgets::RuleRow& rule : *rules) {
            table.addRow({algorithm, std::to_string(rule.rank), rule.left.toStdString(), rule.right.toStdString(),
                          rule.merged.toStdString(), std::to_string(rule.count), wordPiece ? csvNumber(rule.score) : ""});
        }
    };
    rows("bpe", state.bpeRules());
    rows("wordpiece", state.wordPieceRules());
    return table;
}

CsvTable tradeoffCurve(const TokenizationState& state) {
    CsvTable table({"merges", "vocabulary_size", "total_tokens", "tokens_per_word"});
    for (const TradeoffPoint& point : state.curve()) {
        table.addRow({std::to_string(point.merges), std::to_string(point.vocabularySize),
                      std::to_string(point.totalTokens), csvNumber(point.tokensPerWord)});
    }
    return table;
}

QString saveChart(widgets::TradeoffChart& chart, const QString& path) {
    const bool pdf = path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
    const bool saved = pdf ? chart.savePdf(path) : chart.savePng(path);
    return saved ? QString() : QObject::tr("%1: could not write the chart").arg(path);
}

}  // namespace pretrainlab::app
