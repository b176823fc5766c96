#pragma once

// Turns core's std types into Qt strings so that a failing QCOMPARE prints both sides.

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

inline QString q(const std::string& text) { return QString::fromStdString(text); }

inline QStringList q(const std::vector<std::string>& texts) {
    QStringList list;
    for (const std::string& text : texts) list << q(text);
    return list;
}

// One line per word, tokens separated by spaces: {"b an an a", "b an d", "b an"}.
inline QStringList lines(const std::vector<std::vector<std::string>>& segmentation) {
    QStringList list;
    for (const auto& word : segmentation) list << q(word).join(QLatin1Char(' '));
    return list;
}
