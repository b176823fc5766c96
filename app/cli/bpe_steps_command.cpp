#include "app/cli/bpe_steps_command.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/arguments.hpp"
#include "core/common/error.hpp"
#include "core/common/file_io.hpp"
#include "core/tokenize/bpe_trainer.hpp"

namespace pretrainlab::cli {
namespace {

nlohmann::ordered_json pairJson(const BpeTrainer& trainer, TokenPair pair) {
    return {trainer.vocabulary().token(pair.left), trainer.vocabulary().token(pair.right)};
}

}  // namespace

int runBpeSteps(const std::vector<std::string>& args, std::ostream& out) {
    const Arguments arguments(args, {"input", "merges", "tie-break"}, {});
    const std::string input = arguments.required("input");
    BpeOptions options;
    if (auto merges = arguments.integer("merges", 0, std::numeric_limits<int>::max())) {
        options.maxMerges = static_cast<std::size_t>(*merges);
    }
    if (auto rule = arguments.value("tie-break")) {
        const std::optional<TieBreak> parsed = parseTieBreak(*rule);
        if (!parsed) throw UsageError("--tie-break expects hf, lex or first, got '" + *rule + "'");
        options.tieBreak = *parsed;
    }

    const WordCounts corpus = WordCounts::fromText(readFileBytes(input), input);
    if (corpus.empty()) {
        throw LocatedError(SourceLocation{input, std::nullopt, std::nullopt},
                           "the corpus is empty: it holds no words");
    }

    BpeTrainer trainer(corpus, options);
    // The trace is taken before the merge (the tied pairs need the counts of that moment), and
    // printed with the segmentation after it.
    const TraceRequest trace{false, 0, true};
    while (const std::optional<MergeStep> step = trainer.step(trace)) {
        nlohmann::ordered_json line;
        line["step"] = step->step;
        line["pair"] = pairJson(trainer, step->pair);
        line["count"] = step->count;
        line["new_token"] = step->newToken;
        line["new_id"] = step->newId;
        line["vocab_size"] = step->vocabSizeAfter;
        nlohmann::ordered_json ties = nlohmann::ordered_json::array();
        for (const TokenPair tied : step->ties) ties.push_back(pairJson(trainer, tied));
        line["ties"] = std::move(ties);
        line["tie_rule"] = std::string(tieBreakName(step->tieRule));
        line["segmentation"] = trainer.segmentation();
        out << line.dump() << '\n';
    }
    out.flush();
    return 0;
}

}  // namespace pretrainlab::cli
