#include "app/lecture/lecture_caption.hpp"

#include <QApplication>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <algorithm>

namespace pretrainlab::app {
namespace {

QLabel* label(const char* name) {
    auto* label = new QLabel;
    label->setObjectName(QString::fromLatin1(name));
    label->setTextFormat(Qt::PlainText);
    return label;
}

}  // namespace

LectureCaption::LectureCaption(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("lectureCaption"));
    setAccessibleName(tr("Lecture step"));
    position_ = label("lecturePosition");
    title_ = label("lectureTitle");
    title_->setWordWrap(true);
    caption_ = label("lectureText");
    caption_->setWordWrap(true);
    status_ = label("lectureStatus");
    status_->hide();
    keys_ = label("lectureKeys");
    keys_->setText(tr("Space, → or PageDown: next  ·  ← or PageUp: back  ·  Esc: leave"));

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(18, 8, 18, 8);
    layout->setHorizontalSpacing(16);
    layout->setVerticalSpacing(2);
    layout->addWidget(title_, 0, 0);
    layout->addWidget(position_, 0, 1, Qt::AlignRight | Qt::AlignTop);
    layout->addWidget(caption_, 1, 0, 1, 2);
    layout->addWidget(status_, 2, 0, 1, 2);
    layout->addWidget(keys_, 3, 0, 1, 2, Qt::AlignRight);
    layout->setColumnStretch(0, 1);
    fitFonts();
}

void LectureCaption::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::ApplicationFontChange) fitFonts();
}

void LectureCaption::fitFonts() {
    const double base = QApplication::font().pointSizeF();
    // Each size: a multiple of the lesson's text up to a fixed size in points; the title and the
    // caption never smaller than the lesson's text.
    const auto set = [base](QLabel* label, double times, double largest, bool atLeastBase = true) {
        QFont font = label->font();
        const double points = std::max(atLeastBase ? base : 0.0, std::min(base * times, largest));
        if (font.pointSizeF() == points) return;
        font.setPointSizeF(points);
        label->setFont(font);
    };
    set(title_, 1.45, 24.0);
    set(position_, 1.15, 20.0, false);
    set(caption_, 1.2, 20.0);
    set(status_, 1.0, 18.0, false);
    set(keys_, 0.8, 13.0, false);
}

void LectureCaption::showStep(int index, int count, const QString& title, const QString& caption) {
    position_->setText(tr("%1 / %2").arg(index + 1).arg(count));
    position_->setAccessibleName(tr("Step %1 of %2").arg(index + 1).arg(count));
    title_->setText(title);
    caption_->setText(caption);
}

void LectureCaption::setStatus(const QString& status) {
    if (status_->text() == status) return;
    status_->setText(status);
    status_->setVisible(!status.isEmpty());
}

QString LectureCaption::position() const { return position_->text(); }
QString LectureCaption::title() const { return title_->text(); }
QString LectureCaption::caption() const { return caption_->text(); }
QString LectureCaption::status() const { return status_->text(); }

}  // namespace pretrainlab::app
