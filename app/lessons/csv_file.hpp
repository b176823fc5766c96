#pragma once

#include <QString>

#include "core/common/csv.hpp"

namespace pretrainlab::app {

// Writes a lesson's table as CSV, atomically (core's one CSV writer). Returns what went wrong, in
// words that name the file, or an empty string.
QString writeCsvFile(const CsvTable& table, const QString& path);

}  // namespace pretrainlab::app
