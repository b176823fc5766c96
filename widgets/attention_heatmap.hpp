#pragma once

#include <QStringList>
#include <QWidget>
#include <cstdint>
#include <vector>

namespace pretrainlab::widgets {

// A query × key matrix with token labels on both axes: attention weights on a colour scale, or a
// mask (may look / hidden). Cells a model may not look at are drawn empty and hatched. One row
// can be highlighted (the mask animation walks the rows). Hovering a cell shows its value and the
// two tokens. Compact mode draws a thumbnail (no labels) for a grid of layers × heads; a single row
// is drawn as a strip of tokens, each on its weight's colour.
class AttentionHeatmap : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Weights, Mask };

    explicit AttentionHeatmap(QWidget* parent = nullptr);

    // values: row-major [rows · cols]; hidden (optional, same size): 1 where the query may not look.
    void setMatrix(int rows, int cols, std::vector<float> values, QStringList rowLabels, QStringList colLabels,
                   std::vector<std::uint8_t> hidden = {});
    void clear();
    void setMode(Mode mode);
    void setTitle(const QString& title);
    void setAxisNames(const QString& rows, const QString& cols);
    void setCompact(bool compact);
    void setSelected(bool selected);
    void setHighlightedRow(int row);  // -1: none

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    float value(int row, int col) const { return values_[std::size_t(row * cols_ + col)]; }
    bool isHidden(int row, int col) const { return !hidden_.empty() && hidden_[std::size_t(row * cols_ + col)]; }
    const QStringList& rowLabels() const { return rowLabels_; }
    const QStringList& colLabels() const { return colLabels_; }
    QString title() const { return title_; }
    int highlightedRow() const { return highlightedRow_; }
    // Where a cell is drawn, and what hovering it says (empty outside the matrix).
    QRect cellRect(int row, int col) const;
    QString describeAt(const QPoint& point) const;

    // The colour scale: 0 white to 1 deep blue, with more steps among small weights.
    static QColor weightColour(float value);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void clicked();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Geometry {
        QRect matrix;  // the cells' area
        int cell = 0;  // a matrix's square cells
        int cellWidth = 0, cellHeight = 0;
        bool strip = false;  // one row: wide cells with the token inside
        QRect title, legend;
        int labelFontSize = 0;
    };
    Geometry layout() const;
    QPoint cellAt(const QPoint& point) const;  // (col, row), or (-1, -1)

    int rows_ = 0;
    int cols_ = 0;
    std::vector<float> values_;
    std::vector<std::uint8_t> hidden_;
    QStringList rowLabels_, colLabels_;
    Mode mode_ = Mode::Weights;
    QString title_, rowAxis_, colAxis_;
    bool compact_ = false;
    bool selected_ = false;
    int highlightedRow_ = -1;
    QPoint hover_{-1, -1};
    Geometry geometry_;
};

}  // namespace pretrainlab::widgets
