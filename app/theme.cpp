#include "app/theme.hpp"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyleFactory>

namespace pretrainlab::app {
namespace {

QPalette projectorPalette() {
    const QColor window(248, 248, 246);
    const QColor text(22, 24, 29);
    const QColor accent(31, 86, 184);
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(242, 243, 247));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(236, 237, 240));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::Highlight, accent);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::ToolTipBase, QColor(255, 255, 240));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(96, 100, 110));
    palette.setColor(QPalette::Link, accent);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(150, 152, 158));
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(150, 152, 158));
    palette.setColor(QPalette::Disabled, QPalette::Text, QColor(150, 152, 158));
    return palette;
}

QString styleSheet(double base) {
    const auto pt = [base](double scale) { return QString::number(base * scale, 'f', 1) + "pt"; };
    return QStringLiteral(R"(
QLabel[role="title"] { font-size: %1; font-weight: 700; color: #111318; }
QLabel[role="banner"] { font-size: %2; }
QLabel[role="banner"]#tokenizeCaption { font-size: %2; }
QLabel[role="note"] { color: #7a3e00; background: #fff4d6; border: 1px solid #f0c36b;
                      border-radius: 6px; padding: 3px 8px; font-size: %4; }
QLabel[role="problem"] { color: #8a1010; background: #fde8e8; border: 1px solid #e7a0a0;
                         border-radius: 6px; padding: 6px 10px; font-weight: 600; }
QGroupBox { font-weight: 700; border: 1px solid #c9ccd3; border-radius: 8px;
            margin-top: 1.2em; padding-top: 6px; background: #ffffff; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #1f2a44; }
QPushButton { padding: 5px 12px; border: 1px solid #9aa0ab; border-radius: 6px;
              background: #eceef2; min-height: 1.3em; }
QPushButton[role="small"] { padding: 2px 10px; min-height: 1.1em; }
QToolButton { padding: 5px 10px; border: 1px solid #9aa0ab; border-radius: 6px; background: #eceef2; }
QLabel[role="muted"] { color: #5a606b; }
QTabBar::tab { padding: 6px 14px; }
QPushButton:hover { background: #e0e4ec; }
QPushButton:pressed, QPushButton:checked { background: #c9d6ef; border-color: #1f56b8; }
QPushButton:disabled { color: #a0a3aa; border-color: #cfd2d8; background: #f1f2f4; }
QPushButton:focus { border: 2px solid #1f56b8; }
QPushButton[role="accent"] { background: #1f56b8; color: white; border-color: #173f88;
                             font-weight: 700; }
QPushButton[role="accent"]:hover { background: #2a66d1; }
QPushButton[role="accent"]:disabled { background: #9db3dc; color: #eef2fa; }
QHeaderView::section { font-weight: 700; padding: 4px 6px; border: none;
                       border-bottom: 2px solid #c9ccd3; background: #f4f5f8; }
QTableWidget { border: none; }
QTableWidget::item { padding: 2px 6px; }
QTableView[role="compact"] { font-size: %5; }
QTableView[role="compact"]::item { padding: 1px 4px; }
QListWidget#navigation { background: #1f2a44; color: #e9edf6; border: none; outline: none;
                         font-size: %3; padding-top: 8px; }
QListWidget#navigation::item { padding: 12px 14px; border-left: 5px solid transparent; }
QListWidget#navigation::item:selected { background: #2f3f66; color: #ffffff;
                                        border-left: 5px solid #ffc94d; }
QListWidget#navigation::item:hover:!selected { background: #283656; }
QToolTip { font-size: %4; }
)")
        .arg(pt(1.55), pt(1.1), pt(1.05), pt(0.9), pt(0.93));
}

}  // namespace

void applyTheme(QApplication& app, double basePointSize) {
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    app.setPalette(projectorPalette());
    QFont font = app.font();
    font.setPointSizeF(basePointSize);
    app.setFont(font);
    app.setStyleSheet(styleSheet(basePointSize));
}

}  // namespace pretrainlab::app
