#pragma once

#include <QString>
#include <QWidget>
#include <vector>

#include "app/lessons/attention/lesson_state.hpp"
#include "core/train/inspect_attention.hpp"

class QHBoxLayout;
class QLabel;

namespace pretrainlab::widgets {
class AttentionHeatmap;
}

namespace pretrainlab::app {

class LatestJob;

// "Attention weights": every layer and head of the models on the sentence as small heatmaps, one
// enlarged with its tokens (click a thumbnail to choose it, hover a cell for its weight); one
// column per attention stack (the encoder and the decoder, or the lab model's stacks).
class WeightsTab : public QWidget {
    Q_OBJECT
public:
    explicit WeightsTab(AttentionState& state, QWidget* parent = nullptr);

    int columns() const { return int(columns_.size()); }
    std::vector<widgets::AttentionHeatmap*> thumbnails(int column) const;
    widgets::AttentionHeatmap* enlarged(int column) const;
    const train::AttentionGrid& grid(int column) const;
    void selectHead(int column, int layer, int head);
    bool busy() const;

signals:
    void problem(const QString& text);

private:
    struct Column {
        QWidget* box = nullptr;
        QLabel* title = nullptr;
        QString titleText;
        std::vector<widgets::AttentionHeatmap*> thumbs;
        widgets::AttentionHeatmap* big = nullptr;
        train::AttentionGrid grid;
        int layer = 0;
        int head = 0;
    };

    void refresh();
    void showGrids(const std::vector<train::AttentionGrid>& grids, const QStringList& titles);
    void showEnlarged(int column);

    AttentionState& state_;
    LatestJob* job_ = nullptr;
    QLabel* hint_ = nullptr;
    QHBoxLayout* columnsLayout_ = nullptr;
    std::vector<Column> columns_;
};

}  // namespace pretrainlab::app
