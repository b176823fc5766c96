#include "widgets/row_reflow.hpp"

#include <QBoxLayout>
#include <QLabel>
#include <QEvent>
#include <QPointer>
#include <QScrollArea>
#include <QWidget>
#include <algorithm>

namespace pretrainlab::widgets {
namespace {

const QScrollArea* pageOf(const QWidget* owner) {
    for (const QWidget* above = owner->parentWidget(); above; above = above->parentWidget()) {
        if (const auto* area = qobject_cast<const QScrollArea*>(above)) return area;
    }
    return nullptr;
}

class RoomWatch : public QObject {
public:
    RoomWatch(QWidget* owner, std::function<void()> fit) : QObject(owner), owner_(owner), fit_(std::move(fit)) {
        owner->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == owner_ && event->type() == QEvent::Show && !viewport_) {
            if (const QScrollArea* area = pageOf(owner_)) {
                viewport_ = area->viewport();
                viewport_->installEventFilter(this);
            }
        }
        const QEvent::Type type = event->type();
        if (type == QEvent::Resize || type == QEvent::FontChange || type == QEvent::Show) fit_();
        return false;
    }

private:
    QWidget* owner_;
    std::function<void()> fit_;
    QPointer<QWidget> viewport_;
};

}  // namespace

int roomFor(const QWidget* owner) {
    const QScrollArea* area = pageOf(owner);
    if (!area || !area->widget()) return owner->width();
    // What the page puts beside the owner (margins, frames) stays; the rest is the viewport's.
    return std::min(owner->width(), area->viewport()->width() - (area->widget()->width() - owner->width()));
}

void watchRoom(QWidget* owner, std::function<void()> fit) { new RoomWatch(owner, std::move(fit)); }

void stackWhenNarrow(QWidget* owner, QBoxLayout* layout) {
    watchRoom(owner, [owner, layout] {
        // What the items need side by side. A row squeezed to exactly that (its page scrolls
        // sideways to give it room) is too narrow as well.
        const QMargins margins = layout->contentsMargins();
        int needed = margins.left() + margins.right();
        for (int i = 0; i < layout->count(); ++i) {
            needed += layout->itemAt(i)->minimumSize().width() + (i > 0 ? layout->spacing() : 0);
        }
        const auto direction = roomFor(owner) <= needed ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight;
        if (layout->direction() != direction) layout->setDirection(direction);
    });
}

QHBoxLayout* labelledField(const QString& label, QWidget* field) {
    auto* pair = new QHBoxLayout;
    pair->addWidget(new QLabel(label));
    pair->addWidget(field, 1);
    return pair;
}

}  // namespace pretrainlab::widgets
