#pragma once

// A subcommand declared once: its name, a line of what it does, and its options. The parser, the
// usage lines of `pretrainlab-cli --help` and the option list of `pretrainlab-cli COMMAND --help`
// all come from this declaration.

#include <algorithm>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "app/cli/arguments.hpp"
#include "core/common/settings_table.hpp"

namespace pretrainlab::cli {

struct OptionSpec {
    std::string name;         // "input": given as --input
    std::string placeholder;  // "FILE"; empty for a switch
    std::string help;         // one line
    bool required = false;
    bool repeatable = false;
    bool positional = false;  // given as a bare word ("inspect FILE"), or as --name FILE
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

// The option a settings field gives the command line: its --flag, a placeholder from its kind (N,
// X, a|b|c; `placeholder` when given) and its help with the default.
OptionSpec fieldOption(const FieldSpec& field, std::string placeholder = {});

// Sets each field of `fields` whose flag the arguments give (only those of `keys`, when given); a
// bad value is a UsageError naming the flag.
template <typename T>
void applyFlags(const std::vector<Field<T>>& fields, const Arguments& arguments, T& settings,
                const std::vector<std::string>& keys = {}) {
    for (const Field<T>& field : fields) {
        if (field.flag.empty()) continue;
        if (!keys.empty() && std::find(keys.begin(), keys.end(), field.key) == keys.end()) continue;
        if (field.kind == SettingKind::Switch) {
            if (arguments.flag(field.flag)) field.set(settings, !field.cliSwitchInverts);
            continue;
        }
        const std::optional<std::string> text = arguments.value(field.flag);
        if (!text) continue;
        try {
            field.set(settings, field.parse(*text));
        } catch (const std::invalid_argument& error) {
            throw UsageError("--" + field.flag + " " + error.what());
        }
    }
}

}  // namespace pretrainlab::cli
