#pragma once

#include <QString>
#include <QWidget>
#include <vector>

#include "widgets/token_chips_view.hpp"

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace pretrainlab::widgets {

// A real tokenizer (GPT-2's, BERT's, any tokenizer.json) beside the ones trained here, splitting
// the same text.
class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const;
    void setLoaded(const QString& description);
    void showProblem(const QString& text);  // empty clears it
    // One row per tokenizer: its name and counts as the label, its tokens with ids.
    void showRows(std::vector<ChipWord> rows);
    void setBusy(bool busy);

    TokenChipsView* chipsView() const { return chips_; }

signals:
    void openRequested();
    void textEdited(const QString& text);

private:
    QPushButton* openButton_ = nullptr;
    QLabel* loaded_ = nullptr;
    QLabel* problem_ = nullptr;
    QLineEdit* input_ = nullptr;
    QTimer* debounce_ = nullptr;
    TokenChipsView* chips_ = nullptr;
};

}  // namespace pretrainlab::widgets
