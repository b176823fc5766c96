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
    // The table's choices: those labelled here in the labels' order, then any other by its name.
    const auto offered = [&field](const std::string& name) {
        return std::find(field.choices.begin(), field.choices.end(), name) != field.choices.end();
    };
    for (const auto& [name, label] : labels) {
        if (offered(name)) box->addItem(label, QString::fromLatin1(name));
    }
    for (const std::string& name : field.choices) {
        const QString data = QString::fromStdString(name);
        if (box->findData(data) < 0) box->addItem(data, data);
    }
    box->setCurrentIndex(box->findData(QString::fromStdString(std::get<std::string>(field.defaultValue))));
    box->setToolTip(helpOf(field));
    return box;
}

}  // namespace pretrainlab::app
