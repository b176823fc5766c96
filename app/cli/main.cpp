// pretrainlab-cli: the engine without a window, for scripts, tests and benchmarks.
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/bpe_steps_command.hpp"
#include "app/cli/bpe_train_command.hpp"
#include "app/cli/codec_commands.hpp"
#include "app/cli/command.hpp"
#include "app/cli/finetune_command.hpp"
#include "app/cli/inspect_command.hpp"
#include "app/cli/model_commands.hpp"
#include "app/cli/optimize_commands.hpp"
#include "app/cli/train_command.hpp"
#include "core/common/error.hpp"

namespace {

using pretrainlab::cli::Command;

const std::vector<Command>& commands() {
    static const std::vector<Command> all{pretrainlab::cli::bpeStepsCommand(), pretrainlab::cli::bpeTrainCommand(),
                                          pretrainlab::cli::encodeCommand(), pretrainlab::cli::decodeCommand(),
                                          pretrainlab::cli::trainCommand(), pretrainlab::cli::finetuneCommand(), pretrainlab::cli::ablationCommand(),
                                          pretrainlab::cli::optimize2dCommand(), pretrainlab::cli::memoryCommand(),
                                          pretrainlab::cli::experimentCommand(), pretrainlab::cli::inspectCommand(),
                                          pretrainlab::cli::scoreCommand(), pretrainlab::cli::generateCommand(),
                                          pretrainlab::cli::attentionCommand()};
    return all;
}

std::string usage() {
    std::string text = "usage: pretrainlab-cli <command> [options]\n       pretrainlab-cli <command> --help\n\ncommands:\n";
    for (const Command& command : commands()) {
        text += pretrainlab::cli::usageLine(command) + "\n" + pretrainlab::cli::wrapped(command.summary, 6) + "\n";
    }
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace pretrainlab;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? std::cerr : std::cout) << usage();
        return args.empty() ? 2 : 0;
    }
    const std::string name = args[0];
    args.erase(args.begin());
    std::ios::sync_with_stdio(false);
    try {
        for (const Command& command : commands()) {
            if (command.name != name) continue;
            for (const std::string& arg : args) {
                if (arg == "--help" || arg == "-h") {
                    std::cout << cli::commandHelp(command);
                    return 0;
                }
            }
            return command.run(cli::parseArguments(command, args), std::cout, std::cerr);
        }
        throw cli::UsageError("unknown command '" + name + "' (try --help)");
    } catch (const cli::UsageError& error) {
        std::cerr << "pretrainlab-cli " << name << ": " << error.what() << '\n';
        return 2;
    } catch (const LocatedError& error) {
        std::cerr << "pretrainlab-cli " << name << ": " << error.what() << '\n';
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "pretrainlab-cli " << name << ": internal error: " << error.what() << '\n';
        return 1;
    }
}
