#include "core/common/csv.hpp"

#include <charconv>
#include <stdexcept>

#include "core/common/file_io.hpp"

namespace pretrainlab {

CsvTable::CsvTable(std::vector<std::string> header) : header_(std::move(header)) {}

void CsvTable::addRow(std::vector<std::string> fields) {
    if (fields.size() != header_.size()) {
        throw std::invalid_argument("a CSV row has " + std::to_string(fields.size()) + " fields; the header has " +
                                    std::to_string(header_.size()));
    }
    rows_.push_back(std::move(fields));
}

std::string CsvTable::text() const {
    std::string out;
    const auto line = [&](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0) out += ',';
            out += csvField(fields[i]);
        }
        out += '\n';
    };
    line(header_);
    for (const auto& row : rows_) line(row);
    return out;
}

void CsvTable::write(const std::filesystem::path& path) const { writeFileAtomically(path, text()); }

std::string csvField(std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
    std::string quoted = "\"";
    for (const char c : field) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string csvNumber(double value) {
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

}  // namespace pretrainlab
