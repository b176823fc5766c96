#include "app/session/session_actions.hpp"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>

#include "app/jobs/background_job.hpp"
#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/finetuning/lesson_state.hpp"
#include "app/lessons/training/lesson_state.hpp"

namespace pretrainlab::app {
namespace {

const QString sessionFilter = QObject::tr("PretrainLab sessions (*.pretrainlab);;All files (*)");

}  // namespace

SessionActions::SessionActions(SessionLessons lessons, QWidget* window)
    : QObject(window), lessons_(lessons), window_(window) {
    files_ = new SessionFiles(lessons, this);

    open_ = new QAction(tr("Open &session…"), this);
    open_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    open_->setToolTip(tr("Open a .pretrainlab file: the corpus, runs, models and results it holds replace those open now"));
    connect(open_, &QAction::triggered, this, [this] {
        const QString path = openFileName(window_, tr("Open a session"), sessionFilter, FileKind::Session);
        if (!path.isEmpty()) open(path);
    });
    save_ = new QAction(tr("Sa&ve session…"), this);
    save_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    save_->setToolTip(tr("Save what every lesson holds in one .pretrainlab file: the corpus and merges, the trained "
                         "tokenizers, the Training lab's runs and model, the finetuning results"));
    connect(save_, &QAction::triggered, this, &SessionActions::saveAs);
    recent_ = new QMenu(tr("Recent sess&ions"), window_);
    connect(recent_, &QMenu::aboutToShow, this, &SessionActions::fillRecent);
    fillRecent();

    progress_ = new QProgressDialog(window_);
    progress_->setWindowTitle(tr("Session"));
    progress_->setMinimumDuration(400);
    progress_->setRange(0, 100);
    progress_->setAutoReset(false);
    progress_->setAutoClose(true);  // reset() hides it
    progress_->setWindowModality(Qt::WindowModal);
    progress_->reset();  // hidden until a job starts
    connect(progress_, &QProgressDialog::canceled, &files_->job(), &BackgroundJob::cancel);
    connect(&files_->job(), &BackgroundJob::started, this, [this](const QString& what) {
        progress_->setLabelText(what);
        progress_->setValue(0);
    });
    connect(&files_->job(), &BackgroundJob::progressed, this, [this](const QString& what, double fraction) {
        progress_->setLabelText(what);
        progress_->setValue(int(fraction * 100));
    });
    connect(&files_->job(), &BackgroundJob::finished, this, [this] {
        progress_->reset();
        window_->activateWindow();  // the keyboard goes back to the lessons
    });

    connect(files_, &SessionFiles::saved, this, [this](const QString& path, const QString& note) {
        rememberRecentFile(path, FileKind::Session);
        setCurrent(path);
        if (!note.isEmpty()) tell(QMessageBox::Warning, tr("Session saved, not all of it"), note);
    });
    connect(files_, &SessionFiles::opened, this, [this](const QString& path, const QString& note) {
        rememberRecentFile(path, FileKind::Session);  // only a file that opened
        setCurrent(path);
        if (!note.isEmpty()) tell(QMessageBox::Information, tr("Session opened"), note);
    });
    connect(files_, &SessionFiles::failed, this,
            [this](const QString& message) { tell(QMessageBox::Warning, tr("Session"), message); });
}

void SessionActions::tell(int icon, const QString& title, const QString& text) {
    // Over the window, without stopping its event loop: training and drawing go on under it.
    auto* box = new QMessageBox(QMessageBox::Icon(icon), title, text, QMessageBox::Ok, window_);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QList<QAction*> SessionActions::actions() const { return {open_, save_, recent_->menuAction()}; }

void SessionActions::saveAs() {
    const QString suggested = current_.isEmpty() ? QStringLiteral("lecture.pretrainlab") : QFileInfo(current_).fileName();
    QString path = saveFileName(window_, tr("Save the session"), suggested, sessionFilter, FileKind::Session);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".pretrainlab");
    files_->save(path);
}

bool SessionActions::holdsWork() const {
    const FinetuningState& f = *lessons_.finetuning;
    return lessons_.training->runs().count() > 0 || !f.runs().empty() || !f.ablation().empty() || !f.dataSize().empty() ||
           !f.pretraining().empty() || !f.architectures().empty();
}

void SessionActions::open(const QString& path, bool ask) {
    if (ask && holdsWork() &&
        QMessageBox::question(window_, tr("Open a session"),
                              tr("Open %1? Its corpus, runs, models and results replace those open now; save a session "
                                 "first to keep them.")
                                  .arg(QFileInfo(path).fileName()),
                              QMessageBox::Open | QMessageBox::Cancel, QMessageBox::Open) != QMessageBox::Open) {
        return;
    }
    files_->open(path);
}

void SessionActions::fillRecent() {
    recent_->clear();
    int shown = 0;
    for (const RecentFile& file : recentFiles()) {
        if (file.kind != FileKind::Session) continue;
        ++shown;
        QAction* action = recent_->addAction(
            QStringLiteral("&%1  %2").arg(shown).arg(QFileInfo(file.path).fileName().replace(QLatin1Char('&'), QStringLiteral("&&"))),
            this, [this, path = file.path] {
                if (!QFileInfo::exists(path)) {
                    forgetRecentFile(path);
                    QMessageBox::information(window_, tr("Recent sessions"),
                                             tr("%1 is no longer there, so it was taken off the list.").arg(path));
                    return;
                }
                open(path);
            });
        action->setToolTip(file.path);
        action->setStatusTip(file.path);
    }
    if (shown == 0) recent_->addAction(tr("No recent sessions"))->setEnabled(false);
}

void SessionActions::setCurrent(const QString& path) {
    current_ = path;
    emit currentFileChanged(path);
}

}  // namespace pretrainlab::app
