#pragma once

// What the parts of a session file share: numbers that may be NaN or infinite (a diverged run's
// loss), columns of values, and reading that says which key is wrong.

#include <QString>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pretrainlab::app::session {

using Json = nlohmann::ordered_json;

// A finite number as itself (JSON numbers keep a double exactly); NaN and infinities as "nan",
// "inf" and "-inf", which JSON has no numbers for.
Json number(double value);
double numberFrom(const Json& json);

// `json[key]`, which must be there: std::invalid_argument naming the key otherwise.
const Json& at(const Json& json, const char* key);

// A column: one JSON value per item.
template <typename T, typename Get>
Json column(const std::vector<T>& items, Get get) {
    Json values = Json::array();
    for (const T& item : items) values.push_back(get(item));
    return values;
}
// A column of `rows` values (std::invalid_argument when it has another length).
const Json& columnOf(const Json& table, const char* key, std::size_t rows);

QString text(const Json& json);  // a JSON string as a QString
std::string utf8(const QString& text);

}  // namespace pretrainlab::app::session
