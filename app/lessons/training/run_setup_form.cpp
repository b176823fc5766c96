#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/training/run_setup_form.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <climits>
#include <cmath>

#include "app/lessons/field_boxes.hpp"
#include "widgets/live_chart.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

QSpinBox* integerBox(const char* key) { return app::integerBox(train::runSettingField(key)); }

QDoubleSpinBox* numberBox(const char* key, int decimals, double step) {
    return app::numberBox(train::runSettingField(key), decimals, step);
}

QComboBox* choiceBox(const char* key, const std::vector<std::pair<const char*, QString>>& labels) {
    return app::choiceBox(train::runSettingField(key), labels);
}

void select(QComboBox* box, const std::string& name) { box->setCurrentIndex(box->findData(QString::fromStdString(name))); }

std::string chosen(const QComboBox* box) { return box->currentData().toString().toStdString(); }

}  // namespace

RunSetupForm::RunSetupForm(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("runSetupForm"));
    buildFields();
    buildLayout();
    connectFields();
    syncToArchitecture();
    updateSchedulePreview();
}

void RunSetupForm::buildFields() {
    architecture_ = choiceBox("arch", {{"decoder", tr("Decoder (GPT): next token")},
                                       {"encoder", tr("Encoder (BERT): masked tokens")},
                                       {"encdec", tr("Encoder-decoder (T5): spans")}});
    architecture_->setObjectName(QStringLiteral("architectureChoice"));
    preset_ = choiceBox("preset", {{"tiny", tr("tiny")}, {"small", tr("small")}, {"medium", tr("medium")}, {"custom", tr("custom")}});
    preset_->setObjectName(QStringLiteral("presetChoice"));
    width_ = integerBox("d");
    layers_ = integerBox("layers");
    heads_ = integerBox("heads");
    context_ = integerBox("ctx");

    corpus_ = new QComboBox;
    corpus_->setObjectName(QStringLiteral("corpusChoice"));
    corpus_->addItem(tr("Toy world (built in)"), QString::fromLatin1(train::toyWorldCorpus));
    corpus_->addItem(tr("Random tokens (speed only)"), QString());
    corpus_->addItem(tr("Text file…"), QStringLiteral("file"));
    corpus_->setToolTip(tr("The toy world is generated here: simple sentences about an invented world in which syntax, "
                           "coreference, facts, cause and effect, and small sums can be learned"));
    tokenizer_ = new QComboBox;
    tokenizer_->setObjectName(QStringLiteral("tokenizerChoice"));
    tokenizer_->addItem(tr("Toy world words"), QStringLiteral("toyworld"));
    tokenizer_->addItem(tr("Tokenization page's BPE"), QStringLiteral("lesson"));
    tokenizer_->addItem(tr("Tokenizer file…"), QStringLiteral("file"));
    tokenizer_->setToolTip(helpOf(train::runSettingField("tokenizer")));
    maskRate_ = numberBox("mask_rate", 0, 1);
    maskRate_->setObjectName(QStringLiteral("maskRate"));
    nextSentence_ = new QCheckBox(QString::fromStdString(train::runSettingField("nsp").label));
    nextSentence_->setObjectName(QStringLiteral("nextSentence"));
    nextSentence_->setToolTip(helpOf(train::runSettingField("nsp")));
    maskOnly_ = new QCheckBox(tr("[MASK] only"));
    maskOnly_->setObjectName(QStringLiteral("maskOnly"));
    maskOnly_->setToolTip(tr("Every picked token becomes [MASK], instead of BERT's 80% [MASK], 10% random, 10% kept: "
                             "the comparison in the lecture"));

    optimizer_ = choiceBox("optimizer", {{"adamw", tr("AdamW")}, {"adam", tr("Adam")},
                                         {"rmsprop", tr("RMSProp")}, {"momentum", tr("SGD with momentum")}, {"sgd", tr("SGD")}});
    optimizer_->setObjectName(QStringLiteral("optimizerChoice"));
    learningRate_ = numberBox("lr", 5, 0.0005);
    learningRate_->setObjectName(QStringLiteral("learningRate"));
    schedule_ = choiceBox("schedule", {{"constant", tr("Constant")}, {"linear", tr("Linear decay (BERT)")},
                                       {"cosine", tr("Cosine")}, {"exponential", tr("Exponential")},
                                       {"invsqrt", tr("Inverse square root")}});
    schedule_->setObjectName(QStringLiteral("scheduleChoice"));
    warmup_ = integerBox("warmup");
    steps_ = integerBox("steps");
    steps_->setObjectName(QStringLiteral("stepsSpin"));
    batch_ = integerBox("batch");
    accumulation_ = integerBox("accum");
    weightDecay_ = numberBox("weight_decay", 3, 0.01);
    weightDecay_->setObjectName(QStringLiteral("weightDecay"));
    clip_ = numberBox("clip", 2, 0.1);
    clip_->setSpecialValueText(tr("off"));
    seed_ = integerBox("seed");
    threads_ = integerBox("threads");
}

