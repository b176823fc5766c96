#pragma once

#include <QMainWindow>
#include <QStringList>

class QListWidget;
class QStackedWidget;

namespace pretrainlab::app {

class AttentionPage;
class FinetuningPage;
class OptimizationPage;
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

    void setTextSize(double points);
    double textSize() const { return textSize_; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildMenus();
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
    double textSize_ = 0;
    bool shownOnce_ = false;
};

}  // namespace pretrainlab::app
