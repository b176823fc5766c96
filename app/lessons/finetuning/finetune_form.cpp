#include "app/lessons/finetuning/finetune_form.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QSpinBox>

#include "app/lessons/field_boxes.hpp"
#include "app/lessons/token_html.hpp"
#include "core/finetune/tasks.hpp"

namespace pretrainlab::app {

QString taskTitle(const std::string& name) {
    const finetune::Task& task = finetune::taskNamed(name);
    return QStringLiteral("%1 (%2)").arg(QString::fromStdString(task.title), QString::fromStdString(task.like));
}

FinetuneForm::FinetuneForm(int rows, QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("finetuneForm"));
    using finetune::finetuneField;
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const auto label = [](const char* key) { return QString::fromStdString(finetuneField(key).label); };
    // Alt+T and Alt+W reach the two choices from the keyboard.
    const QString taskLabel = tr("&Task"), modeLabel = tr("&What trains");

    task_ = new QComboBox;
    task_->setObjectName(QStringLiteral("task"));
    for (const std::string& name : finetune::taskNames()) {
        task_->addItem(taskTitle(name), QString::fromStdString(name));
        task_->setItemData(task_->count() - 1, QString::fromStdString(finetune::taskNamed(name).needs), Qt::ToolTipRole);
    }
    task_->setToolTip(helpOf(finetuneField("task")));
    task_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    task_->setMinimumContentsLength(10);
    labels_ = integerBox(finetuneField("labels"));
    labels_->setObjectName(QStringLiteral("labels"));
    mode_ = new QComboBox;
    mode_->setObjectName(QStringLiteral("mode"));
    mode_->addItem(tr("All parameters"), 0);
    mode_->addItem(tr("Linear probe (body frozen)"), -1);
    mode_->addItem(tr("All but the lowest block"), 1);
    mode_->setToolTip(helpOf(finetuneField("mode")));
    mode_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    mode_->setMinimumContentsLength(10);
    auxLm_ = numberBox(finetuneField("aux_lm"), 2, 0.1);
    auxLm_->setObjectName(QStringLiteral("auxLm"));
    steps_ = integerBox(finetuneField("steps"));
    steps_->setObjectName(QStringLiteral("steps"));
    steps_->setSingleStep(50);
    rate_ = numberBox(finetuneField("lr"), 4, 1e-4);
    rate_->setObjectName(QStringLiteral("rate"));
    batch_ = integerBox(finetuneField("batch"));
    batch_->setObjectName(QStringLiteral("batch"));
    seed_ = integerBox(finetuneField("seed"));
    seed_->setObjectName(QStringLiteral("seed"));

    // Short labels leave the numbers room in a narrow column; each box's tooltip says the rest.
    const std::pair<int, std::pair<QString, QWidget*>> all[] = {
        {Task, {taskLabel, task_}},        {Labels, {tr("Labels"), labels_}}, {Mode, {modeLabel, mode_}},
        {AuxLm, {tr("Aux LM λ"), auxLm_}}, {Steps, {label("steps"), steps_}}, {Rate, {tr("Rate"), rate_}},
        {Batch, {label("batch"), batch_}}, {Seed, {label("seed"), seed_}}};
    for (const auto& [row, entry] : all) {
        if ((rows & row) && (row == Task || row == Mode)) {
            // Choices with long names: the label above, the whole width below.
            auto* above = new QLabel(entry.first);
            above->setBuddy(entry.second);
            form->addRow(above);
            form->addRow(entry.second);
        } else if (rows & row) {
            form->addRow(entry.first, entry.second);
        } else {
            entry.second->hide();
        }
    }
    for (QWidget* box : std::initializer_list<QWidget*>{labels_, auxLm_, steps_, rate_, batch_, seed_}) {
        box->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    }
    connect(task_, &QComboBox::currentIndexChanged, this, &FinetuneForm::changed);
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        const bool probe = mode_->currentData().toInt() < 0;
        auxLm_->setEnabled(!probe);
        // One layer on fixed features takes a larger rate than the whole model.
        const double wholeModel = std::get<double>(finetune::finetuneField("lr").defaultValue);
        rate_->setValue(probe ? 10 * wholeModel : wholeModel);
        emit changed();
    });
    for (QSpinBox* box : {labels_, steps_, batch_, seed_}) connect(box, &QSpinBox::valueChanged, this, &FinetuneForm::changed);
    for (QDoubleSpinBox* box : {auxLm_, rate_}) connect(box, &QDoubleSpinBox::valueChanged, this, &FinetuneForm::changed);
}

finetune::FinetuneSettings FinetuneForm::settings() const {
    finetune::FinetuneSettings s;
    s.task = task_->currentData().toString().toStdString();
    s.labels = std::size_t(labels_->value());
    const int mode = mode_->currentData().toInt();
    s.mode = mode < 0 ? finetune::Mode::Probe : mode > 0 ? finetune::Mode::Freeze : finetune::Mode::All;
    s.frozenBlocks = mode > 0 ? std::size_t(mode) : 0;
    s.auxLm = mode < 0 ? 0.0 : auxLm_->value();
    s.steps = std::size_t(steps_->value());
    s.learningRate = rate_->value();
    s.batch = std::size_t(batch_->value());
    s.seed = std::uint64_t(seed_->value());
    return s;
}

void FinetuneForm::setTask(const std::string& name) { task_->setCurrentIndex(task_->findData(QString::fromStdString(name))); }

}  // namespace pretrainlab::app
