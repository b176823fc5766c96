#include "core/common/settings_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pretrainlab {
namespace {

std::string numberText(double value) {
    if (value == std::floor(value) && std::abs(value) < 1e15) return std::to_string(static_cast<long long>(value));
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

}  // namespace

std::string listInWords(const std::vector<std::string>& names, std::string_view last) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0 && i + 1 == names.size()) {
            text.append(" ").append(last).append(" ");
        } else if (i > 0) {
            text.append(", ");
        }
        text += names[i];
    }
    return text;
}

std::string settingText(const SettingValue& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::string>) return v;
            else if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
            else if constexpr (std::is_same_v<V, double>) return numberText(v);
            else return std::to_string(v);
        },
        value);
}

std::string FieldSpec::expects() const {
    switch (kind) {
        case SettingKind::Integer:
            return "a whole number from " + numberText(minimum) + " to " + numberText(maximum);
        case SettingKind::Number:
            return maximumExcluded ? "a number from " + numberText(minimum) + " up to (not including) " + numberText(maximum)
                                   : "a number from " + numberText(minimum) + " to " + numberText(maximum);
        case SettingKind::Choice: return listInWords(choices);
        case SettingKind::Switch: return "true or false";
        case SettingKind::Text: return "text";
    }
    return {};
}

std::string FieldSpec::check(const SettingValue& value) const {
    const std::string expected = "expects " + expects();
    switch (kind) {
        case SettingKind::Integer: {
            const auto* v = std::get_if<std::int64_t>(&value);
            if (!v || double(*v) < minimum || double(*v) > maximum) return expected;
            return {};
        }
        case SettingKind::Number: {
            const auto* v = std::get_if<double>(&value);
            if (!v || !std::isfinite(*v) || *v < minimum || *v > maximum || (maximumExcluded && *v >= maximum)) {
                return expected;
            }
            return {};
        }
        case SettingKind::Choice: {
            const auto* v = std::get_if<std::string>(&value);
            if (!v || std::find(choices.begin(), choices.end(), *v) == choices.end()) return expected;
            return {};
        }
        case SettingKind::Switch: return std::holds_alternative<bool>(value) ? std::string() : expected;
        case SettingKind::Text: return std::holds_alternative<std::string>(value) ? std::string() : expected;
    }
    return expected;
}

SettingValue FieldSpec::parse(std::string_view text) const {
    const auto fail = [&]() -> SettingValue {
        throw std::invalid_argument("expects " + expects() + ", got '" + std::string(text) + "'");
    };
    SettingValue value;
    switch (kind) {
        case SettingKind::Integer: {
            std::int64_t number = 0;
            const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (error != std::errc() || stop != text.data() + text.size()) return fail();
            value = number;
            break;
        }
        case SettingKind::Number: {
            double number = 0;
            const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (error != std::errc() || stop != text.data() + text.size()) return fail();
            value = number;
            break;
        }
        case SettingKind::Switch:
            if (text == "true" || text == "1") value = true;
            else if (text == "false" || text == "0") value = false;
            else return fail();
            break;
        case SettingKind::Choice:
        case SettingKind::Text: value = std::string(text); break;
    }
    if (!check(value).empty()) return fail();
    return value;
}

}  // namespace pretrainlab
