#pragma once

// The data files compiled into the app (see resources/CMakeLists.txt), read by their path under
// ":/", such as ":/theme/theme.qss".

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace pretrainlab::resources {

// The file's bytes; a missing resource is a build mistake and ends the program with its name.
QByteArray read(const QString& path);
// The JSON object a resource holds (same rule).
QJsonObject readJson(const QString& path);

}  // namespace pretrainlab::resources
