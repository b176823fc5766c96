#include "app/session/session_json.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace pretrainlab::app::session {

Json number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    return value;
}

double numberFrom(const Json& json) {
    if (json.is_number()) return json.get<double>();
    if (json == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (json == "inf") return std::numeric_limits<double>::infinity();
    if (json == "-inf") return -std::numeric_limits<double>::infinity();
    throw std::invalid_argument("expected a number, got " + json.dump().substr(0, 40));
}

const Json& at(const Json& json, const char* key) {
    if (!json.is_object() || !json.contains(key)) throw std::invalid_argument(std::string("\"") + key + "\" is missing");
    return json.at(key);
}

const Json& columnOf(const Json& table, const char* key, std::size_t rows) {
    const Json& values = at(table, key);
    if (!values.is_array() || values.size() != rows) {
        throw std::invalid_argument(std::string("\"") + key + "\" should list " + std::to_string(rows) + " values");
    }
    return values;
}

QString text(const Json& json) { return QString::fromStdString(json.get<std::string>()); }

std::string utf8(const QString& text) { return text.toStdString(); }

}  // namespace pretrainlab::app::session
