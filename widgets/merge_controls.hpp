#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace pretrainlab::widgets {

// The stepper's transport: Back, Step, Play with its speed, Reset, and jumps to a merge number or
// a vocabulary size. It reports what the user asks for; the page decides.
class MergeControls : public QWidget {
    Q_OBJECT
public:
    explicit MergeControls(QWidget* parent = nullptr);

    void setPlaying(bool playing);
    void setMergesPerSecond(int rate);
    // Where training is and how far it can go, for the spin box and the slider.
    void setPosition(int mergesDone, int maxMerges, int vocabularySize, int minVocabulary, int maxVocabulary,
                     bool canStep, bool canGoBack);
    void setBusy(bool busy);
    // Space/→ step, Backspace/← back, P play, Home reset, anywhere within `scope`.
    void addShortcutsTo(QWidget* scope);

signals:
    void stepRequested();
    void backRequested();
    void resetRequested();
    void playToggled(bool playing);
    void mergesPerSecondChanged(int rate);
    void mergeNumberRequested(int merges);
    void vocabularySizeRequested(int size);

private:
    QPushButton* backButton_ = nullptr;
    QPushButton* stepButton_ = nullptr;
    QPushButton* playButton_ = nullptr;
    QPushButton* resetButton_ = nullptr;
    QSlider* speedSlider_ = nullptr;
    QLabel* speedLabel_ = nullptr;
    QSpinBox* mergeSpin_ = nullptr;
    QSlider* vocabSlider_ = nullptr;
    QLabel* vocabLabel_ = nullptr;
    QTimer* vocabDebounce_ = nullptr;
    bool canStep_ = true;
    bool canGoBack_ = false;
    bool busy_ = false;
};

}  // namespace pretrainlab::widgets
