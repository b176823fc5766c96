#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

namespace pretrainlab::widgets {

// One character of a text as byte-level BPE first sees it.
struct ByteCell {
    QString character;  // as shown ("␣" for a space)
    QString codePoint;  // "U+00E9"
    QStringList bytes;  // its UTF-8 bytes in hex: "C3", "A9"
    QStringList symbols;  // GPT-2's symbol for each byte: "Ã", "©"
};

// Every character with its UTF-8 bytes and their GPT-2 symbols, so "é" is seen to become two
// tokens and "🙂" four before any merge.
class ByteView : public QWidget {
    Q_OBJECT
public:
    explicit ByteView(QWidget* parent = nullptr);

    void setCells(std::vector<ByteCell> cells);
    const std::vector<ByteCell>& cells() const { return cells_; }

    QSize sizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Place {
        QRectF rect;
        std::size_t cell = 0;
    };
    std::vector<Place> layoutFor(int width, int* height) const;
    double cellWidth(const ByteCell& cell) const;
    void fitHeight();

    std::vector<ByteCell> cells_;
};

}  // namespace pretrainlab::widgets
