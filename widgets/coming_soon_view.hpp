#pragma once

#include <QStringList>
#include <QWidget>

namespace pretrainlab::widgets {

// A lesson that is not built yet: its title, what it will teach, and nothing to click.
class ComingSoonView : public QWidget {
    Q_OBJECT
public:
    ComingSoonView(const QString& title, const QString& summary, const QStringList& topics,
                   QWidget* parent = nullptr);
};

}  // namespace pretrainlab::widgets
