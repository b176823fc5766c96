#include "app/help/help_content.hpp"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

#include "app/lecture/lecture_steps.hpp"
#include "resources/resources.hpp"

namespace pretrainlab::app {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("Help", text); }

const QRegularExpression& linkPattern() {
    static const QRegularExpression pattern(QStringLiteral("\\[\\[([^\\]]+)\\]\\]"));
    return pattern;
}

}  // namespace

const ViewHelp* HelpContent::view(const QString& lesson, const QString& name) const {
    for (const ViewHelp& help : views)
        if (help.lesson == lesson && help.view == name) return &help;
    return nullptr;
}

const GlossaryEntry* HelpContent::entry(const QString& term) const {
    for (const GlossaryEntry& glossaryEntry : glossary)
        if (glossaryEntry.term.compare(term, Qt::CaseInsensitive) == 0) return &glossaryEntry;
    return nullptr;
}

std::optional<HelpContent> parseHelp(const QByteArray& json, QString* error) {
    const auto fail = [error](const QString& message) -> std::optional<HelpContent> {
        if (error) *error = message;
        return std::nullopt;
    };
    QJsonParseError parse{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parse);
    if (parse.error != QJsonParseError::NoError || !document.isObject()) {
        return fail(tr("not a JSON object (byte %1: %2)").arg(parse.offset).arg(parse.errorString()));
    }
    HelpContent content;
    const QJsonArray glossary = document.object().value(QStringLiteral("glossary")).toArray();
    for (qsizetype i = 0; i < glossary.size(); ++i) {
        const QJsonObject entry = glossary.at(i).toObject();
        GlossaryEntry read{entry.value(QStringLiteral("term")).toString(), entry.value(QStringLiteral("text")).toString()};
        if (read.term.isEmpty() || read.text.isEmpty()) return fail(tr("glossary entry %1 needs a term and a text").arg(i + 1));
        content.glossary.push_back(read);
    }
    const QJsonArray views = document.object().value(QStringLiteral("views")).toArray();
    for (qsizetype i = 0; i < views.size(); ++i) {
        const QJsonObject view = views.at(i).toObject();
        const auto text = [&view](const char* key) { return view.value(QString::fromLatin1(key)).toString(); };
        ViewHelp help{text("lesson"), text("view"), text("title"), text("shows"), text("read"), text("lecture")};
        const QString where = tr("view %1 (%2/%3)").arg(i + 1).arg(help.lesson, help.view);
        if (!lectureViews(help.lesson).contains(help.view)) return fail(tr("%1: no such lesson and view").arg(where));
        if (help.title.isEmpty() || help.shows.isEmpty() || help.read.isEmpty() || help.lecture.isEmpty())
            return fail(tr("%1 needs a title, shows, read and lecture").arg(where));
        content.views.push_back(help);
    }
    // Every link leads somewhere.
    const auto checkLinks = [&content](const QString& text) -> QString {
        for (auto match = linkPattern().globalMatch(text); match.hasNext();) {
            const QString term = match.next().captured(1);
            if (!content.entry(term)) return term;
        }
        return {};
    };
    for (const ViewHelp& help : content.views) {
        for (const QString& text : {help.shows, help.read, help.lecture})
            if (const QString missing = checkLinks(text); !missing.isEmpty())
                return fail(tr("%1/%2 links to \"%3\", which the glossary does not have").arg(help.lesson, help.view, missing));
    }
    for (const GlossaryEntry& entry : content.glossary)
        if (const QString missing = checkLinks(entry.text); !missing.isEmpty())
            return fail(tr("the glossary's %1 links to \"%2\", which the glossary does not have").arg(entry.term, missing));
    return content;
}

const HelpContent& helpContent() {
    static const HelpContent content = [] {
        QString error;
        std::optional<HelpContent> read = parseHelp(resources::read(QStringLiteral(":/help/help.json")), &error);
        if (!read) qFatal("the shipped help is broken: %s", qPrintable(error));
        return *read;
    }();
    return content;
}

QString linkedHtml(const QString& text) {
    QString html;
    qsizetype at = 0;
    for (auto match = linkPattern().globalMatch(text); match.hasNext();) {
        const QRegularExpressionMatch link = match.next();
        html += text.mid(at, link.capturedStart() - at).toHtmlEscaped();
        const QString term = link.captured(1);
        html += QStringLiteral("<a href=\"glossary:%1\">%2</a>").arg(QString::fromLatin1(QUrl::toPercentEncoding(term)), term.toHtmlEscaped());
        at = link.capturedEnd();
    }
    return html + text.mid(at).toHtmlEscaped();
}

QString viewHelpHtml(const ViewHelp& help) {
    return QStringLiteral("<h2>%1</h2><p><b>%2</b> %3</p><p><b>%4</b> %5</p><p><b>%6</b> <i>%7</i></p>")
        .arg(help.title.toHtmlEscaped(), tr("What it shows."), linkedHtml(help.shows), tr("How to read it."),
             linkedHtml(help.read), tr("The lecture:"), linkedHtml(help.lecture));
}

QString glossaryHtml(const HelpContent& content) {
    QString html = QStringLiteral("<h2>%1</h2>").arg(tr("Glossary"));
    for (const GlossaryEntry& entry : content.glossary) {
        html += QStringLiteral("<p><a name=\"%1\"></a><b>%2</b>: %3</p>")
                    .arg(QString::fromLatin1(QUrl::toPercentEncoding(entry.term.toLower())), entry.term.toHtmlEscaped(),
                         linkedHtml(entry.text));
    }
    return html;
}

}  // namespace pretrainlab::app
