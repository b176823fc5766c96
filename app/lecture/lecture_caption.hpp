#pragma once

#include <QFrame>

class QLabel;

namespace pretrainlab::app {

// The lecture mode's caption along the bottom of the window: where the walk-through is, the
// step's title and its point in one or two sentences, what runs in the background, and the keys.
// Its text is larger than the lesson's, in proportion to the lecturer's text size, up to a limit
// that keeps most of a 720-pixel-high screen for the lesson at the largest text size.
class LectureCaption : public QFrame {
    Q_OBJECT
public:
    explicit LectureCaption(QWidget* parent = nullptr);

    void showStep(int index, int count, const QString& title, const QString& caption);
    void setStatus(const QString& status);  // "" hides the line

    QString position() const;
    QString title() const;
    QString caption() const;
    QString status() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitFonts();

    QLabel* position_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* caption_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* keys_ = nullptr;
};

}  // namespace pretrainlab::app
