#include "core/tokenize/tradeoff.hpp"

#include <stdexcept>

namespace pretrainlab {
namespace {

TradeoffPoint pointOf(const BpeTrainer& trainer, std::size_t merges, std::size_t vocabularySize) {
    const double words = static_cast<double>(std::max<std::uint64_t>(1, trainer.totalWords()));
    return {merges, vocabularySize, trainer.totalTokens(), static_cast<double>(trainer.totalTokens()) / words};
}

}  // namespace

std::vector<TradeoffPoint> tradeoffCurve(const WordCounts& corpus, const BpeOptions& options,
                                         const Progress& progress) {
    BpeTrainer trainer(corpus, options);
    std::vector<TradeoffPoint> curve{pointOf(trainer, 0, trainer.vocabulary().size())};
    const std::size_t start = trainer.vocabulary().size();
    while (const std::optional<MergeStep> step = trainer.step()) {
        curve.push_back(pointOf(trainer, step->step, step->vocabSizeAfter));
        if ((step->step & 255) == 0) {
            if (progress.stopRequested()) throw Cancelled();
            if (options.vocabSize > start && options.vocabSize != std::numeric_limits<std::size_t>::max()) {
                progress(static_cast<double>(step->vocabSizeAfter - start) /
                         static_cast<double>(options.vocabSize - start));
            }
        }
    }
    return curve;
}

std::vector<TradeoffPoint> tradeoffCurve(const WordCounts& corpus, const Tokenizer& tokenizer) {
    const TokenizerConfig& config = tokenizer.config();
    if (config.model != TokenizerModel::Bpe || config.mergesFromTokenRanks) {
        throw std::invalid_argument("the trade-off curve needs a BPE tokenizer with a merge list");
    }
    BpeOptions options;
    options.symbols = config.byteLevel ? InitialSymbols::Bytes : InitialSymbols::Characters;
    options.allBytesInAlphabet = false;
    options.continuingPrefix = config.continuingPrefix;
    options.maxMerges = 0;  // only the merges given below
    BpeTrainer trainer(corpus, options);
    const std::size_t base = config.vocabulary.size() - config.merges.size();
    std::vector<TradeoffPoint> curve{pointOf(trainer, 0, base)};
    for (std::size_t m = 0; m < config.merges.size(); ++m) {
        const TokenPair pair = config.merges[m];
        trainer.applyMerge(config.vocabulary.token(pair.left), config.vocabulary.token(pair.right));
        curve.push_back(pointOf(trainer, m + 1, base + m + 1));
    }
    return curve;
}

}  // namespace pretrainlab
