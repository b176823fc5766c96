#include "app/lessons/tokenization/tradeoff_tab.hpp"

#include <QLabel>
#include <QVBoxLayout>

#include "widgets/tradeoff_chart.hpp"

namespace pretrainlab::app {

TradeoffTab::TradeoffTab(TokenizationState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("tradeoffTab"));
    chart_ = new widgets::TradeoffChart;
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    auto* intro = new QLabel(tr("Every merge adds one token to the vocabulary and makes the corpus shorter: a bigger "
                                "vocabulary means shorter sequences, but more embeddings to learn. Real models use "
                                "32-64K tokens."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addWidget(chart_, 1);
    connect(&state_, &TokenizationState::changed, this, [this](TokenizationState::Change change) {
        using Change = TokenizationState::Change;
        if (change == Change::Curve || change == Change::Corpus) showCurve();
        if (change != Change::LoadedTokenizer && state_.bpe()) {
            chart_->setMarker(double(state_.bpe()->trainer().vocabulary().size()));
        }
    });
}

void TradeoffTab::showCurve() {
    if (!state_.bpe() || state_.corpus().characterWords->empty()) {
        chart_->clear(tr("No corpus yet."));
        return;
    }
    const std::vector<TradeoffPoint>& curve = state_.curve();
    if (curve.empty()) {
        chart_->clear(tr("Computing the curve…"));
        return;
    }
    std::vector<widgets::TradeoffSample> samples;
    samples.reserve(curve.size());
    for (const TradeoffPoint& point : curve) {
        samples.push_back({double(point.vocabularySize), double(point.totalTokens), point.tokensPerWord});
    }
    chart_->setCurve(samples, tr("%1 BPE on %2").arg(state_.byteLevel() ? tr("Byte-level") : tr("Character"),
                                                      state_.corpusName()));
}

}  // namespace pretrainlab::app
