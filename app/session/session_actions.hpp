#pragma once

// The window's side of session files: File → Open session…, Save session…, Recent sessions, a
// progress dialog with Cancel while one is read or written, and the messages when it ends.

#include <QList>
#include <QObject>
#include <QString>

#include "app/session/session_files.hpp"

class QAction;
class QMenu;
class QProgressDialog;
class QWidget;

namespace pretrainlab::app {

class SessionActions : public QObject {
    Q_OBJECT
public:
    SessionActions(SessionLessons lessons, QWidget* window);

    // Open session…, Save session…, and the Recent sessions menu's action.
    QList<QAction*> actions() const;
    SessionFiles& files() { return *files_; }
    // Asks first when it would replace runs or results the class made (`ask`), then opens it.
    void open(const QString& path, bool ask = true);
    void saveAs();
    // The session file last opened or saved ("" before one).
    QString currentFile() const { return current_; }

signals:
    void currentFileChanged(const QString& path);

private:
    void fillRecent();
    bool holdsWork() const;
    void setCurrent(const QString& path);
    void tell(int icon, const QString& title, const QString& text);  // a QMessageBox::Icon

    SessionLessons lessons_;
    QWidget* window_ = nullptr;
    SessionFiles* files_ = nullptr;
    QAction* open_ = nullptr;
    QAction* save_ = nullptr;
    QMenu* recent_ = nullptr;
    QProgressDialog* progress_ = nullptr;
    QString current_;
};

}  // namespace pretrainlab::app
