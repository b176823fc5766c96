#include "app/lessons/token_html.hpp"

#include <QLabel>

#include "widgets/view_palette.hpp"

namespace pretrainlab::app {

QString tokenChip(const QString& text, ChipRole role, bool bold, const QString& below) {
    const widgets::ViewPalette& colours = widgets::viewPalette();
    QColor background;
    switch (role) {
        case ChipRole::Plain: background = colours.chipPlain; break;
        case ChipRole::Prompt: background = colours.chipPrompt; break;
        case ChipRole::New: background = colours.chipNew; break;
        case ChipRole::Newest: background = colours.chipNewest; break;
        case ChipRole::Loss: background = colours.chipLoss; break;
    }
    QString html = QStringLiteral("<span style=\"background-color:%1;color:%2;%3\">&nbsp;%4&nbsp;</span>")
                       .arg(background.name(), colours.chipText.name(),
                            bold ? QStringLiteral("font-weight:bold;") : QString(), text.toHtmlEscaped());
    bool number = false;
    below.toInt(&number);
    if (number) {
        html += QStringLiteral("<sub style=\"color:%1;\">%2</sub>").arg(colours.mutedText.name(), below.toHtmlEscaped());
    } else if (!below.isEmpty()) {
        // A word at full size, so it reads from the back of the room.
        html += QStringLiteral("<span style=\"color:%1;\">→<i>%2</i></span>").arg(colours.mutedText.name(), below.toHtmlEscaped());
    }
    return html;
}

QLabel* wrappedLabel(const QString& text, bool quiet) {
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    if (quiet) label->setProperty("role", QStringLiteral("muted"));
    return label;
}

}  // namespace pretrainlab::app
