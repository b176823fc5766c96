// pretrainlab-cli: the engine without a window, for scripts, tests and benchmarks.
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/arguments.hpp"
#include "app/cli/bpe_steps_command.hpp"
#include "app/cli/bpe_train_command.hpp"
#include "app/cli/codec_commands.hpp"
#include "app/cli/train_command.hpp"
#include "core/common/error.hpp"

namespace {

constexpr const char* usage =
    "usage: pretrainlab-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  bpe-steps --input FILE [--merges N] [--tie-break hf|lex|first] [--algo bpe|wordpiece]\n"
    "            [--byte-level] [--candidates N]\n"
    "      Train on FILE one merge at a time, printing one JSON object per merge.\n"
    "  bpe-train --input FILE --vocab-size N --output tokenizer.json [--algo bpe|wordpiece]\n"
    "            [--byte-level] [--tie-break hf|lex|first] [--pre-tokenizer whitespace|whitespace-split|bert]\n"
    "            [--min-frequency N] [--special TOKEN]... [--seen-bytes-only] [--threads N]\n"
    "      Train a tokenizer and save it as Hugging Face tokenizer.json; prints a JSON summary.\n"
    "  encode --tokenizer PATH [--merges PATH] --input FILE [--add-special-tokens] [--stats]\n"
    "      Print the ids of FILE's text on one line. PATH is a tokenizer.json, a vocab.json (with\n"
    "      --merges merges.txt), a tiktoken rank file or a BERT vocab.txt.\n"
    "  decode --tokenizer PATH [--merges PATH] --ids \"1 2 3\" [--skip-special-tokens]\n"
    "      Print the text of the ids.\n"
    "  train --arch decoder|encoder|encdec [--config tiny|small|medium] [--vocab N --d N --layers N\n"
    "        --heads N --ctx N --batch N] --steps N [--optimizer sgd|momentum|adam|adamw] [--lr X]\n"
    "        [--schedule constant|linear|cosine|exponential|invsqrt] [--warmup N] [--accum K] [--clip X]\n"
    "        [--threads N] [--seed N] [--random-data | --corpus FILE --tokenizer PATH]\n"
    "        [--metrics FILE.csv] [--log-every N] [--weight-decay X] [--post-ln]\n"
    "      Train a transformer; one JSON line per logged step and a summary line.\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace pretrainlab;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? std::cerr : std::cout) << usage;
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    for (const std::string& arg : args) {
        if (arg == "--help" || arg == "-h") {
            std::cout << usage;
            return 0;
        }
    }
    std::ios::sync_with_stdio(false);
    try {
        if (command == "bpe-steps") return cli::runBpeSteps(args, std::cout);
        if (command == "bpe-train") return cli::runBpeTrain(args, std::cout);
        if (command == "encode") return cli::runEncode(args, std::cout, std::cerr);
        if (command == "decode") return cli::runDecode(args, std::cout);
        if (command == "train") return cli::runTrain(args, std::cout);
        throw cli::UsageError("unknown command '" + command + "' (try --help)");
    } catch (const cli::UsageError& error) {
        std::cerr << "pretrainlab-cli " << command << ": " << error.what() << '\n';
        return 2;
    } catch (const LocatedError& error) {
        std::cerr << "pretrainlab-cli " << command << ": " << error.what() << '\n';
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "pretrainlab-cli " << command << ": internal error: " << error.what() << '\n';
        return 1;
    }
}
