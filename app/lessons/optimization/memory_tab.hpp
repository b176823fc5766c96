#pragma once

#include <QWidget>
#include <optional>

#include "core/optim/memory.hpp"

class QComboBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace pretrainlab::widgets {
class StackedBars;
}

namespace pretrainlab::app {

// What one training step holds: weights, the fp32 master copy (mixed precision), gradients,
// optimizer state and activations, for SGD, momentum and Adam in fp32 and in mixed precision, as
// stacked bars and a table; for BERT and GPT presets and the app's own tiny decoder, with this
// process's measured peak memory beside them.
class MemoryTab : public QWidget {
    Q_OBJECT
public:
    explicit MemoryTab(QWidget* parent = nullptr);

    void setModel(const QString& name);
    std::optional<optim::ModelShape> shape() const;
    QTableWidget* table() const { return table_; }

private:
    void redraw();

    std::optional<optim::ModelShape> tiny_;  // the shipped tiny decoder, from the engine's count
    QComboBox* model_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* context_ = nullptr;
    QLabel* source_ = nullptr;
    QLabel* measured_ = nullptr;
    QLabel* takeaway_ = nullptr;
    widgets::StackedBars* bars_ = nullptr;
    QTableWidget* table_ = nullptr;
};

}  // namespace pretrainlab::app
