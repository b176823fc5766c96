#pragma once

#include <QDialog>
#include <functional>
#include <vector>

class QTreeWidget;
class QTreeWidgetItem;
class QTextBrowser;

namespace pretrainlab::app {

// Help beside the lessons (not modal): the topics (each lesson with its views, the glossary, the
// keyboard shortcuts) and the topic's text, whose glossary links lead to the term.
class HelpWindow : public QDialog {
    Q_OBJECT
public:
    // `shortcuts` gives the shortcuts sheet as rich text when it is shown (the window's actions
    // may change).
    explicit HelpWindow(std::function<QString()> shortcuts, QWidget* parent = nullptr);

    void showView(const QString& lesson, const QString& view);
    void showGlossary(const QString& term = {});
    void showShortcuts();

    QString topic() const;        // the title of what is shown
    QTextBrowser* text() const { return text_; }

private:
    void showTopic(QTreeWidgetItem* item);
    void select(QTreeWidgetItem* item);

    std::function<QString()> shortcuts_;
    QTreeWidget* topics_ = nullptr;
    QTextBrowser* text_ = nullptr;
    std::vector<QTreeWidgetItem*> viewItems_;  // in helpContent().views' order
    QTreeWidgetItem* glossary_ = nullptr;
    QTreeWidgetItem* shortcutsItem_ = nullptr;
    bool sized_ = false;

protected:
    void showEvent(QShowEvent* event) override;
};

}  // namespace pretrainlab::app
