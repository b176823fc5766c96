#include "app/jobs/job_progress.hpp"

#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>

#include "app/jobs/background_job.hpp"

namespace pretrainlab::app {

JobProgress::JobProgress(BackgroundJob& job, QWidget* parent) : QWidget(parent) {
    progress_ = new QProgressBar;
    progress_->setObjectName(QStringLiteral("jobProgress"));
    progress_->setRange(0, 1000);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setObjectName(QStringLiteral("cancelJob"));
    cancel_->setShortcut(Qt::Key_Escape);
    cancel_->setToolTip(tr("Stop the work (Esc); what finished stays"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(progress_);
    layout->addWidget(cancel_);
    hide();
    connect(cancel_, &QPushButton::clicked, &job, &BackgroundJob::cancel);
    connect(&job, &BackgroundJob::started, this, [this](const QString& what) {
        progress_->setValue(0);
        progress_->setFormat(what + QStringLiteral(" %p%"));
        // Wide enough for its words at any text size.
        progress_->setMinimumWidth(progress_->fontMetrics().horizontalAdvance(what + QStringLiteral(" 100%")) + 24);
        show();
        emit running(true);
    });
    connect(&job, &BackgroundJob::progressed, this, [this](const QString&, double fraction) {
        progress_->setValue(int(fraction * 1000));
    });
    connect(&job, &BackgroundJob::finished, this, [this] {
        hide();
        emit running(false);
    });
}

}  // namespace pretrainlab::app
