#pragma once

// A subcommand declared once: its name, a line of what it does, and its options. The parser, the
// usage lines of `pretrainlab-cli --help` and the option list of `pretrainlab-cli COMMAND --help`
// all come from this declaration.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "app/cli/arguments.hpp"

namespace pretrainlab::cli {

struct OptionSpec {
    std::string name;         // "input": given as --input
    std::string placeholder;  // "FILE"; empty for a switch
    std::string help;         // one line
    bool required = false;
    bool repeatable = false;
};

struct Command {
    std::string name;
    std::string summary;
    std::vector<OptionSpec> options;
    std::function<int(const Arguments& arguments, std::ostream& out, std::ostream& err)> run;
};

// "bpe-steps --input FILE [--merges N] ...", wrapped to `width` columns.
std::string usageLine(const Command& command, std::size_t width = 100);
// `text` in lines of at most `width` columns, each indented by `indent` spaces.
std::string wrapped(const std::string& text, std::size_t indent, std::size_t width = 100);
// The usage line, the summary and one line per option.
std::string commandHelp(const Command& command);
// The options of `args` as the command declares them; usage errors name the option.
Arguments parseArguments(const Command& command, const std::vector<std::string>& args);

}  // namespace pretrainlab::cli
