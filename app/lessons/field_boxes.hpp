#pragma once

// Form controls made from a settings table's field (core/common/settings_table): each takes the
// field's range, default and help, so a form and the command line agree.

#include <QString>
#include <utility>
#include <vector>

#include "core/common/settings_table.hpp"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace pretrainlab::app {

// The field's help as a tooltip: its first letter capitalised.
QString helpOf(const FieldSpec& field);
QSpinBox* integerBox(const FieldSpec& field);
// A share (field.percent) shows in %.
QDoubleSpinBox* numberBox(const FieldSpec& field, int decimals, double step);
// The field's choices, those in `labels` shown by their label in that order, then any other by its
// name; the item data is the name.
QComboBox* choiceBox(const FieldSpec& field, const std::vector<std::pair<const char*, QString>>& labels);

}  // namespace pretrainlab::app
