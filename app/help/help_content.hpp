#pragma once

#include <QString>
#include <optional>
#include <vector>

namespace pretrainlab::app {

// The help F1 opens (resources/help/help.json): for each lesson's view, what it shows, how to read
// it and the lecture's sentence it illustrates; and the glossary of the lecture's terms. In the
// texts, [[term]] links to the glossary.
struct ViewHelp {
    QString lesson;  // as in MainWindow::pageNames()
    QString view;    // as in lectureViews(lesson)
    QString title;
    QString shows;
    QString read;
    QString lecture;
};

struct GlossaryEntry {
    QString term;
    QString text;
};

struct HelpContent {
    std::vector<ViewHelp> views;
    std::vector<GlossaryEntry> glossary;

    const ViewHelp* view(const QString& lesson, const QString& view) const;
    // The entry whose term matches, ignoring case.
    const GlossaryEntry* entry(const QString& term) const;
};

// Reads the help's JSON. On a problem returns nothing and says what and where in *error: an
// unknown lesson or view, a field missing, a [[link]] to a term the glossary does not have.
std::optional<HelpContent> parseHelp(const QByteArray& json, QString* error);
// The help that comes with the app.
const HelpContent& helpContent();

// As rich text: [[term]] becomes a link "glossary:term", everything else is escaped.
QString linkedHtml(const QString& text);
QString viewHelpHtml(const ViewHelp& help);
QString glossaryHtml(const HelpContent& content);

}  // namespace pretrainlab::app
