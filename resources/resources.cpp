#include "resources/resources.hpp"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace pretrainlab::resources {

QByteArray read(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("the resource %s is not in the build", qPrintable(path));
    return file.readAll();
}

QJsonObject readJson(const QString& path) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(read(path), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        qFatal("the resource %s is not a JSON object: %s", qPrintable(path), qPrintable(error.errorString()));
    }
    return document.object();
}

}  // namespace pretrainlab::resources
