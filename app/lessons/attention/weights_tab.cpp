#include "app/lessons/attention/weights_tab.hpp"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <stdexcept>

#include "app/jobs/latest_job.hpp"
#include "app/lessons/token_html.hpp"
#include "widgets/attention_heatmap.hpp"

namespace pretrainlab::app {
namespace {

QStringList labelsOf(const std::vector<std::string>& labels) {
    QStringList out;
    for (const std::string& label : labels) out << QString::fromStdString(label);
    return out;
}

}  // namespace

WeightsTab::WeightsTab(AttentionState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("weightsTab"));
    job_ = new LatestJob(this);
    hint_ = wrappedLabel({}, true);
    hint_->setObjectName(QStringLiteral("weightsHint"));
    auto* holder = new QWidget;
    columnsLayout_ = new QHBoxLayout(holder);
    columnsLayout_->setContentsMargins(0, 0, 0, 0);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint_);
    layout->addWidget(holder, 1);
    connect(&state_, &AttentionState::sentenceChanged, this, &WeightsTab::refresh);
    connect(&state_, &AttentionState::modelsChanged, this, &WeightsTab::refresh);
    refresh();
}

bool WeightsTab::busy() const { return job_->busy(); }

void WeightsTab::refresh() {
    const std::vector<std::shared_ptr<const train::ModelBundle>> models = state_.shownModels();
    if (models.empty()) {
        job_->drop();
        showGrids({}, {});
        switch (state_.source()) {
            case AttentionState::Source::TrainingLab:
                hint_->setText(tr("Take the Training lab's model (above) once it has trained on text."));
                break;
            case AttentionState::Source::RealModels:
                hint_->setText(tr("Open a GPT-2 or BERT model (above) to see every layer and head of a real pretrained "
                                  "model on the sentence."));
                break;
            case AttentionState::Source::TinyModels:
                hint_->setText(tr("Train the tiny models (above, about 10 seconds) to see the attention weights a trained "
                                  "encoder and decoder compute for the sentence."));
                break;
        }
        return;
    }
    const std::string text = state_.sentence().toStdString();
    job_->request(
        [this, models, text](const Progress&) -> LatestJob::Apply {
            std::vector<train::AttentionGrid> grids;
            QStringList titles;
            for (const auto& model : models) {
                const std::vector<std::int32_t> tokens = model->encode(text);
                if (tokens.empty()) throw std::invalid_argument("the sentence has no tokens");
                for (train::AttentionGrid& grid : train::attentionGrids(*model, train::readSentence(*model, tokens))) {
                    const char* kind = model->architecture() == nn::Architecture::Encoder   ? "Encoder"
                                       : model->architecture() == nn::Architecture::Decoder ? "Decoder"
                                                                                            : "Encoder-decoder";
                    titles << QStringLiteral("%1: %2").arg(QLatin1String(kind), QString::fromStdString(grid.title));
                    grids.push_back(std::move(grid));
                }
            }
            return [this, grids = std::move(grids), titles] {
                emit problem({});
                showGrids(grids, titles);
            };
        },
        [this](const QString& message) { emit problem(message); });
}

