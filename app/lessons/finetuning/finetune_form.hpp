#pragma once

#include <QWidget>

#include "app/lessons/side_column.hpp"
#include "core/finetune/finetune_settings.hpp"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace pretrainlab::app {

// The settings of one finetuning run, each control from core's table of finetune settings (range,
// default, help): task, labelled examples, what trains, the auxiliary LM's λ, steps, rate, batch
// and seed. Tabs that need fewer show only some rows.
class FinetuneForm : public QWidget {
    Q_OBJECT
public:
    enum Row { Task = 1, Labels = 2, Mode = 4, AuxLm = 8, Steps = 16, Rate = 32, Batch = 64, Seed = 128, All = 255 };

    explicit FinetuneForm(int rows = All, QWidget* parent = nullptr);

    finetune::FinetuneSettings settings() const;
    void setTask(const std::string& name);
    QComboBox* taskBox() const { return task_; }

signals:
    void changed();

private:
    QComboBox* task_ = nullptr;
    QSpinBox* labels_ = nullptr;
    QComboBox* mode_ = nullptr;
    QDoubleSpinBox* auxLm_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QDoubleSpinBox* rate_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* seed_ = nullptr;
};

// A task's name as the lesson shows it: "Sentiment (like SST-2)".
QString taskTitle(const std::string& name);

}  // namespace pretrainlab::app
