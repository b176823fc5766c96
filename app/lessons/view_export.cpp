#include "app/lessons/view_export.hpp"

#include <QFileInfo>
#include <QImageWriter>
#include <QLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPixmap>
#include <QSaveFile>
#include <QScrollArea>
#include <QWidget>

namespace pretrainlab::app {

QWidget& viewContent(QWidget& tab) {
    if (auto* scroll = qobject_cast<QScrollArea*>(&tab); scroll && scroll->widget()) return *scroll->widget();
    if (auto* scroll = tab.findChild<QScrollArea*>(QString(), Qt::FindDirectChildrenOnly); scroll && scroll->widget() &&
        tab.layout() && tab.layout()->count() == 1)
        return *scroll->widget();
    return tab;
}

QString exportView(QWidget& view, const QString& path) {
    const QString name = QFileInfo(path).fileName();
    if (view.width() <= 0 || view.height() <= 0) return QObject::tr("Nothing to export: the view is not on show.");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return QObject::tr("Could not write %1: %2").arg(path, file.errorString());
    if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
        // One page the size of the view, at the screen's resolution, so it looks as it does here.
        QPdfWriter pdf(&file);
        pdf.setTitle(name);
        pdf.setCreator(QStringLiteral("PretrainLab"));
        const int dpi = view.logicalDpiX() > 0 ? view.logicalDpiX() : 96;
        pdf.setResolution(dpi);
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setPageSize(QPageSize(QSizeF(view.width() * 72.0 / dpi, view.height() * 72.0 / dpi), QPageSize::Point));
        QPainter painter;
        if (!painter.begin(&pdf)) {
            file.cancelWriting();
            return QObject::tr("Could not write the PDF %1").arg(path);
        }
        view.render(&painter);
        painter.end();
    } else {
        const QPixmap picture = view.grab();
        QImageWriter writer(&file, "png");
        if (!writer.write(picture.toImage())) {
            file.cancelWriting();
            return QObject::tr("Could not write %1: %2").arg(path, writer.errorString());
        }
    }
    if (!file.commit()) return QObject::tr("Could not write %1: %2").arg(path, file.errorString());
    return {};
}

}  // namespace pretrainlab::app
