#pragma once

#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QToolButton;

namespace pretrainlab::widgets {

// What the lesson trains on and how: an example, typed text or a file; byte-level or not; the tie
// rule. It also shows long work (loading, training) with a progress bar and Cancel.
class CorpusBar : public QWidget {
    Q_OBJECT
public:
    explicit CorpusBar(QWidget* parent = nullptr);

    // The built-in examples, then "Your own text"; a loaded file is added at the end by name.
    void setExamples(const QStringList& names);
    void showExample(int index);
    void showOwnText();
    void showFile(const QString& name);
    // Editable text, or a read-only preview (a file's beginning).
    void setText(const QString& text, bool readOnly);
    QString text() const;
    void setStatus(const QString& text);
    void showProblem(const QString& text);  // empty clears it
    void setTieRules(const QStringList& names, const QStringList& explanations, int current);
    void setByteLevel(bool on);
    void setExportMenu(QMenu* menu);

    void showProgress(const QString& what, double fraction);  // fraction < 0: busy, no figure
    void hideProgress();
    void setBusy(bool busy);

signals:
    void exampleChosen(int index);
    void openRequested();
    void byteLevelToggled(bool on);
    void tieRuleChosen(int index);
    void textEdited(const QString& text);  // after typing pauses
    void cancelRequested();

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void fitEditor();
    void fitStatus();

    QComboBox* examples_ = nullptr;
    QPushButton* openButton_ = nullptr;
    QCheckBox* byteLevel_ = nullptr;
    QComboBox* tieRules_ = nullptr;
    QToolButton* exportButton_ = nullptr;
    QPlainTextEdit* editor_ = nullptr;
    QTimer* debounce_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* problem_ = nullptr;
    QWidget* progressRow_ = nullptr;
    QLabel* progressLabel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    int exampleCount_ = 0;
};

}  // namespace pretrainlab::widgets
