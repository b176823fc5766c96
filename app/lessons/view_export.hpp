#pragma once

#include <QString>

class QWidget;

namespace pretrainlab::app {

// Saves what a view shows, all of it (also the part scrolled out of sight), as a PNG image or a
// PDF page, chosen by the file's ending (.pdf; anything else is PNG at the screen's pixel
// density). Written whole or not at all. Returns what went wrong, in words that name the file,
// or an empty string.
QString exportView(QWidget& view, const QString& path);

// The widget that holds a tab's content: inside a scroll area, its content rather than the
// visible window onto it.
QWidget& viewContent(QWidget& tab);

}  // namespace pretrainlab::app
