#include "app/lessons/optimization/memory_tab.hpp"

#include <QComboBox>
#include <QFile>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/lessons/side_column.hpp"
#include "app/lessons/token_html.hpp"
#include "core/common/memory.hpp"
#include "core/optimlab/model_memory.hpp"
#include "core/train/checkpoint.hpp"
#include "widgets/stacked_bars.hpp"

namespace pretrainlab::app {
namespace {

struct Column {
    optim::OptimizerKind kind;
    optim::Precision precision;
    QString name;
};

const std::vector<Column>& columns() {
    static const std::vector<Column> all{
        {optim::OptimizerKind::Sgd, optim::Precision::Fp32, QObject::tr("SGD\nfp32")},
        {optim::OptimizerKind::Momentum, optim::Precision::Fp32, QObject::tr("Momentum\nfp32")},
        {optim::OptimizerKind::Adam, optim::Precision::Fp32, QObject::tr("Adam\nfp32")},
        {optim::OptimizerKind::Sgd, optim::Precision::Mixed, QObject::tr("SGD\nmixed")},
        {optim::OptimizerKind::Momentum, optim::Precision::Mixed, QObject::tr("Momentum\nmixed")},
        {optim::OptimizerKind::Adam, optim::Precision::Mixed, QObject::tr("Adam\nmixed")},
    };
    return all;
}

// Bytes in the unit that suits the largest value.
std::pair<double, QString> unitFor(double bytes) {
    if (bytes >= 1e12) return {1e12, QStringLiteral("TB")};
    if (bytes >= 1e9) return {1e9, QStringLiteral("GB")};
    if (bytes >= 1e6) return {1e6, QStringLiteral("MB")};
    return {1e3, QStringLiteral("kB")};
}

QString bytesText(double bytes) {
    const auto [scale, unit] = unitFor(bytes);
    return bytes == 0 ? QStringLiteral("0") : QStringLiteral("%1 %2").arg(QLocale().toString(bytes / scale, 'g', 3), unit);
}

std::optional<optim::ModelShape> shippedTiny() {
    QFile json(QStringLiteral(":/models/tiny-decoder.json")), weights(QStringLiteral(":/models/tiny-decoder.safetensors"));
    if (!json.open(QIODevice::ReadOnly) || !weights.open(QIODevice::ReadOnly)) return std::nullopt;
    try {
        const train::CheckpointModel model = train::readCheckpointModel(json.readAll().toStdString(), weights.readAll().toStdString(),
                                                                        "tiny-decoder.safetensors");
        optim::ModelShape shape = optimlab::shapeOf(*model.bundle->model, "PretrainLab tiny decoder");
        return shape;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

MemoryTab::MemoryTab(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("memoryTab"));
    tiny_ = shippedTiny();
    model_ = new QComboBox;
    model_->setObjectName(QStringLiteral("memoryModel"));
    for (const optim::ModelShape& shape : optim::modelPresets()) model_->addItem(QString::fromStdString(shape.name));
    if (tiny_) model_->addItem(QString::fromStdString(tiny_->name));
    batch_ = new QSpinBox;
    batch_->setObjectName(QStringLiteral("memoryBatch"));
    batch_->setRange(1, 100000);
    batch_->setValue(8);
    batch_->setToolTip(tr("Sequences per step (per device)"));
    context_ = new QSpinBox;
    context_->setObjectName(QStringLiteral("memoryContext"));
    context_->setRange(1, 1'000'000);
    context_->setToolTip(tr("Tokens per sequence"));
    auto* form = new QFormLayout;
    form->addRow(tr("Model"), model_);
    form->addRow(tr("Batch"), batch_);
    form->addRow(tr("Context"), context_);
    source_ = wrappedLabel({}, true);
    takeaway_ = wrappedLabel({});
    takeaway_->setObjectName(QStringLiteral("memoryTakeaway"));
    measured_ = wrappedLabel({}, true);
    measured_->setObjectName(QStringLiteral("memoryMeasured"));
    auto* note = wrappedLabel(tr("Model states are exact: 4 bytes a value in fp32; mixed precision keeps 2-byte weights "
                                 "and gradients, a 4-byte master copy and 4-byte optimizer state. Activations are an "
                                 "estimate (Korthikanti et al. 2022, no recomputation) plus the logits."),
                              true);
    auto* side = new SideColumn(tr("What one training step holds. SGD keeps no state, momentum one copy of the "
                                   "parameters, Adam two (m and v)."),
                                {asWidget(form), source_, takeaway_, note, measured_}, 26);
    bars_ = new widgets::StackedBars;
    bars_->setObjectName(QStringLiteral("memoryBars"));
    table_ = new QTableWidget(8, int(columns().size()));
    table_->setObjectName(QStringLiteral("memoryTable"));
    table_->setAccessibleName(tr("Memory of one training step"));
    QStringList headers;
    for (const Column& c : columns()) headers << c.name;
    table_->setHorizontalHeaderLabels(headers);
    table_->setVerticalHeaderLabels({tr("weights"), tr("master weights"), tr("gradients"), tr("optimizer state"),
                                     tr("model states"), tr("bytes / parameter"), tr("activations"), tr("total")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    auto* views = new QVBoxLayout;
    views->addWidget(bars_, 1);
    views->addWidget(table_, 1);
    placeBeside(this, side, views);

    connect(model_, &QComboBox::currentIndexChanged, this, [this] {
        if (const auto s = shape()) {
            const QSignalBlocker blocker(context_);
            context_->setValue(int(s->context));
        }
        redraw();
    });
    connect(batch_, &QSpinBox::valueChanged, this, &MemoryTab::redraw);
    connect(context_, &QSpinBox::valueChanged, this, &MemoryTab::redraw);
    model_->setCurrentIndex(-1);
    model_->setCurrentIndex(0);
}

void MemoryTab::setModel(const QString& name) { model_->setCurrentIndex(model_->findText(name)); }

std::optional<optim::ModelShape> MemoryTab::shape() const {
    const std::string name = model_->currentText().toStdString();
    if (tiny_ && name == tiny_->name) return tiny_;
    return optim::modelPreset(name);
}

void MemoryTab::redraw() {
    const std::optional<optim::ModelShape> s = shape();
    if (!s) return;
    const auto batch = static_cast<std::size_t>(batch_->value());
    const auto context = static_cast<std::size_t>(context_->value());
    std::vector<optim::StepMemory> steps;
    double largest = 0;
    for (const Column& c : columns()) {
        steps.push_back(optim::stepMemory(*s, c.kind, c.precision, batch, context));
        largest = std::max(largest, double(steps.back().total()));
    }
    const auto [scale, unit] = unitFor(largest);
    QStringList categories;
    for (const Column& c : columns()) categories << c.name;
    std::vector<std::vector<double>> values(5);
    for (const optim::StepMemory& m : steps) {
        values[0].push_back(double(m.weights) / scale);
        values[1].push_back(double(m.masterWeights) / scale);
        values[2].push_back(double(m.gradients) / scale);
        values[3].push_back(double(m.optimizerState) / scale);
        values[4].push_back(double(m.activations) / scale);
    }
    bars_->setTitle(tr("%1: %2 parameters, batch %3 × %4 tokens")
                        .arg(QString::fromStdString(s->name), QLocale().toString(qulonglong(s->parameters)))
                        .arg(batch)
                        .arg(context));
    bars_->setBars(categories, {tr("weights"), tr("master weights"), tr("gradients"), tr("optimizer state"), tr("activations")},
                   values, unit);
    for (int c = 0; c < int(steps.size()); ++c) {
        const optim::StepMemory& m = steps[std::size_t(c)];
        const double cells[] = {double(m.weights),      double(m.masterWeights), double(m.gradients), double(m.optimizerState),
                                double(m.modelStates()), 0,                      double(m.activations), double(m.total())};
        for (int r = 0; r < 8; ++r) {
            const QString text = r == 5 ? QLocale().toString(double(m.modelStates()) / double(m.parameters), 'f', 0)
                                        : bytesText(cells[r]);
            auto* item = new QTableWidgetItem(text);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(r, c, item);
        }
    }
    source_->setText(QString::fromStdString(s->source));
    const optim::StepMemory& sgd = steps[0];
    const optim::StepMemory& adam = steps[2];
    const optim::StepMemory& adamMixed = steps[5];
    takeaway_->setText(tr("Adam holds %1 of model states against SGD's %2 (%3 against %4 bytes a parameter); in mixed "
                          "precision Adam needs %5 bytes a parameter before activations.")
                           .arg(bytesText(double(adam.modelStates())), bytesText(double(sgd.modelStates())))
                           .arg(adam.modelStates() / adam.parameters)
                           .arg(sgd.modelStates() / sgd.parameters)
                           .arg(adamMixed.modelStates() / adamMixed.parameters));
    measured_->setText(tr("This process has held at most %1 MB so far (its peak resident memory, measured).")
                           .arg(QLocale().toString(peakResidentMegabytes(), 'f', 0)));
}

}  // namespace pretrainlab::app
