#pragma once

// Tokens in running rich text, as the lessons' labels show them: each a chip whose colour says
// its role (prompt, newly made, producing loss, ...), taken from the view palette.

#include <QString>

class QLabel;

namespace pretrainlab::app {

enum class ChipRole { Plain, Prompt, New, Newest, Loss };

// `below`: a note after the chip: a number (the order it was filled in) as a subscript, a word
// (the token it must predict) as "→word" at full size.
QString tokenChip(const QString& text, ChipRole role, bool bold = false, const QString& below = {});

// A word-wrapped rich-text label; `quiet` ones are in the muted colour.
QLabel* wrappedLabel(const QString& text, bool quiet = false);

}  // namespace pretrainlab::app
