#include "widgets/row_reflow.hpp"

#include <QBoxLayout>
#include <QEvent>
#include <QWidget>

namespace pretrainlab::widgets {
namespace {

class RowReflow : public QObject {
public:
    RowReflow(QWidget* owner, QBoxLayout* layout) : QObject(owner), layout_(layout) { owner->installEventFilter(this); }

    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Resize || event->type() == QEvent::FontChange) {
            // What the items need side by side. A row squeezed to exactly that (its page scrolls
            // sideways to give it room) is too narrow as well.
            const QMargins margins = layout_->contentsMargins();
            int needed = margins.left() + margins.right();
            for (int i = 0; i < layout_->count(); ++i) {
                needed += layout_->itemAt(i)->minimumSize().width() + (i > 0 ? layout_->spacing() : 0);
            }
            const bool stack = static_cast<QWidget*>(watched)->width() <= needed;
            const auto direction = stack ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight;
            if (layout_->direction() != direction) layout_->setDirection(direction);
        }
        return false;
    }

private:
    QBoxLayout* layout_;
};

}  // namespace

void stackWhenNarrow(QWidget* owner, QBoxLayout* layout) { new RowReflow(owner, layout); }

}  // namespace pretrainlab::widgets