void RunSetupForm::buildLayout() {
    for (QComboBox* box : {architecture_, preset_, corpus_, tokenizer_, optimizer_, schedule_}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(6);
    }
    const auto label = [](const char* key) {
        return QString::fromStdString(train::runSettingField(key).label);
    };
    auto* model = new QFormLayout;
    model->setRowWrapPolicy(QFormLayout::WrapLongRows);  // at large text a label goes above its field
    model->addRow(label("arch"), architecture_);
    model->addRow(label("preset"), preset_);
    auto* sizes = new QGridLayout;
    sizes->addWidget(new QLabel(label("d")), 0, 0);
    sizes->addWidget(width_, 0, 1);
    sizes->addWidget(new QLabel(label("layers")), 0, 2);
    sizes->addWidget(layers_, 0, 3);
    sizes->addWidget(new QLabel(label("heads")), 1, 0);
    sizes->addWidget(heads_, 1, 1);
    sizes->addWidget(new QLabel(label("ctx")), 1, 2);
    sizes->addWidget(context_, 1, 3);
    model->addRow(sizes);
    model->addRow(label("corpus"), corpus_);
    model->addRow(label("tokenizer"), tokenizer_);
    model->addRow(label("mask_rate"), maskRate_);
    model->addRow(maskOnly_);
    model->addRow(nextSentence_);
    // The schedule's rows, then its picture right under them: on a 1280×720 projector it shows
    // without scrolling the panel.
    schedulePreview_ = new widgets::LiveChart(tr("Learning rate over the run"), tr("η"), {});
    schedulePreview_->setObjectName(QStringLiteral("schedulePreview"));
    schedulePreview_->setMinimumHeight(fontMetrics().lineSpacing() * 6);
    previewSeries_ = schedulePreview_->addSeries(tr("planned"), widgets::viewPalette().accent);
    model->addRow(label("optimizer"), optimizer_);
    model->addRow(label("lr"), learningRate_);
    model->addRow(label("schedule"), schedule_);
    model->addRow(label("warmup"), warmup_);
    model->addRow(label("steps"), steps_);
    model->addRow(schedulePreview_);
    model->addRow(label("weight_decay"), weightDecay_);
    model->addRow(label("batch"), batch_);
    model->addRow(label("accum"), accumulation_);
    model->addRow(label("clip"), clip_);
    model->addRow(label("seed"), seed_);
    model->addRow(label("threads"), threads_);

    problem_ = new QLabel;
    problem_->setObjectName(QStringLiteral("setupProblem"));
    problem_->setProperty("role", QStringLiteral("problem"));
    problem_->setWordWrap(true);
    problem_->hide();

    auto* form = new QWidget;
    auto* formLayout = new QVBoxLayout(form);
    formLayout->setContentsMargins(2, 2, 6, 2);
    formLayout->addWidget(problem_);
    formLayout->addLayout(model);
    formLayout->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);  // only at the largest text sizes
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

