#pragma once

class QBoxLayout;
class QWidget;

namespace pretrainlab::widgets {

// `layout`'s items side by side while `owner` has more room than their minimum widths, else one
// above the other: a row of controls that never widens the window at the largest text sizes.
// `layout` must be a QBoxLayout inside `owner`; it is turned, never rebuilt.
void stackWhenNarrow(QWidget* owner, QBoxLayout* layout);

}  // namespace pretrainlab::widgets
