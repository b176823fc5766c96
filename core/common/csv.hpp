#pragma once

// CSV as spreadsheets read it (RFC 4180): a header, rows of fields, a field quoted when it holds a
// comma, a quote or a line break. Every CSV the project writes goes through here, atomically.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pretrainlab {

class CsvTable {
public:
    explicit CsvTable(std::vector<std::string> header);

    // A row must have as many fields as the header (std::invalid_argument otherwise).
    void addRow(std::vector<std::string> fields);
    std::size_t rows() const { return rows_.size(); }
    std::string text() const;
    // Atomically (see writeFileAtomically); throws LocatedError naming the file.
    void write(const std::filesystem::path& path) const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

// A field as it goes into a CSV line: quoted, with its quotes doubled, when it needs to be.
std::string csvField(std::string_view field);
// A number in its shortest form that reads back exactly ("0.001", "2.5e-05", "12").
std::string csvNumber(double value);

}  // namespace pretrainlab
