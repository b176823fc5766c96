// A jump in the Tokenization lesson against the engine: the lesson's steppers (BPE and WordPiece,
// traced as the lesson traces them) jumping to merge N on a corpus file, against the same merges
// made by one trainer without any trace (what `pretrainlab-cli bpe-train` does). Prints one JSON
// line.
//
//   bench_bpe_jump CORPUS [MERGES]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "core/text/pretokenizer.hpp"
#include "core/tokenize/bpe_stepper.hpp"
#include "core/tokenize/bpe_trainer.hpp"
#include "core/tokenize/word_counts.hpp"

using namespace pretrainlab;

namespace {

double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_bpe_jump CORPUS [MERGES]\n");
        return 2;
    }
    const std::size_t merges = argc > 2 ? std::stoul(argv[2]) : 30000;
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const WordCounts words = countWords(text, PreTokenizer(PreTokenizerKind::Whitespace), 0);

    BpeOptions bpe;
    BpeOptions wordPiece;
    wordPiece.criterion = MergeCriterion::Likelihood;
    wordPiece.continuingPrefix = "##";
    wordPiece.specialTokens = {"[UNK]"};

    auto start = std::chrono::steady_clock::now();
    for (const BpeOptions& options : {bpe, wordPiece}) {
        BpeTrainer trainer(words, options);
        for (std::size_t k = 0; k < merges && trainer.step().has_value(); ++k) {
        }
    }
    const double engine = since(start);

    const TraceRequest lesson{true, 200, true};  // as the lesson asks: 200 candidates, and the ties
    start = std::chrono::steady_clock::now();
    BpeStepper bpeStepper(words, bpe, lesson);
    BpeStepper wordPieceStepper(words, wordPiece, lesson);
    bpeStepper.goTo(merges);
    wordPieceStepper.goTo(merges);
    const double jump = since(start);
    std::printf("{\"bytes\":%zu,\"merges\":%zu,\"engine_s\":%.3f,\"lesson_jump_s\":%.3f,\"ratio\":%.2f}\n", text.size(),
                bpeStepper.position(), engine, jump, jump / engine);
    return 0;
}