void RunSetupForm::connectFields() {
    connect(preset_, &QComboBox::currentIndexChanged, this, &RunSetupForm::applyPreset);
    for (QSpinBox* box : {width_, layers_, heads_, context_, batch_}) {
        connect(box, &QSpinBox::valueChanged, this, &RunSetupForm::markCustom);
    }
    connect(architecture_, &QComboBox::currentIndexChanged, this, &RunSetupForm::syncToArchitecture);
    connect(corpus_, &QComboBox::activated, this, [this](int index) {
        if (corpus_->itemData(index).toString() == QLatin1String("file")) {
            const QString path = openFileName(this, tr("Train on a text file"), tr("Text (*.txt);;All files (*)"),
                                                 FileKind::Corpus, false);
            if (path.isEmpty()) {
                corpus_->setCurrentIndex(0);
            } else {
                corpusFile_ = path;
                corpus_->setItemText(2, QFileInfo(path).fileName());
                if (tokenizer_->currentIndex() == 0) tokenizer_->setCurrentIndex(1);
            }
        }
        syncToArchitecture();
    });
    connect(tokenizer_, &QComboBox::activated, this, [this](int index) {
        if (tokenizer_->itemData(index).toString() != QLatin1String("file")) return;
        const QString path = openFileName(this, tr("Tokenizer"), tr("Tokenizers (*.json *.txt *.tiktoken);;All files (*)"),
                                             FileKind::Tokenizer, false);
        if (path.isEmpty()) {
            tokenizer_->setCurrentIndex(0);
        } else {
            tokenizerFile_ = path;
            tokenizer_->setItemText(2, QFileInfo(path).fileName());
        }
    });
    for (QComboBox* box : {schedule_, optimizer_}) {
        connect(box, &QComboBox::currentIndexChanged, this, &RunSetupForm::updateSchedulePreview);
    }
    connect(learningRate_, &QDoubleSpinBox::valueChanged, this, &RunSetupForm::updateSchedulePreview);
    connect(warmup_, &QSpinBox::valueChanged, this, &RunSetupForm::updateSchedulePreview);
    connect(steps_, &QSpinBox::valueChanged, this, &RunSetupForm::updateSchedulePreview);
}

void RunSetupForm::setTokenizerSource(std::function<std::optional<Tokenizer>()> source) {
    tokenizerSource_ = std::move(source);
}

void RunSetupForm::applyPreset(int index) {
    if (applyingPreset_) return;  // setSettings() fills the sizes itself
    train::RunSettings s = settings();
    if (!s.applyPreset(preset_->itemData(index).toString().toStdString())) return;  // custom
    applyingPreset_ = true;
    width_->setValue(int(s.model.width));
    layers_->setValue(int(s.model.layers));
    heads_->setValue(int(s.model.heads));
    context_->setValue(int(s.model.context));
    batch_->setValue(int(s.batch));
    applyingPreset_ = false;
}

void RunSetupForm::markCustom() {
    if (!applyingPreset_ && preset_->currentIndex() != 3) {
        applyingPreset_ = true;
        preset_->setCurrentIndex(3);
        applyingPreset_ = false;
    }
}

void RunSetupForm::syncToArchitecture() {
    maskRate_->setEnabled(chosen(architecture_) == "encoder");
    maskOnly_->setEnabled(chosen(architecture_) == "encoder");
    const QString corpus = corpus_->currentData().toString();
    // BERT's pairs: an encoder reading text.
    nextSentence_->setEnabled(chosen(architecture_) == "encoder" && !corpus.isEmpty());
    if (!nextSentence_->isEnabled()) nextSentence_->setChecked(false);
    tokenizer_->setEnabled(corpus == QLatin1String("file"));
    if (corpus != QLatin1String("file")) tokenizer_->setCurrentIndex(0);
}

train::RunSettings RunSetupForm::settings() const {
    train::RunSettings s = base_;
    const auto set = [&s](const char* key, const train::SettingValue& value) { train::runSettingField(key).set(s, value); };
    set("preset", chosen(preset_));
    set("arch", chosen(architecture_));
    set("d", std::int64_t(width_->value()));
    set("layers", std::int64_t(layers_->value()));
    set("heads", std::int64_t(heads_->value()));
    set("ctx", std::int64_t(context_->value()));
    set("batch", std::int64_t(batch_->value()));
    set("accum", std::int64_t(accumulation_->value()));
    set("steps", std::int64_t(steps_->value()));
    set("optimizer", chosen(optimizer_));
    set("weight_decay", weightDecay_->value());
    set("schedule", chosen(schedule_));
    set("lr", learningRate_->value());
    set("warmup", std::int64_t(warmup_->value()));
    set("clip", clip_->value());
    set("seed", std::int64_t(seed_->value()));
    set("threads", std::int64_t(threads_->value()));
    set("mask_rate", maskRate_->value() / 100.0);
    set("nsp", nextSentence_->isChecked());
    const train::RunSettings defaults;
    set("mask_share", maskOnly_->isChecked() ? 1.0 : base_.masking.maskShare < 1 ? base_.masking.maskShare
                                                                                 : defaults.masking.maskShare);
    set("random_share", maskOnly_->isChecked() ? 0.0 : base_.masking.maskShare < 1 ? base_.masking.randomShare
                                                                                   : defaults.masking.randomShare);
    s.trainer.schedule.total = s.steps;
    const QString corpus = corpus_->currentData().toString();
    if (corpus == QLatin1String("file")) {
        s.corpus = corpusFile_.toStdString();
        s.tokenizer = tokenizer_->currentData().toString() == QLatin1String("file") ? tokenizerFile_.toStdString() : "";
    } else {
        s.corpus = corpus.toStdString();
        s.tokenizer.clear();
    }
    return s;
}

