#pragma once

// Runs pretrainlab-cli for the CLI tests.

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline CliRun runCli(const QStringList& arguments) {
    QProcess process;
    process.start(QStringLiteral(PRETRAINLAB_CLI), arguments);
    if (!process.waitForFinished(120000)) return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

inline QString testData(const char* name) { return QStringLiteral(PRETRAINLAB_TEST_DATA "/") + name; }

// Each non-empty line of the output as a JSON object.
inline QList<QJsonObject> jsonLines(const QByteArray& out) {
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n')) {
        if (!line.trimmed().isEmpty()) lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

// The lines of the output that are JSON objects, leaving out the rest (a Markdown table, words).
inline QList<QJsonObject> jsonObjectLines(const QByteArray& out) {
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n')) {
        if (line.startsWith('{')) lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}
