#pragma once

// A table of settings declared once: each field's name (its JSON key and, where it has one, its
// command-line flag), label, unit, default, range and one line of help, and where its value lives
// in a settings struct. JSON, command-line flags and usage, and forms all read the same table.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace pretrainlab {

enum class SettingKind { Integer, Number, Choice, Switch, Text };

using SettingValue = std::variant<std::int64_t, double, bool, std::string>;

// What a field is, apart from the struct that holds it.
struct FieldSpec {
    std::string key;    // the JSON key: "lr"
    std::string flag;   // the command line's --flag without dashes ("" when the CLI does not set it)
    std::string label;  // the form's label: "Learning rate"
    std::string unit;   // "steps", "sequences", "" ...
    std::string help;   // one line: what it does
    SettingKind kind = SettingKind::Integer;
    double minimum = 0;  // Integer and Number
    double maximum = 0;
    bool maximumExcluded = false;      // [minimum, maximum): a β of 1 would never forget
    std::vector<std::string> choices;  // Choice: the names in JSON and on the command line
    bool percent = false;              // a share in [0, 1] that a form shows in %
    bool cliSwitchInverts = false;     // Switch: the flag sets the value to false (--post-ln)
    SettingValue defaultValue;

    // "" when `value` is of the field's kind and in its range or choices; otherwise what is wrong,
    // as "expects a number from 0 to 1000000" (without the setting's name).
    std::string check(const SettingValue& value) const;
    // A value from text as typed on a command line ("3e-4", "cosine", "12"); throws
    // std::invalid_argument with "expects ..., got '...'".
    SettingValue parse(std::string_view text) const;
    // The range or choices in words: "a number from 0 to 10", "constant, linear or cosine".
    std::string expects() const;
};

template <typename T>
struct Field : FieldSpec {
    std::function<SettingValue(const T&)> read;
    std::function<void(T&, const SettingValue&)> write;

    SettingValue get(const T& settings) const { return read(settings); }
    // Checks the value first: throws std::invalid_argument("KEY expects ..., got ...").
    void set(T& settings, const SettingValue& value) const {
        if (const std::string problem = check(value); !problem.empty()) throw std::invalid_argument(key + " " + problem + ", got " + valueText(value));
        write(settings, value);
    }
    static std::string valueText(const SettingValue& value);
};

// A value as text (numbers in their shortest exact form), for usage lines and forms.
std::string settingText(const SettingValue& value);
// Names joined as "a, b or c" (or "a, b and c").
std::string listInWords(const std::vector<std::string>& names, std::string_view last = "or");

template <typename T>
std::string Field<T>::valueText(const SettingValue& value) {
    return settingText(value);
}

// Builds a table row by row; each adder takes a function giving the member the value lives in.
template <typename T>
class FieldTable {
public:
    template <typename Member>
    FieldSpec& integer(std::string key, std::string flag, std::string label, std::string unit, std::string help,
                       double minimum, double maximum, std::int64_t fallback, Member member) {
        Field<T>& f = add(std::move(key), std::move(flag), std::move(label), std::move(unit), std::move(help));
        f.kind = SettingKind::Integer, f.minimum = minimum, f.maximum = maximum, f.defaultValue = fallback;
        f.read = [member](const T& s) { return SettingValue(static_cast<std::int64_t>(member(const_cast<T&>(s)))); };
        f.write = [member](T& s, const SettingValue& v) {
            auto& into = member(s);
            into = static_cast<std::remove_reference_t<decltype(into)>>(std::get<std::int64_t>(v));
        };
        return f;
    }
    template <typename Member>
    FieldSpec& number(std::string key, std::string flag, std::string label, std::string unit, std::string help,
                      double minimum, double maximum, double fallback, Member member) {
        Field<T>& f = add(std::move(key), std::move(flag), std::move(label), std::move(unit), std::move(help));
        f.kind = SettingKind::Number, f.minimum = minimum, f.maximum = maximum, f.defaultValue = fallback;
        f.read = [member](const T& s) { return SettingValue(double(member(const_cast<T&>(s)))); };
        f.write = [member](T& s, const SettingValue& v) { member(s) = std::get<double>(v); };
        return f;
    }
    template <typename Read, typename Write>
    FieldSpec& choice(std::string key, std::string flag, std::string label, std::string help,
                      std::vector<std::string> choices, std::string fallback, Read read, Write write) {
        Field<T>& f = add(std::move(key), std::move(flag), std::move(label), {}, std::move(help));
        f.kind = SettingKind::Choice, f.choices = std::move(choices), f.defaultValue = std::move(fallback);
        f.read = [read](const T& s) { return SettingValue(std::string(read(s))); };
        f.write = [write](T& s, const SettingValue& v) { write(s, std::get<std::string>(v)); };
        return f;
    }
    template <typename Member>
    FieldSpec& text(std::string key, std::string flag, std::string label, std::string help, std::string fallback,
                    Member member) {
        Field<T>& f = add(std::move(key), std::move(flag), std::move(label), {}, std::move(help));
        f.kind = SettingKind::Text, f.defaultValue = std::move(fallback);
        f.read = [member](const T& s) { return SettingValue(member(const_cast<T&>(s))); };
        f.write = [member](T& s, const SettingValue& v) { member(s) = std::get<std::string>(v); };
        return f;
    }
    template <typename Member>
    FieldSpec& toggle(std::string key, std::string flag, std::string label, std::string help, bool fallback,
                      Member member) {
        Field<T>& f = add(std::move(key), std::move(flag), std::move(label), {}, std::move(help));
        f.kind = SettingKind::Switch, f.defaultValue = fallback;
        f.read = [member](const T& s) { return SettingValue(bool(member(const_cast<T&>(s)))); };
        f.write = [member](T& s, const SettingValue& v) { member(s) = std::get<bool>(v); };
        return f;
    }
    std::vector<Field<T>> take() { return std::move(fields_); }

private:
    Field<T>& add(std::string key, std::string flag, std::string label, std::string unit, std::string help) {
        Field<T> f;
        f.key = std::move(key), f.flag = std::move(flag), f.label = std::move(label), f.unit = std::move(unit);
        f.help = std::move(help);
        fields_.push_back(std::move(f));
        return fields_.back();
    }

    std::vector<Field<T>> fields_;
};

// The field of a key in a table; throws std::out_of_range for an unknown one.
template <typename T>
const Field<T>& fieldOf(const std::vector<Field<T>>& table, std::string_view key) {
    for (const Field<T>& field : table) {
        if (field.key == key) return field;
    }
    throw std::out_of_range("no setting named '" + std::string(key) + "'");
}

}  // namespace pretrainlab
