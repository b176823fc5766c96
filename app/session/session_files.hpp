#pragma once

// Saving and opening a session file (.pretrainlab, core/train/session_file): what the lessons hold
// in one file, so a lecture prepared at home opens in class or a student hands in their work.
// Saving pauses a training run, writes its model as a checkpoint, and writes the file in the
// background; opening reads and checks every part in the background (and rebuilds the
// Tokenization lesson's trainers there), and only when all of it fits replaces what is open.

#include <QObject>
#include <QString>
#include <memory>

class QTemporaryDir;

namespace pretrainlab::app {

class AttentionState;
class BackgroundJob;
class FinetuningState;
class TokenizationState;
class TrainingLabState;

struct SessionLessons {
    TokenizationState* tokenization = nullptr;
    AttentionState* attention = nullptr;
    TrainingLabState* training = nullptr;
    FinetuningState* finetuning = nullptr;
};

class SessionFiles : public QObject {
    Q_OBJECT
public:
    explicit SessionFiles(SessionLessons lessons, QObject* parent = nullptr);
    ~SessionFiles() override;

    // Both work in the background; `saved`, `opened` or `failed` says how it ended.
    void save(const QString& path);
    void open(const QString& path);
    BackgroundJob& job() { return *job_; }
    bool busy() const;
    // Why a session cannot be saved or opened now (a lesson's own work is running), or "".
    QString whyNotNow() const;

signals:
    // `note`: what the file could not keep ("" when it kept all).
    void saved(const QString& path, const QString& note);
    void opened(const QString& path, const QString& note);
    // One message naming the file and what is wrong; nothing that was open has changed.
    void failed(const QString& message);

private:
    void write(const QString& path, const QString& checkpointProblem);
    // Why a lesson's own work keeps a session from being saved or opened now, or "".
    QString lessonsBusy() const;

    SessionLessons lessons_;
    BackgroundJob* job_ = nullptr;
    std::unique_ptr<QTemporaryDir> folder_;  // the Training lab's checkpoint while a save runs
    bool saving_ = false;
};

}  // namespace pretrainlab::app
