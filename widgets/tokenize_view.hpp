#pragma once

#include <QString>
#include <QWidget>
#include <vector>

#include "widgets/byte_view.hpp"
#include "widgets/token_chips_view.hpp"

class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QTimer;

namespace pretrainlab::widgets {

// One moment while BPE encodes a text.
struct EncodingFrame {
    QString caption;  // "Merge 3: a + n → an, in 2 places"
    ChipWord tokens;  // the text's tokens at that moment
};

// New text through the tokenizer just trained: its merges applied in rank order, one at a time or
// at once, with token ids, the count of tokens against characters and bytes, and (byte-level) every
// character's bytes.
class TokenizeView : public QWidget {
    Q_OBJECT
public:
    explicit TokenizeView(QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const;
    // The BPE frames (the first is before any merge, the last the result) and WordPiece's result.
    void showEncoding(std::vector<EncodingFrame> frames, const ChipWord& wordPiece, const QString& counts,
                      bool animate);
    void setBytes(std::vector<ByteCell> cells, bool visible);
    bool isAnimating() const;
    void showProblem(const QString& text);

    TokenChipsView* chipsView() const { return chips_; }
    ByteView* byteView() const { return bytes_; }
    int frameShown() const { return frame_; }

signals:
    void textEdited(const QString& text);  // after typing pauses
    void animateRequested();

private:
    void showFrame(int index);

    QLineEdit* input_ = nullptr;
    QTimer* debounce_ = nullptr;
    QPushButton* animateButton_ = nullptr;
    QPushButton* resultButton_ = nullptr;
    QLabel* caption_ = nullptr;
    QLabel* counts_ = nullptr;
    QLabel* problem_ = nullptr;
    TokenChipsView* chips_ = nullptr;
    QLabel* bytesCaption_ = nullptr;
    QScrollArea* bytesScroll_ = nullptr;
    ByteView* bytes_ = nullptr;
    QTimer* player_ = nullptr;
    std::vector<EncodingFrame> frames_;
    ChipWord wordPiece_;
    int frame_ = 0;
};

}  // namespace pretrainlab::widgets
