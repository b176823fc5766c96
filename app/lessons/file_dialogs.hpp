#pragma once

#include <QList>
#include <QString>

class QWidget;

namespace pretrainlab::app {

// The kinds of file the app opens and saves. Each kind's dialogs start in the folder last used for
// it, remembered between launches; files opened are remembered as recent files.
enum class FileKind { Corpus, Tokenizer, Checkpoint, Export, Lecture, Session, Model };

// `remember`: the file is also one of the recent files (not for a file that goes with another).
QString openFileName(QWidget* parent, const QString& title, const QString& filter, FileKind kind, bool remember = true);
// A folder (a real model's files), started in the kind's last place (the caller makes it recent once it opens).
QString openFolderName(QWidget* parent, const QString& title, FileKind kind);
// `fileName` is the suggested name, placed in the kind's last folder.
QString saveFileName(QWidget* parent, const QString& title, const QString& fileName, const QString& filter, FileKind kind);
QString lastFolder(FileKind kind);
void rememberFolder(FileKind kind, const QString& filePath);

struct RecentFile {
    QString path;
    FileKind kind = FileKind::Corpus;
};
inline constexpr int recentFileCount = 8;
// Newest first, at most recentFileCount.
QList<RecentFile> recentFiles();
void rememberRecentFile(const QString& path, FileKind kind);
void forgetRecentFile(const QString& path);
void clearRecentFiles();

}  // namespace pretrainlab::app
