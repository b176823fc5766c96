// pretrainlab-cli: the engine without a window, for scripts, tests and benchmarks.
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/arguments.hpp"
#include "app/cli/bpe_steps_command.hpp"
#include "core/common/error.hpp"

namespace {

constexpr const char* usage =
    "usage: pretrainlab-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  bpe-steps --input FILE [--merges N] [--tie-break hf|lex|first]\n"
    "      Train character-level BPE on the words of FILE, printing one JSON object per merge.\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace pretrainlab;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    try {
        if (command == "bpe-steps") return cli::runBpeSteps(args, std::cout);
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
