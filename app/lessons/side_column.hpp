#pragma once

#include <QWidget>
#include <initializer_list>

class QLayout;

namespace pretrainlab::app {

// A tab's left column (settings and buttons): at most `ems` character widths wide, at whatever text
// size the window shows, so the charts beside it keep the rest.
class SideColumn : public QWidget {
public:
    // A quiet line of what the tab asks (none when empty), then the widgets, top to bottom.
    SideColumn(const QString& intro, std::initializer_list<QWidget*> widgets, double ems = 26);
    double ems() const { return ems_; }
    // Above the views instead of beside them (the tab too narrow for both): as wide as the tab.
    void setStacked(bool stacked);
    bool isStacked() const { return stacked_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void fit();
    double ems_;
    bool stacked_ = false;
};

// The tab's layout: the side column on the left, `views` taking the rest. When the tab is too
// narrow for both (the largest text sizes on a 1280-wide projector), the column moves above the
// views and the views keep the whole width.
void placeBeside(QWidget* tab, SideColumn* side, QLayout* views);
// `layout` as a widget, to stack in a side column.
QWidget* asWidget(QLayout* layout);
// A tab's view in a frameless scroll area: at the largest text sizes it scrolls rather than widen
// the window.
QWidget* scrolledTab(QWidget* view);

}  // namespace pretrainlab::app
