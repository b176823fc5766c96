#include "app/help/help_window.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QShowEvent>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QUrl>
#include <algorithm>

#include "app/help/help_content.hpp"

namespace pretrainlab::app {
namespace {

QString lessonTitle(const QString& lesson) {
    if (lesson == QLatin1String("tokenization")) return HelpWindow::tr("Tokenization");
    if (lesson == QLatin1String("architectures")) return HelpWindow::tr("Architectures & attention");
    if (lesson == QLatin1String("training")) return HelpWindow::tr("Training");
    if (lesson == QLatin1String("optimization")) return HelpWindow::tr("Optimization");
    return HelpWindow::tr("Pretrain → finetune");
}

}  // namespace

HelpWindow::HelpWindow(std::function<QString()> shortcuts, QWidget* parent)
    : QDialog(parent), shortcuts_(std::move(shortcuts)) {
    setWindowTitle(tr("PretrainLab Help"));
    setObjectName(QStringLiteral("helpWindow"));
    topics_ = new QTreeWidget;
    topics_->setObjectName(QStringLiteral("helpTopics"));
    topics_->setAccessibleName(tr("Help topics"));
    topics_->setHeaderHidden(true);
    topics_->setColumnCount(1);
    topics_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Each lesson with its views (a view's title without its lesson's name), then the glossary
    // and the keys.
    QTreeWidgetItem* lesson = nullptr;
    for (const ViewHelp& help : helpContent().views) {
        if (!lesson || lesson->data(0, Qt::UserRole).toString() != help.lesson) {
            lesson = new QTreeWidgetItem(topics_, {lessonTitle(help.lesson)});
            lesson->setData(0, Qt::UserRole, help.lesson);
            lesson->setFlags(Qt::ItemIsEnabled);
            lesson->setExpanded(true);
        }
        const QString title = help.title.section(QStringLiteral(": "), 1);
        auto* item = new QTreeWidgetItem(lesson, {title.isEmpty() ? help.title : title});
        item->setToolTip(0, help.title);
        viewItems_.push_back(item);
    }
    glossary_ = new QTreeWidgetItem(topics_, {tr("Glossary")});
    shortcutsItem_ = new QTreeWidgetItem(topics_, {tr("Keyboard shortcuts")});
    topics_->expandAll();

    text_ = new QTextBrowser;
    text_->setObjectName(QStringLiteral("helpText"));
    text_->setAccessibleName(tr("Help text"));
    text_->setOpenLinks(false);
    connect(text_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("glossary")) showGlossary(url.path());
    });
    connect(topics_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) { showTopic(item); });

    auto* splitter = new QSplitter;
    splitter->setObjectName(QStringLiteral("helpSplitter"));
    splitter->addWidget(topics_);
    splitter->addWidget(text_);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(splitter);
}

void HelpWindow::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    if (sized_) return;
    sized_ = true;
    // Most of the lesson's window, and the topics as wide as their longest name.
    const QSize room = parentWidget() ? parentWidget()->window()->size() : QSize(1280, 720);
    resize(std::min(room.width() * 9 / 10, 1200), std::min(room.height() * 9 / 10, 760));
    if (parentWidget()) move(parentWidget()->window()->geometry().center() - rect().center());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("helpSplitter"))) {
        int widest = 0;
        for (QTreeWidgetItemIterator it(topics_); *it; ++it)
            widest = std::max(widest, topics_->fontMetrics().horizontalAdvance((*it)->text(0)) +
                                          ((*it)->parent() ? topics_->indentation() : 0));
        const int topics = std::min(widest + topics_->indentation() + 40, width() * 2 / 5);
        splitter->setSizes({topics, width() - topics});
    }
}

void HelpWindow::showTopic(QTreeWidgetItem* item) {
    if (!item) return;
    const auto view = std::find(viewItems_.begin(), viewItems_.end(), item);
    if (view != viewItems_.end()) {
        text_->setHtml(viewHelpHtml(helpContent().views[std::size_t(view - viewItems_.begin())]));
    } else if (item == glossary_) {
        text_->setHtml(glossaryHtml(helpContent()));
    } else if (item == shortcutsItem_) {
        text_->setHtml(shortcuts_ ? shortcuts_() : QString());
    }
}

void HelpWindow::select(QTreeWidgetItem* item) {
    if (topics_->currentItem() == item) {
        showTopic(item);  // again: the shortcuts may have changed, the glossary may have scrolled
    } else {
        topics_->setCurrentItem(item);
    }
}

void HelpWindow::showView(const QString& lesson, const QString& view) {
    const std::vector<ViewHelp>& views = helpContent().views;
    for (std::size_t i = 0; i < views.size(); ++i) {
        if (views[i].lesson == lesson && views[i].view == view) {
            select(viewItems_[i]);
            return;
        }
    }
    select(glossary_);
}

void HelpWindow::showGlossary(const QString& term) {
    if (topics_->currentItem() != glossary_) topics_->setCurrentItem(glossary_);
    if (!term.isEmpty()) text_->scrollToAnchor(QString::fromLatin1(QUrl::toPercentEncoding(term.toLower())));
}

void HelpWindow::showShortcuts() { select(shortcutsItem_); }

QString HelpWindow::topic() const {
    const QTreeWidgetItem* item = topics_->currentItem();
    if (!item) return {};
    return item->toolTip(0).isEmpty() ? item->text(0) : item->toolTip(0);
}

}  // namespace pretrainlab::app
