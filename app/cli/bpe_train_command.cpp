#include "app/cli/bpe_train_command.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/arguments.hpp"
#include "app/cli/training_options.hpp"
#include "core/common/memory.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab::cli {

namespace {

int runBpeTrain(const Arguments& arguments, std::ostream& out) {
    const std::string input = arguments.required("input");
    const std::string output = arguments.required("output");
    arguments.required("vocab-size");
    const auto vocabSize = static_cast<std::size_t>(*arguments.integer("vocab-size", 1, 10'000'000));
    TrainingChoice choice = trainingChoice(arguments, PreTokenizerKind::Whitespace);
    BpeOptions& options = choice.options;
    options.vocabSize = vocabSize;
    options.minFrequency = static_cast<std::uint64_t>(arguments.integer("min-frequency", 1, 1LL << 40).value_or(1));
    options.allBytesInAlphabet = !arguments.flag("seen-bytes-only");
    options.specialTokens = arguments.values("special");
    if (options.criterion == MergeCriterion::Likelihood && options.specialTokens.empty()) {
        options.specialTokens = {"[UNK]"};  // WordPiece needs an unknown token
    }
    choice.corpus.threads = static_cast<unsigned>(arguments.integer("threads", 0, 256).value_or(0));

    using Clock = std::chrono::steady_clock;
    const auto seconds = [](Clock::time_point from, Clock::time_point to) {
        return std::chrono::duration<double>(to - from).count();
    };
    const Clock::time_point start = Clock::now();
    const WordCounts corpus = readCorpusWords(input, choice.corpus);
    const Clock::time_point counted = Clock::now();

    BpeTrainer trainer(corpus, options);
    if (vocabSize < trainer.vocabulary().size()) {
        throw UsageError("--vocab-size " + std::to_string(vocabSize) + " is smaller than the starting " +
                         "vocabulary of " + input + " (" + std::to_string(trainer.alphabetSize()) +
                         " symbols + " + std::to_string(options.specialTokens.size()) +
                         " special tokens); ask for at least " + std::to_string(trainer.vocabulary().size()));
    }
    while (trainer.step()) {
    }
    const Clock::time_point trained = Clock::now();

    const Tokenizer tokenizer = tokenizerFromTrainer(trainer, choice.corpus.preTokenizer);
    writeTokenizerJson(tokenizer, output);

    nlohmann::ordered_json report;
    report["vocab_size"] = trainer.vocabulary().size();
    report["merges"] = trainer.merges().size();
    report["seconds"] = seconds(start, trained);
    report["count_seconds"] = seconds(start, counted);
    report["merge_seconds"] = seconds(counted, trained);
    report["words"] = corpus.size();
    report["alphabet"] = trainer.alphabetSize();
    report["peak_rss_mb"] = peakResidentMegabytes();
    report["algo"] = options.criterion == MergeCriterion::Likelihood ? "wordpiece" : "bpe";
    report["byte_level"] = options.symbols == InitialSymbols::Bytes;
    report["output"] = output;
    out << report.dump() << '\n';
    return 0;
}

}  // namespace

Command bpeTrainCommand() {
    return {"bpe-train",
            "Train a tokenizer and save it as Hugging Face tokenizer.json; prints a JSON summary.",
            {{"input", "FILE", "the text to train on", true},
             {"vocab-size", "N", "the vocabulary to reach, special tokens and the alphabet included", true},
             {"output", "tokenizer.json", "where to save the tokenizer", true},
             {"algo", "bpe|wordpiece", "merge the most frequent pair, or WordPiece's most likely one"},
             {"byte-level", "", "start from bytes with GPT-2's pre-tokenizer"},
             {"tie-break", "hf|lex|first", "which pair wins a tie"},
             {"pre-tokenizer", "whitespace|whitespace-split|bert", "how the text is split into words first"},
             {"min-frequency", "N", "merge only pairs seen at least N times"},
             {"special", "TOKEN", "a special token to add (WordPiece adds [UNK])", false, true},
             {"seen-bytes-only", "", "byte-level: only the bytes the corpus holds start the vocabulary"},
             {"threads", "N", "threads for counting words (default: all cores)"}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runBpeTrain(arguments, out); }};
}

}  // namespace pretrainlab::cli
