#pragma once

#include <QList>
#include <QWidget>
#include <functional>
#include <optional>

#include "app/lessons/training/lesson_state.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "core/train/run_settings.hpp"

class QAction;
class QLabel;
class QPushButton;
class QSplitter;
class QTabWidget;

namespace pretrainlab::widgets {
class SteadyLabel;
}

namespace pretrainlab::app {

class GuessesTab;
class RunSetupForm;
class RunsTab;
class TrainingCharts;

// The Training lab's shell: the run's buttons and status line, the live charts, and beside them
// the Setup form, the model's guesses and the runs kept to compare, all over one TrainingLabState.
class TrainingPage : public QWidget {
    Q_OBJECT
public:
    enum class SideTab { Setup, Guesses, Runs };

    explicit TrainingPage(QWidget* parent = nullptr);

    TrainingLabState& state() { return *state_; }
    // The Setup form's settings (a problem with them is said in the form).
    train::RunSettings settings() const;
    void setSettings(const train::RunSettings& settings);
    // Where "the Tokenization lesson's tokenizer" comes from when a run reads a text file.
    void setTokenizerSource(std::function<std::optional<Tokenizer>()> source);
    void showSideTab(SideTab tab);
    // Starts a run with the form's settings; a setup that does not make a run is said in the form.
    void start();
    // A tiny encoder, then a tiny decoder, compared by the tokens that produced loss.
    void compareObjectives(std::size_t steps = 600);
    QList<QAction*> fileActions() const { return fileActions_; }

private:
    void buildFileActions();
    // Charts beside the side tabs where both fit the width; at the largest text sizes on a
    // projector's 1280 pixels, the side tabs go below the charts instead of off the screen.
    void fitSideToWidth();
    QWidget* buildControls();
    void updateButtons();

    TrainingLabState* state_ = nullptr;
    RunSetupForm* setup_ = nullptr;
    GuessesTab* guesses_ = nullptr;
    RunsTab* runsTab_ = nullptr;
    TrainingCharts* charts_ = nullptr;
    QTabWidget* side_ = nullptr;
    QWidget* centre_ = nullptr;
    QSplitter* splitter_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* step_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* reset_ = nullptr;
    widgets::SteadyLabel* status_ = nullptr;
    QLabel* problem_ = nullptr;
    QList<QAction*> fileActions_;
    QAction* saveAction_ = nullptr;
};

}  // namespace pretrainlab::app
