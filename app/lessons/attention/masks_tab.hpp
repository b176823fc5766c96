#pragma once

#include <QStringList>
#include <QWidget>
#include <vector>

#include "app/lessons/attention/lesson_state.hpp"
#include "core/train/inspect_masks.hpp"

class QButtonGroup;
class QGridLayout;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;

namespace pretrainlab::widgets {
class AttentionHeatmap;
}

namespace pretrainlab::app {

// "Masks": for the sentence, the query × key mask of an encoder, a decoder, a prefix LM and an
// encoder-decoder (three matrices for T5), and a walk through the rows that says in words which
// positions each query may look at.
class MasksTab : public QWidget {
    Q_OBJECT
public:
    explicit MasksTab(AttentionState& state, QWidget* parent = nullptr);

    void setMaskKind(train::ModelKind kind);
    train::ModelKind maskKind() const;
    void setPrefixLength(int length);
    void showMaskRow(int row);  // stops the walk and highlights the row (-1: none)
    void setWalking(bool walking);
    // The heatmaps in use for the kind shown (one, or three for T5).
    std::vector<widgets::AttentionHeatmap*> heatmaps() const;
    QString caption() const;

private:
    QWidget* buildControls();
    void refresh();
    void updateRow();
    int rows() const;

    AttentionState& state_;
    QButtonGroup* kinds_ = nullptr;
    QSpinBox* prefixLength_ = nullptr;
    QLabel* prefixLabel_ = nullptr;
    QPushButton* walk_ = nullptr;
    QTimer* walkTimer_ = nullptr;
    QLabel* caption_ = nullptr;
    QLabel* note_ = nullptr;
    std::vector<widgets::AttentionHeatmap*> maps_;
    QGridLayout* mapsLayout_ = nullptr;
    std::vector<train::MaskPattern> patterns_;
    std::vector<QStringList> rowLabels_;
    int row_ = -1;
};

}  // namespace pretrainlab::app
