#pragma once

#include <functional>

class QBoxLayout;
class QHBoxLayout;
class QString;
class QWidget;

namespace pretrainlab::widgets {

// The width `owner` may take: its own, or, in a page that scrolls, what the page's viewport shows
// of it (the owner itself is as wide as the page's content, which may be wider than the screen).
int roomFor(const QWidget* owner);
// Calls `fit` whenever the room of `owner` may have changed: `owner` shown, resized or given another
// font, or the viewport of the page it scrolls in resized.
void watchRoom(QWidget* owner, std::function<void()> fit);

// `layout`'s items side by side while `owner` has more room than their minimum widths, else one
// above the other: a row of controls that never widens the window at the largest text sizes.
// `layout` must be a QBoxLayout inside `owner`; it is turned, never rebuilt.
void stackWhenNarrow(QWidget* owner, QBoxLayout* layout);
// A label before its field (which takes the room left), to stand as one item in such a row: the
// pair stays together when the row stacks.
QHBoxLayout* labelledField(const QString& label, QWidget* field);

}  // namespace pretrainlab::widgets