void WeightsTab::showGrids(const std::vector<train::AttentionGrid>& grids, const QStringList& titles) {
    // Keep the chosen heads where the shape allows.
    std::vector<std::pair<int, int>> chosen;
    for (const Column& column : columns_) chosen.emplace_back(column.layer, column.head);
    for (Column& column : columns_) column.box->deleteLater();
    columns_.clear();
    for (std::size_t i = 0; i < grids.size(); ++i) {
        Column column;
        column.grid = grids[i];
        column.layer = int(column.grid.layers) - 1;
        column.head = 0;
        if (i < chosen.size() && chosen[i].first < column.grid.layers && chosen[i].second < column.grid.heads) {
            std::tie(column.layer, column.head) = chosen[i];
        }
        column.box = new QWidget;
        auto* layout = new QVBoxLayout(column.box);
        layout->setContentsMargins(4, 0, 4, 0);
        column.title = new QLabel(titles.value(int(i)));
        QFont bold = column.title->font();
        bold.setBold(true);
        column.title->setFont(bold);
        column.title->setWordWrap(true);
        column.title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never widens the window
        layout->addWidget(column.title);
        auto* thumbs = new QGridLayout;
        // A real model's 12 × 12 heads: small thumbnails numbered by head, so two models fit side
        // by side on a projector; the tiny models' few heads keep their room and words.
        const bool many = column.grid.heads > 6 || column.grid.layers > 6;
        thumbs->setSpacing(many ? 2 : 4);
        const auto header = [](const QString& text) {
            auto* label = new QLabel(text);
            label->setProperty("role", QStringLiteral("muted"));
            label->setAlignment(Qt::AlignCenter);
            return label;
        };
        for (nn::Index h = 0; h < column.grid.heads; ++h) {
            thumbs->addWidget(header(many ? QString::number(h + 1) : tr("head %1").arg(h + 1)), 0, int(h) + 1);
        }
        for (nn::Index l = 0; l < column.grid.layers; ++l) {
            thumbs->addWidget(header(tr("L%1").arg(l + 1)), int(l) + 1, 0);
            thumbs->setRowStretch(int(l) + 1, 1);
        }
        for (nn::Index l = 0; l < column.grid.layers; ++l) {
            for (nn::Index h = 0; h < column.grid.heads; ++h) {
                auto* map = new widgets::AttentionHeatmap;
                map->setCompact(true);
                map->setObjectName(QStringLiteral("thumb%1_%2_%3").arg(i).arg(l).arg(h));
                map->setToolTip(tr("Layer %1, head %2: click to enlarge").arg(l + 1).arg(h + 1));
                map->setAccessibleName(tr("Layer %1, head %2").arg(l + 1).arg(h + 1));  // made after the window names its controls
                const nn::Matrix<float>& w = column.grid.at(l, h);
                std::vector<float> values(w.data(), w.data() + w.size());
                map->setMatrix(int(w.rows()), int(w.cols()), std::move(values), labelsOf(column.grid.queryLabels),
                               labelsOf(column.grid.keyLabels), column.grid.mask.hidden());
                if (many) map->setMinimumSize(12, 12);
                else map->setMinimumSize(40, 48);
                const int index = int(i);
                const int layer = int(l), head = int(h);
                connect(map, &widgets::AttentionHeatmap::clicked, this, [this, index, layer, head] { selectHead(index, layer, head); });
                thumbs->addWidget(map, int(l) + 1, int(h) + 1);
                column.thumbs.push_back(map);
            }
        }
        // The heads above, small; the chosen one enlarged below them takes most of the height:
        // it is what the room reads.
        layout->addLayout(thumbs, 1);
        column.big = new widgets::AttentionHeatmap;
        column.big->setObjectName(QStringLiteral("enlarged%1").arg(i));
        column.big->setAccessibleName(tr("The chosen head, enlarged"));
        layout->addWidget(column.big, 4);
        column.titleText = titles.value(int(i));
        columnsLayout_->addWidget(column.box, 1);
        columns_.push_back(std::move(column));
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) showEnlarged(int(i));
    if (!grids.empty()) {
        hint_->setText(tr("Every layer (L) and head on the same sentence: click one to enlarge it, hover a cell for its "
                          "weight."));
    }
}

void WeightsTab::selectHead(int column, int layer, int head) {
    if (column < 0 || column >= int(columns_.size())) return;
    const train::AttentionGrid& grid = columns_[std::size_t(column)].grid;
    if (layer < 0 || layer >= int(grid.layers) || head < 0 || head >= int(grid.heads)) return;
    columns_[std::size_t(column)].layer = layer;
    columns_[std::size_t(column)].head = head;
    showEnlarged(column);
}

void WeightsTab::showEnlarged(int index) {
    Column& column = columns_[std::size_t(index)];
    const train::AttentionGrid& grid = column.grid;
    for (std::size_t t = 0; t < column.thumbs.size(); ++t) {
        column.thumbs[t]->setSelected(int(t) == column.layer * int(grid.heads) + column.head);
    }
    const nn::Matrix<float>& w = grid.at(column.layer, column.head);
    column.big->setMatrix(int(w.rows()), int(w.cols()), std::vector<float>(w.data(), w.data() + w.size()),
                          labelsOf(grid.queryLabels), labelsOf(grid.keyLabels), grid.mask.hidden());
    column.title->setText(tr("%1 · layer %2, head %3").arg(column.titleText).arg(column.layer + 1).arg(column.head + 1));
    column.big->setAxisNames(tr("query"), tr("key: what it attends to"));
}

std::vector<widgets::AttentionHeatmap*> WeightsTab::thumbnails(int column) const { return columns_.at(std::size_t(column)).thumbs; }

widgets::AttentionHeatmap* WeightsTab::enlarged(int column) const { return columns_.at(std::size_t(column)).big; }

const train::AttentionGrid& WeightsTab::grid(int column) const { return columns_.at(std::size_t(column)).grid; }

}  // namespace pretrainlab::app
