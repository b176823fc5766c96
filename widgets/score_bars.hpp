#pragma once

#include <QStringList>
#include <QWidget>
#include <vector>

namespace pretrainlab::widgets {

// Labelled horizontal bars: probabilities (0..1, as percentages) or log-probabilities (≤ 0, the
// higher the longer, the numbers written out). One bar can be marked (the token drawn, the best
// answer); a threshold line can be drawn for log-probabilities.
class ScoreBars : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Probability, LogProbability };

    explicit ScoreBars(QWidget* parent = nullptr);

    void setBars(const QStringList& labels, const std::vector<double>& values, int marked = -1);
    void setKind(Kind kind);
    void setTitle(const QString& title);
    void setThreshold(double threshold, bool shown);  // log-probabilities only
    void setMessage(const QString& message);           // shown instead of bars

    const QStringList& labels() const { return labels_; }
    const std::vector<double>& values() const { return values_; }
    int marked() const { return marked_; }
    QString title() const { return title_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    // Labels too long for the left half (whole sentences) go on their own wrapped lines above
    // their bars: nothing is cut where two sentences differ.
    bool labelsAbove(int width) const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int labelHeight(const QString& label, int width) const;
    double fraction(double value) const;  // the bar's length, 0..1

    QStringList labels_;
    std::vector<double> values_;
    int marked_ = -1;
    Kind kind_ = Kind::Probability;
    QString title_, message_;
    double threshold_ = 0;
    bool thresholdShown_ = false;
};

}  // namespace pretrainlab::widgets