void RunSetupForm::setSettings(const train::RunSettings& s) {
    base_ = s;
    applyingPreset_ = true;
    select(architecture_, std::string(nn::architectureName(s.model.architecture)));
    select(preset_, s.preset);
    width_->setValue(int(s.model.width));
    layers_->setValue(int(s.model.layers));
    heads_->setValue(int(s.model.heads));
    context_->setValue(int(s.model.context));
    batch_->setValue(int(s.batch));
    applyingPreset_ = false;
    accumulation_->setValue(int(s.accumulation));
    steps_->setValue(int(s.steps));
    select(optimizer_, std::string(optim::optimizerName(s.trainer.optimizer.kind)));
    select(schedule_, std::string(optim::scheduleName(s.trainer.schedule.kind)));
    learningRate_->setValue(s.trainer.schedule.peak);
    weightDecay_->setValue(s.trainer.optimizer.weightDecay);
    warmup_->setValue(int(s.trainer.schedule.warmup));
    clip_->setValue(s.trainer.clipNorm);
    seed_->setValue(int(s.trainer.seed));
    threads_->setValue(int(s.trainer.threads));
    maskRate_->setValue(s.masking.rate * 100);
    nextSentence_->setChecked(s.nextSentence);
    maskOnly_->setChecked(s.masking.maskShare >= 1 && s.masking.randomShare <= 0);
    if (s.corpus.empty()) {
        corpus_->setCurrentIndex(1);
    } else if (s.corpus == train::toyWorldCorpus) {
        corpus_->setCurrentIndex(0);
    } else {
        corpusFile_ = QString::fromStdString(s.corpus);
        corpus_->setItemText(2, QFileInfo(corpusFile_).fileName());
        corpus_->setCurrentIndex(2);
        tokenizerFile_ = QString::fromStdString(s.tokenizer);
        tokenizer_->setItemText(2, QFileInfo(tokenizerFile_).fileName());
    }
    syncToArchitecture();
    if (!s.tokenizer.empty() && s.corpus != train::toyWorldCorpus) tokenizer_->setCurrentIndex(2);
    updateSchedulePreview();
}

std::optional<RunSetupForm::Request> RunSetupForm::request() {
    Request request{settings(), std::nullopt};
    if (corpus_->currentData().toString() == QLatin1String("file") && corpusFile_.isEmpty()) {
        showProblem(tr("Choose the text file to train on."));
        return std::nullopt;
    }
    if (tokenizer_->currentData().toString() == QLatin1String("lesson")) {
        request.tokenizer = tokenizerSource_ ? tokenizerSource_() : std::nullopt;
        if (!request.tokenizer) {
            showProblem(tr("The Tokenization page has no trained BPE tokenizer yet: take a few merges there first, or "
                           "choose a tokenizer file."));
            return std::nullopt;
        }
    }
    if (const std::string problem = request.settings.problem(request.tokenizer.has_value()); !problem.empty()) {
        showProblem(QString::fromStdString(problem));
        return std::nullopt;
    }
    showProblem({});
    return request;
}

void RunSetupForm::showProblem(const QString& text) {
    problem_->setText(text);
    problem_->setVisible(!text.isEmpty());
}

void RunSetupForm::updateSchedulePreview() {
    const optim::Schedule::Curve plan = settings().trainer.schedule.sampled();
    schedulePreview_->setPoints(previewSeries_, plan.steps, plan.rates);
    schedulePreview_->followNewPoints();
}

}  // namespace pretrainlab::app
