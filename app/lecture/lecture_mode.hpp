#pragma once

#include <QElapsedTimer>
#include <QByteArray>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>

#include "app/lecture/lecture_stage.hpp"
#include "app/lecture/lecture_steps.hpp"

class QWidget;

namespace pretrainlab::app {

class LectureCaption;

// The lecture walk-through: full screen, the lesson list and menus hidden, one step of the
// lecture at a time with its caption. Space, → and PageDown go on (a presenter's clicker sends
// these), ← and PageUp go back, Esc leaves; in a text field only PageUp, PageDown and Esc are
// taken, so typing still works.
class LectureMode : public QObject {
    Q_OBJECT
public:
    struct Window {
        QWidget* window = nullptr;
        std::function<void(const QString& lesson)> showLesson;
        std::function<void(bool lecture)> setChromeHidden;  // the lesson list, menus and toolbars
    };

    LectureMode(LecturePages pages, Window window, QObject* parent = nullptr);

    // The caption bar, for the window to place (hidden outside lecture mode).
    LectureCaption* caption() const { return caption_; }

    const LectureSteps& steps() const { return steps_; }
    // Reads a lecturer's step file. On a problem returns false with the message, and the steps
    // in use stay as they were.
    bool loadSteps(const QString& path, QString* error);
    void setSteps(LectureSteps steps);

    bool isActive() const { return active_; }
    int current() const { return current_; }
    // The window's geometry from before lecture mode made it full screen (empty outside it).
    QByteArray geometryBefore() const { return active_ ? geometryBefore_ : QByteArray(); }

    // Enters at `step` (F5 resumes at the step shown last). A step that trains starts its run
    // when it is reached going forward, once in a lecture session (from enter to leave).
    void enter(int step = 0);
    void leave();
    void next();
    void previous();
    void go(int step);

signals:
    void activeChanged(bool active);
    void stepShown(int step);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void apply(bool forward);
    void tick();
    QString countdownText();

    LecturePages pages_;
    Window window_;
    LectureCaption* caption_ = nullptr;
    LectureSteps steps_;
    bool active_ = false;
    int current_ = 0;
    bool retry_ = false;  // the step's lesson was busy: apply it again when it is idle
    Qt::WindowStates stateBefore_;
    QByteArray geometryBefore_;
    QSet<int> runsStarted_;  // steps whose run started in this lecture session
    QTimer ticker_;
    QElapsedTimer since_;  // the countdown's rate: steps done since it started
    std::size_t doneAtStart_ = 0;
    std::size_t totalSeen_ = 0;
};

}  // namespace pretrainlab::app
