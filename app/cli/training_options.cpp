#include "app/cli/training_options.hpp"

namespace pretrainlab::cli {

TrainingChoice trainingChoice(const Arguments& arguments, PreTokenizerKind defaultPreTokenizer) {
    TrainingChoice choice;
    const std::string algo = arguments.value("algo").value_or("bpe");
    if (algo == "wordpiece") {
        choice.options.criterion = MergeCriterion::Likelihood;
        choice.options.continuingPrefix = "##";
    } else if (algo != "bpe") {
        throw UsageError("--algo expects bpe or wordpiece, got '" + algo + "'");
    }
    if (auto rule = arguments.value("tie-break")) {
        const std::optional<TieBreak> parsed = parseTieBreak(*rule);
        if (!parsed) throw UsageError("--tie-break expects hf, lex or first, got '" + *rule + "'");
        choice.options.tieBreak = *parsed;
    }
    choice.corpus.preTokenizer = defaultPreTokenizer;
    if (auto name = arguments.value("pre-tokenizer")) {
        const std::optional<PreTokenizerKind> parsed = parsePreTokenizer(*name);
        if (!parsed || *parsed == PreTokenizerKind::ByteLevel) {
            throw UsageError("--pre-tokenizer expects whitespace, whitespace-split or bert, got '" +
                             *name + "' (for GPT-2's, use --byte-level)");
        }
        choice.corpus.preTokenizer = *parsed;
    }
    if (arguments.flag("byte-level")) {
        if (arguments.value("pre-tokenizer")) {
            throw UsageError("--byte-level uses GPT-2's pre-tokenizer; leave out --pre-tokenizer");
        }
        choice.options.symbols = InitialSymbols::Bytes;
        choice.corpus.preTokenizer = PreTokenizerKind::ByteLevel;
        choice.corpus.anyBytes = true;
    }
    return choice;
}

}  // namespace pretrainlab::cli
