#include "app/cli/arguments.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace pretrainlab::cli {

Arguments::Arguments(const std::vector<std::string>& args,
                     const std::set<std::string>& valueOptions, const std::set<std::string>& flags,
                     const std::set<std::string>& repeatable)
    : given_(args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "'");
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto equals = name.find('='); equals != std::string::npos) {
            inlineValue = name.substr(equals + 1);
            name.resize(equals);
        }
        if (flags.count(name)) {
            if (inlineValue) throw UsageError("--" + name + " takes no value");
            flags_.insert(name);
        } else if (valueOptions.count(name) || repeatable.count(name)) {
            if (values_.count(name) && !repeatable.count(name)) {
                throw UsageError("--" + name + " given twice");
            }
            if (inlineValue) {
                values_[name].push_back(*inlineValue);
            } else if (i + 1 < args.size()) {
                values_[name].push_back(args[++i]);
            } else {
                throw UsageError("--" + name + " needs a value");
            }
        } else {
            throw UsageError("unknown option --" + name);
        }
    }
}

std::optional<std::string> Arguments::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second.front();
}

std::vector<std::string> Arguments::values(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>() : it->second;
}

std::string Arguments::required(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw UsageError("missing --" + name);
    return it->second.front();
}

std::optional<long long> Arguments::integer(const std::string& name, long long minimum,
                                            long long maximum) const {
    const std::optional<std::string> text = value(name);
    if (!text) return std::nullopt;
    long long number = 0;
    const char* end = text->data() + text->size();
    const auto [stop, error] = std::from_chars(text->data(), end, number);
    if (error != std::errc() || stop != end || number < minimum || number > maximum) {
        throw UsageError("--" + name + " expects a whole number from " + std::to_string(minimum) +
                         " to " + std::to_string(maximum) + ", got '" + *text + "'");
    }
    return number;
}

std::optional<double> Arguments::number(const std::string& name) const {
    const std::optional<std::string> text = value(name);
    if (!text) return std::nullopt;
    try {
        std::size_t used = 0;
        const double parsed = std::stod(*text, &used);
        if (used == text->size() && std::isfinite(parsed)) return parsed;
    } catch (const std::exception&) {
    }
    throw UsageError("--" + name + " expects a number, got '" + *text + "'");
}

}  // namespace pretrainlab::cli
