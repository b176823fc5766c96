#include "app/lessons/file_dialogs.hpp"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QStringList>
#include <optional>

namespace pretrainlab::app {
namespace {

QString kindName(FileKind kind) {
    switch (kind) {
        case FileKind::Corpus: return QStringLiteral("corpus");
        case FileKind::Tokenizer: return QStringLiteral("tokenizer");
        case FileKind::Checkpoint: return QStringLiteral("checkpoint");
        case FileKind::Export: return QStringLiteral("export");
        case FileKind::Lecture: return QStringLiteral("lecture");
        case FileKind::Session: return QStringLiteral("session");
        case FileKind::Model: return QStringLiteral("model");
    }
    return QStringLiteral("export");
}

std::optional<FileKind> kindNamed(const QString& name) {
    for (const FileKind kind : {FileKind::Corpus, FileKind::Tokenizer, FileKind::Checkpoint, FileKind::Export, FileKind::Lecture,
                                FileKind::Session, FileKind::Model})
        if (kindName(kind) == name) return kind;
    return std::nullopt;
}

const QString recentKey = QStringLiteral("recent/files");

}  // namespace

QString lastFolder(FileKind kind) {
    const QString folder = QSettings().value(QStringLiteral("folders/") + kindName(kind)).toString();
    return !folder.isEmpty() && QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

void rememberFolder(FileKind kind, const QString& filePath) {
    QSettings().setValue(QStringLiteral("folders/") + kindName(kind), QFileInfo(filePath).absolutePath());
}

QString openFileName(QWidget* parent, const QString& title, const QString& filter, FileKind kind, bool remember) {
    const QString path = QFileDialog::getOpenFileName(parent, title, lastFolder(kind), filter);
    if (!path.isEmpty()) {
        rememberFolder(kind, path);
        if (remember && kind != FileKind::Export) rememberRecentFile(path, kind);
    }
    return path;
}

QString openFolderName(QWidget* parent, const QString& title, FileKind kind) {
    const QString path = QFileDialog::getExistingDirectory(parent, title, lastFolder(kind));
    if (!path.isEmpty()) rememberFolder(kind, path);  // its parent: the next model is likely beside it
    return path;
}

QString saveFileName(QWidget* parent, const QString& title, const QString& fileName, const QString& filter, FileKind kind) {
    const QString path = QFileDialog::getSaveFileName(parent, title, QDir(lastFolder(kind)).filePath(fileName), filter);
    if (!path.isEmpty()) rememberFolder(kind, path);
    return path;
}

QList<RecentFile> recentFiles() {
    QList<RecentFile> files;
    // Stored as "kind:path" lines, newest first.
    for (const QString& entry : QSettings().value(recentKey).toStringList()) {
        const auto colon = entry.indexOf(QLatin1Char(':'));
        const std::optional<FileKind> kind = kindNamed(entry.left(colon));
        if (colon <= 0 || !kind || entry.size() == colon + 1) continue;
        files.append({entry.mid(colon + 1), *kind});
        if (files.size() == recentFileCount) break;
    }
    return files;
}

void rememberRecentFile(const QString& path, FileKind kind) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList entries{kindName(kind) + QLatin1Char(':') + absolute};
    for (const RecentFile& file : recentFiles()) {
        if (file.path != absolute && entries.size() < recentFileCount) entries.append(kindName(file.kind) + QLatin1Char(':') + file.path);
    }
    QSettings().setValue(recentKey, entries);
}

void forgetRecentFile(const QString& path) {
    QStringList entries;
    for (const RecentFile& file : recentFiles())
        if (file.path != path) entries.append(kindName(file.kind) + QLatin1Char(':') + file.path);
    QSettings().setValue(recentKey, entries);
}

void clearRecentFiles() { QSettings().remove(recentKey); }

}  // namespace pretrainlab::app
