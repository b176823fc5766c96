#include "app/cli/command.hpp"

#include <algorithm>
#include <set>

namespace pretrainlab::cli {

std::string usageLine(const Command& command, std::size_t width) {
    std::string text = "  " + command.name;
    std::size_t lineStart = 0;
    const std::string indent(4 + command.name.size(), ' ');
    for (const OptionSpec& option : command.options) {
        std::string word = option.positional ? option.placeholder
                                             : "--" + option.name + (option.placeholder.empty() ? "" : " " + option.placeholder);
        if (!option.required) word = "[" + word + "]";
        if (option.repeatable) word += "...";
        if (text.size() - lineStart + 1 + word.size() > width) {
            text.push_back('\n');
            lineStart = text.size();
            text.append(indent);
        } else {
            text += " ";
        }
        text += word;
    }
    return text;
}

std::string wrapped(const std::string& text, std::size_t indent, std::size_t width) {
    std::string out(indent, ' ');
    std::size_t column = indent;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t space = text.find(' ', at);
        const std::string word = text.substr(at, space == std::string::npos ? std::string::npos : space - at);
        at = space == std::string::npos ? text.size() : space + 1;
        if (column > indent && column + 1 + word.size() > width) {
            out.push_back('\n');
            out.append(indent, ' ');
            column = indent;
        } else if (column > indent) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
    }
    return out;
}

std::string commandHelp(const Command& command) {
    constexpr std::size_t helpColumn = 30;
    std::string text = "usage: pretrainlab-cli" + usageLine(command).substr(1) + "\n\n" + wrapped(command.summary, 0) +
                       "\n\noptions:\n";
    for (const OptionSpec& option : command.options) {
        const std::string name = option.positional ? "  " + option.placeholder
                                                   : "  --" + option.name + (option.placeholder.empty() ? "" : " " + option.placeholder);
        const std::string help = wrapped(option.help, helpColumn);
        if (name.size() + 1 < helpColumn) {
            text.append(name).append(help, name.size()).push_back('\n');
        } else {
            text.append(name).append(1, '\n').append(help).push_back('\n');
        }
    }
    return text;
}

namespace {

// N, X, a|b|c: what a field's value looks like on the command line.
std::string placeholderOf(const FieldSpec& field) {
    switch (field.kind) {
        case SettingKind::Integer: return std::string("N");
        case SettingKind::Number: return std::string("X");
        case SettingKind::Text: return std::string("TEXT");
        case SettingKind::Switch: return {};
        case SettingKind::Choice: {
            std::vector<std::string> names;
            for (const std::string& choice : field.choices) {
                if (choice != "custom") names.push_back(choice);
            }
            std::string joined;
            for (std::size_t i = 0; i < names.size(); ++i) joined.append(i ? "|" : "").append(names[i]);
            return joined;
        }
    }
    return {};
}

}  // namespace

OptionSpec fieldOption(const FieldSpec& field, std::string placeholder) {
    if (placeholder.empty()) placeholder = placeholderOf(field);
    std::string help = field.help;
    const std::string fallback = settingText(field.defaultValue);
    if (field.key == "threads") {
        help += " (default: this machine's cores)";
    } else if (field.kind != SettingKind::Switch && !fallback.empty()) {
        help += " (default " + fallback + ")";
    }
    return {field.flag, placeholder, help};
}

Arguments parseArguments(const Command& command, const std::vector<std::string>& args) {
    std::set<std::string> values, flags, repeatable;
    for (const OptionSpec& option : command.options) {
        if (option.placeholder.empty()) {
            flags.insert(option.name);
        } else if (option.repeatable) {
            repeatable.insert(option.name);
        } else {
            values.insert(option.name);
        }
    }
    // A bare word is the positional option's value (once); the value of an option stays with it.
    const auto positional = std::find_if(command.options.begin(), command.options.end(),
                                         [](const OptionSpec& option) { return option.positional; });
    std::vector<std::string> named;
    bool positionalGiven = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) == 0) {
            named.push_back(arg);
            const std::string name = arg.substr(2);
            if (name.find('=') == std::string::npos && (values.count(name) || repeatable.count(name)) && i + 1 < args.size()) {
                named.push_back(args[++i]);
            }
        } else if (positional != command.options.end() && !positionalGiven) {
            named.push_back("--" + positional->name);
            named.push_back(arg);
            positionalGiven = true;
        } else {
            named.push_back(arg);
        }
    }
    Arguments arguments(named, values, flags, repeatable);
    for (const OptionSpec& option : command.options) {
        if (option.required) arguments.required(option.name);
    }
    return arguments;
}

}  // namespace pretrainlab::cli
