#include "app/lecture/lecture_mode.hpp"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QTextEdit>
#include <QWidget>
#include <algorithm>
#include <cmath>

#include "app/lecture/lecture_caption.hpp"

namespace pretrainlab::app {
namespace {

enum class Key { None, Next, Back, Leave };

bool typingIn(const QWidget* widget) {
    if (!widget) return false;
    if (const auto* line = qobject_cast<const QLineEdit*>(widget)) return !line->isReadOnly();
    if (const auto* text = qobject_cast<const QPlainTextEdit*>(widget)) return !text->isReadOnly();
    if (const auto* text = qobject_cast<const QTextEdit*>(widget)) return !text->isReadOnly();
    if (qobject_cast<const QAbstractSpinBox*>(widget)) return true;
    if (const auto* combo = qobject_cast<const QComboBox*>(widget)) return combo->isEditable();
    return false;
}

Key keyFor(const QKeyEvent& event, bool typing) {
    if ((event.modifiers() & ~Qt::KeyboardModifiers(Qt::KeypadModifier)) != Qt::NoModifier) return Key::None;
    switch (event.key()) {
        case Qt::Key_PageDown: return Key::Next;
        case Qt::Key_PageUp: return Key::Back;
        case Qt::Key_Escape: return Key::Leave;
        case Qt::Key_Space:
        case Qt::Key_Right: return typing ? Key::None : Key::Next;
        case Qt::Key_Left: return typing ? Key::None : Key::Back;
        default: return Key::None;
    }
}

}  // namespace

LectureMode::LectureMode(LecturePages pages, Window window, QObject* parent)
    : QObject(parent), pages_(pages), window_(std::move(window)), steps_(shippedLectureSteps()) {
    caption_ = new LectureCaption;
    caption_->hide();
    ticker_.setInterval(250);
    connect(&ticker_, &QTimer::timeout, this, &LectureMode::tick);
}

bool LectureMode::loadSteps(const QString& path, QString* error) {
    std::optional<LectureSteps> steps = readLectureSteps(path, error);
    if (!steps) return false;
    setSteps(std::move(*steps));
    return true;
}

void LectureMode::setSteps(LectureSteps steps) {
    if (steps.steps.empty()) return;  // a walk-through has at least one step
    steps_ = std::move(steps);
    current_ = 0;
    runsStarted_.clear();
    if (active_) apply(false);
}

void LectureMode::enter(int step) {
    if (!active_) {
        active_ = true;
        stateBefore_ = window_.window->windowState();
        geometryBefore_ = window_.window->saveGeometry();
        runsStarted_.clear();
        window_.setChromeHidden(true);
        window_.window->setWindowState(stateBefore_ | Qt::WindowFullScreen);
        caption_->show();
        qApp->installEventFilter(this);
        ticker_.start();
        emit activeChanged(true);
    }
    go(step);
}

void LectureMode::leave() {
    if (!active_) return;
    active_ = false;
    qApp->removeEventFilter(this);
    ticker_.stop();
    caption_->hide();
    window_.setChromeHidden(false);
    window_.window->setWindowState(stateBefore_);
    emit activeChanged(false);
}

void LectureMode::next() {
    if (current_ + 1 < int(steps_.steps.size())) {
        ++current_;
        if (active_) apply(true);
    } else {
        caption_->setStatus(tr("This is the last step. Esc leaves lecture mode."));
    }
}

void LectureMode::previous() {
    if (current_ > 0) go(current_ - 1);
}

void LectureMode::go(int step) {
    current_ = std::clamp(step, 0, int(steps_.steps.size()) - 1);
    if (active_) apply(false);
}

void LectureMode::apply(bool forward) {
    const LectureStep& step = steps_.steps[std::size_t(current_)];
    caption_->showStep(current_, int(steps_.steps.size()), step.title, step.caption);
    caption_->setStatus({});
    window_.showLesson(step.lesson);
    const bool startRun = forward && step.train && !runsStarted_.contains(current_);
    if (startRun) runsStarted_.insert(current_);
    retry_ = !applyLectureStep(step, pages_, startRun);
    tick();
    emit stepShown(current_);
}

void LectureMode::tick() {
    if (!active_) return;
    const LectureStep& step = steps_.steps[std::size_t(current_)];
    if (retry_) retry_ = !applyLectureStep(step, pages_, false);
    if (step.lesson == QLatin1String("training")) caption_->setStatus(countdownText());
}

QString LectureMode::countdownText() {
    const std::optional<TrainingCountdown> live = liveTraining(pages_);
    if (!live) {
        totalSeen_ = 0;
        return {};
    }
    if (live->total != totalSeen_ || live->done < doneAtStart_) {  // a new run: measure its rate afresh
        totalSeen_ = live->total;
        doneAtStart_ = live->done;
        since_.start();
    }
    const QLocale locale;
    QString text = tr("Training in the background: step %1 of %2").arg(locale.toString(qulonglong(live->done)),
                                                                      locale.toString(qulonglong(live->total)));
    const double seconds = double(since_.elapsed()) / 1000.0;
    const std::size_t done = live->done - doneAtStart_;
    if (done >= 10 && seconds > 1.0 && live->total > live->done) {
        const double left = double(live->total - live->done) * seconds / double(done);
        text += tr("  ·  about %1 s left").arg(locale.toString(qulonglong(std::ceil(left))));
    } else if (live->done == 0) {
        text += tr("  ·  preparing");
    }
    return text;
}

bool LectureMode::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::KeyPress && event->type() != QEvent::ShortcutOverride) return false;
    const auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget || widget->window() != window_.window) return false;
    const auto* keyEvent = static_cast<QKeyEvent*>(event);
    const Key key = keyFor(*keyEvent, typingIn(QApplication::focusWidget()));
    if (key == Key::None) return false;
    event->accept();
    if (event->type() == QEvent::ShortcutOverride) return true;  // the key comes as a key press, not a shortcut
    if (keyEvent->isAutoRepeat()) return true;  // a held key moves one step, not through the lecture
    switch (key) {
        case Key::Next: next(); break;
        case Key::Back: previous(); break;
        case Key::Leave: leave(); break;
        case Key::None: break;
    }
    return true;
}

}  // namespace pretrainlab::app
