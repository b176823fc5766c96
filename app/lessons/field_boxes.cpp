#include "app/lessons/field_boxes.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <algorithm>
#include <climits>
#include <cmath>

namespace pretrainlab::app {

QString helpOf(const FieldSpec& field) {
    QString help = QString::fromStdString(field.help);
    if (!help.isEmpty()) help[0] = help[0].toUpper();
    return help;
}

QSpinBox* integerBox(const FieldSpec& field) {
    auto* box = new QSpinBox;
    box->setRange(int(field.minimum), int(std::min<double>(field.maximum, INT_MAX)));
    box->setValue(int(std::get<std::int64_t>(field.defaultValue)));
    box->setToolTip(helpOf(field));
    box->setAccelerated(true);
    return box;
}

QDoubleSpinBox* numberBox(const FieldSpec& field, int decimals, double step) {
    const double scale = field.percent ? 100.0 : 1.0;
    auto* box = new QDoubleSpinBox;
    box->setDecimals(decimals);
    // The smallest value the box can show that the table allows.
    const double precision = std::pow(10.0, decimals);
    box->setRange(std::ceil(field.minimum * scale * precision) / precision, field.maximum * scale);
    box->setSingleStep(step);
    box->setValue(std::get<double>(field.defaultValue) * scale);
    box->setToolTip(helpOf(field));
    if (field.percent) box->setSuffix(QStringLiteral(" %"));
    return box;
}

QComboBox* choiceBox(const FieldSpec& field, const std::vector<std::pair<const char*, QString>>& labels) {
    auto* box = new QComboBox;
    for (const auto& [name, label] : labels) box->addItem(label, QString::fromLatin1(name));
    box->setCurrentIndex(box->findData(QString::fromStdString(std::get<std::string>(field.defaultValue))));
    box->setToolTip(helpOf(field));
    return box;
}

}  // namespace pretrainlab::app
