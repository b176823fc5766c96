#include "app/cli/bpe_steps_command.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/arguments.hpp"
#include "app/cli/training_options.hpp"
#include "core/tokenize/bpe_trainer.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

Json pairJson(const BpeTrainer& trainer, TokenPair pair) {
    return {trainer.vocabulary().token(pair.left), trainer.vocabulary().token(pair.right)};
}

int runBpeSteps(const Arguments& arguments, std::ostream& out) {
    const std::string input = arguments.required("input");
    TrainingChoice choice = trainingChoice(arguments, PreTokenizerKind::WhitespaceSplit);
    if (auto merges = arguments.integer("merges", 0, std::numeric_limits<int>::max())) {
        choice.options.maxMerges = static_cast<std::size_t>(*merges);
    }
    const auto candidates = static_cast<std::size_t>(arguments.integer("candidates", 0, 100000).value_or(10));
    const bool wordPiece = choice.options.criterion == MergeCriterion::Likelihood;

    const WordCounts corpus = readCorpusWords(input, choice.corpus);
    BpeTrainer trainer(corpus, choice.options);
    // The trace is taken before the merge (the candidates and ties are those of that moment), and
    // printed with the segmentation after it.
    const TraceRequest trace{candidates > 0, candidates, true};
    while (const std::optional<MergeStep> step = trainer.step(trace)) {
        Json line;
        line["step"] = step->step;
        line["pair"] = pairJson(trainer, step->pair);
        line["count"] = step->count;
        if (wordPiece) {
            line["score"] = step->score;
            line["left_count"] = step->leftCount;
            line["right_count"] = step->rightCount;
        }
        line["new_token"] = step->newToken;
        line["new_id"] = step->newId;
        line["vocab_size"] = step->vocabSizeAfter;
        line["total_tokens"] = step->totalTokensAfter;
        Json ties = Json::array();
        for (const TokenPair tied : step->ties) ties.push_back(pairJson(trainer, tied));
        line["ties"] = std::move(ties);
        line["tie_rule"] = std::string(tieBreakName(step->tieRule));
        if (candidates > 0) {
            Json list = Json::array();
            for (const PairCount& candidate : step->pairCounts) {
                Json entry{{"pair", pairJson(trainer, candidate.pair)}, {"count", candidate.count}};
                if (wordPiece) {
                    entry["score"] = candidate.likelihoodScore();
                    entry["left_count"] = candidate.leftCount;
                    entry["right_count"] = candidate.rightCount;
                }
                list.push_back(std::move(entry));
            }
            line["candidates"] = std::move(list);
        }
        line["segmentation"] = trainer.segmentation();
        out << line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    }
    out.flush();
    return 0;
}

}  // namespace

Command bpeStepsCommand() {
    return {"bpe-steps",
            "Train on FILE one merge at a time, printing one JSON object per merge.",
            {{"input", "FILE", "the text to train on (words split on whitespace)", true},
             {"merges", "N", "stop after N merges (default: until no pair is left)"},
             {"tie-break", "hf|lex|first", "which pair wins a tie: Hugging Face's rule, the lexicographic order, or the first seen"},
             {"algo", "bpe|wordpiece", "merge the most frequent pair, or WordPiece's most likely one"},
             {"byte-level", "", "start from bytes with GPT-2's pre-tokenizer"},
             {"candidates", "N", "how many pair counts to print per merge (default 10)"}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runBpeSteps(arguments, out); }};
}

}  // namespace pretrainlab::cli
