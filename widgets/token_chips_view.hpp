#pragma once

#include <QHash>
#include <QString>
#include <QVariantAnimation>
#include <QWidget>
#include <vector>

namespace pretrainlab::widgets {

struct TokenChip {
    QString text;
    int tokenId = 0;          // below 0: a gap between words, not a token
    bool isMerged = false;    // longer than one symbol of the alphabet
    bool justMerged = false;  // made by the merge that was just applied
    QString leftPart;         // when justMerged: the two tokens that fused
    QString rightPart;
    bool unknown = false;     // a symbol the vocabulary lacks: no id, drawn struck through
};

struct ChipWord {
    QString word;      // the row's label: a corpus word, or a name such as "BPE"
    quint64 count = 0;
    bool showsCount = true;  // "×3" after the label
    std::vector<TokenChip> chips;
};

// Every word of the corpus, each drawn as a row of token chips. When a merge has just been
// applied, the two chips that fused slide together and the new chip keeps a ring until the next
// change.
class TokenChipsView : public QWidget {
    Q_OBJECT
public:
    explicit TokenChipsView(QWidget* parent = nullptr);

    // `totalWords` counts the words of the corpus; those beyond the ones given are summarised
    // ("… and 1,234 more words").
    void setWords(std::vector<ChipWord> words, std::size_t totalWords, bool animateMerges);
    const std::vector<ChipWord>& words() const { return words_; }
    // The segmentation as text, one word per line, tokens separated by spaces: "b an an a".
    QString segmentationText() const;
    void setAnimationDuration(int milliseconds) { animation_.setDuration(milliseconds); }
    // Writes each token's id under its chip.
    void setShowIds(bool show);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct ChipPlace {
        QRectF rect;
        int word = 0;
        int chip = 0;
    };
    struct Layout {
        std::vector<QRectF> labels;  // one per drawn word: "banana ×3"
        std::vector<ChipPlace> chips;
        int height = 0;
    };
    // The layout for a width; the last one is kept, as painting and sizing ask for it again and
    // again between changes.
    const Layout& layoutFor(int width) const;
    double chipTextWidth(const QString& text) const;
    void invalidateLayout();
    void measureLabels();
    void fitHeight();
    void drawChip(QPainter& painter, const TokenChip& chip, const QRectF& rect) const;

    std::vector<ChipWord> words_;
    std::size_t totalWords_ = 0;
    bool showIds_ = false;
    mutable Layout layout_;
    mutable int layoutWidth_ = -1;
    mutable QHash<QString, double> textWidths_;  // in the chip font
    std::vector<double> labelWidths_;            // each row's label with its count, in the view's font
    QHash<QString, double> labelTextWidths_;     // in the view's font
    double progress_ = 1.0;  // of the fuse animation, 0..1
    QVariantAnimation animation_;
};

}  // namespace pretrainlab::widgets
