#include "app/lessons/csv_file.hpp"

#include <exception>

namespace pretrainlab::app {

QString writeCsvFile(const CsvTable& table, const QString& path) {
    try {
        table.write(path.toStdString());
        return {};
    } catch (const std::exception& error) {
        return QString::fromUtf8(error.what());
    }
}

}  // namespace pretrainlab::app
