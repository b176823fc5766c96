#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace pretrainlab::cli {

// A usage mistake: printed as one line, exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// `--name value` options and `--flag` switches of one subcommand. Unknown names, a missing value
// and a repeated option are usage errors, reported with the option's name.
class Arguments {
public:
    // `repeatable` options may be given several times (each value is kept, in order).
    Arguments(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
              const std::set<std::string>& flags, const std::set<std::string>& repeatable = {});

    std::optional<std::string> value(const std::string& name) const;
    // The arguments as given.
    const std::vector<std::string>& given() const { return given_; }
    std::vector<std::string> values(const std::string& name) const;
    std::string required(const std::string& name) const;
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    // An integer option: a usage error unless it is a whole number in [minimum, maximum].
    std::optional<long long> integer(const std::string& name, long long minimum,
                                     long long maximum) const;
    // A number option: a usage error unless it is a finite number.
    std::optional<double> number(const std::string& name) const;

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::set<std::string> flags_;
    std::vector<std::string> given_;
};

}  // namespace pretrainlab::cli
