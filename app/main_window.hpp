#pragma once

#include <QMainWindow>
#include <QStringList>

class QAction;
class QListWidget;
class QMenu;
class QStackedWidget;
class QTabWidget;

namespace pretrainlab::app {

class AttentionPage;
class FinetuningPage;
class HelpWindow;
class LectureMode;
class OptimizationPage;
class SessionActions;
class TokenizationPage;
class TrainingPage;

// The lecture's parts down the left, the selected lesson on the right.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Page names as used on the command line: tokenization, architectures, training,
    // optimization, finetuning.
    static QStringList pageNames();
    bool showPage(const QString& name);
    TokenizationPage* tokenizationPage() const { return tokenization_; }
    TrainingPage* trainingPage() const { return training_; }
    AttentionPage* attentionPage() const { return attention_; }
    FinetuningPage* finetuningPage() const { return finetuning_; }
    OptimizationPage* optimizationPage() const { return optimization_; }
    LectureMode* lecture() const { return lecture_; }
    // File → Open session… / Save session… / Recent sessions.
    SessionActions* sessions() const { return sessions_; }
    // Asks for a lecture step file and starts the walk-through with it; a broken file is refused
    // with its problem and the steps in use stay.
    void openLectureSteps();

    // What a launch restores (QSettings): the window's place and size, the lesson and each lesson's
    // tab, whether the lesson list shows. The text size is applied before the window is made.
    void restoreSettings();
    void saveSettings();  // leaves lecture mode first: its full screen is not the window's own
    // Opens a recent file as what it was opened as (a corpus, a tokenizer, a checkpoint, lecture steps,
    // a model's folder).
    void openRecentFile(const QString& path);
    // Opens a real model's folder (GPT-2 or BERT) in the background and shows it in Architectures &
    // attention; a model that does not open is refused there, by name, and nothing else changes.
    void openModel(const QString& folder);

    // The lesson on show and its view, as lecture steps and help name them.
    QString currentLesson() const;
    QString currentView() const;
    // A lesson's tabs (the Training lab: its side tabs), by the lesson's name.
    QTabWidget* lessonTabWidget(const QString& lesson) const;
    // The lesson's next (1) or previous (−1) tab, wrapping around: View > Next tab (Ctrl+Tab, Ctrl+PgDown).
    void stepTab(int delta);
    // Help (F1 opens it on the view on show); made when first asked for.
    HelpWindow* helpWindow();
    // What the view on show displays, all of it: the current tab's content (the Training lab:
    // the whole lesson, charts and side tab); File > Export this view saves it as PNG or PDF.
    QWidget* currentViewWidget() const;
    QString shortcutsHtml() const;
    QString aboutText() const;  // with the versions of Qt, Eigen, OpenBLAS and QCustomPlot

    void setTextSize(double points);
    // One of themeNames(): applied to every widget and chart at once, remembered for the next launch.
    void setTheme(const QString& name);
    double textSize() const { return textSize_; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildMenus();
    void fillRecentMenu();
    // Lecture mode with a step file; a broken one is refused with its problem, the steps in use stay.
    void startLecture(const QString& path);
    void focusPage();
    void fitNavigation();
    void addPage(const QString& title, QWidget* page);

    QListWidget* navigation_ = nullptr;
    QStackedWidget* pages_ = nullptr;
    TokenizationPage* tokenization_ = nullptr;
    TrainingPage* training_ = nullptr;
    AttentionPage* attention_ = nullptr;
    FinetuningPage* finetuning_ = nullptr;
    OptimizationPage* optimization_ = nullptr;
    LectureMode* lecture_ = nullptr;
    SessionActions* sessions_ = nullptr;
    QAction* lessonList_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* themeMenu_ = nullptr;
    HelpWindow* help_ = nullptr;
    double textSize_ = 0;
    bool shownOnce_ = false;
};

}  // namespace pretrainlab::app
