#pragma once

class QWidget;

namespace pretrainlab::app {

// Gives every control under `root` that takes the keyboard a name for screen readers where it has
// none: the words of the label just before it in its layout (which then also becomes the label's
// buddy, so the label's mnemonic reaches it), else its tooltip's first phrase, else its title.
// Buttons named by their text and controls with a name of their own are left as they are.
// Returns how many controls are still without a name (0 when all have one).
int nameControls(QWidget& root);

// Lets Tab leave every text field and table under `root` (a text field takes no tab characters,
// a table's cells are walked with the arrow keys), so Tab goes through a view and never stays.
void letTabMoveOn(QWidget& root);

// Whether a widget takes the keyboard as a control a user works with (not a scroll area, a
// tab stack or a part Qt builds inside another control).
bool isNamedControl(const QWidget& widget);
// The name a screen reader reads for it: its own, its label buddy's, or a button's text.
bool hasAccessibleName(const QWidget& widget);

}  // namespace pretrainlab::app
