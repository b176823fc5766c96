#pragma once

#include <QWidget>

class QProgressBar;
class QPushButton;

namespace pretrainlab::app {

class BackgroundJob;

// A background job's progress bar and Cancel button, shown only while the job runs (Escape
// cancels). `running(bool)` tells the rest of a bar to disable what must wait.
class JobProgress : public QWidget {
    Q_OBJECT
public:
    explicit JobProgress(BackgroundJob& job, QWidget* parent = nullptr);

    QPushButton* cancelButton() const { return cancel_; }

signals:
    void running(bool on);

private:
    QProgressBar* progress_ = nullptr;
    QPushButton* cancel_ = nullptr;
};

}  // namespace pretrainlab::app
