#include "widgets/coming_soon_view.hpp"

#include <QLabel>
#include <QVBoxLayout>

namespace pretrainlab::widgets {

ComingSoonView::ComingSoonView(const QString& title, const QString& summary,
                               const QStringList& topics, QWidget* parent)
    : QWidget(parent) {
    auto* heading = new QLabel(title);
    heading->setProperty("role", QStringLiteral("title"));

    auto* status = new QLabel(tr("This lesson is not in PretrainLab yet."));
    status->setObjectName(QStringLiteral("comingStatus"));
    status->setProperty("role", QStringLiteral("banner"));

    auto* about = new QLabel(summary);
    about->setWordWrap(true);

    QString list = QStringLiteral("<p>") + tr("It will let you:") + QStringLiteral("</p><ul>");
    for (const QString& topic : topics) {
        list += QStringLiteral("<li style=\"margin-bottom:6px\">") + topic.toHtmlEscaped() +
                QStringLiteral("</li>");
    }
    list += QStringLiteral("</ul>");
    auto* plan = new QLabel(list);
    plan->setTextFormat(Qt::RichText);
    plan->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(28, 22, 28, 22);
    layout->setSpacing(14);
    layout->addWidget(heading);
    layout->addWidget(status);
    layout->addWidget(about);
    layout->addWidget(plan);
    layout->addStretch(1);
}

}  // namespace pretrainlab::widgets
