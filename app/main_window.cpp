#include "app/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QIcon>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QTimer>
#include <algorithm>

#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/lessons/optimization/optimization_page.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/training/run_setup_form.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/theme.hpp"

namespace pretrainlab::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("PretrainLab"));
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256}) icon.addFile(QStringLiteral(":/icons/pretrainlab-%1.png").arg(size));
    setWindowIcon(icon);

    navigation_ = new QListWidget;
    navigation_->setObjectName(QStringLiteral("navigation"));
    fitNavigation();
    navigation_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    pages_ = new QStackedWidget;

    tokenization_ = new TokenizationPage;
    addPage(tr("Tokenization"), tokenization_);
    attention_ = new AttentionPage;
    addPage(tr("Architectures\n& attention"), attention_);
    training_ = new TrainingPage;
    training_->setupForm().setTokenizerSource([this] { return tokenization_->state().trainedBpeTokenizer(); });
    addPage(tr("Training"), training_);
    connect(&attention_->state(), &AttentionState::labModelWanted, &training_->state().controller(),
            &TrainingController::requestSnapshot);
    connect(&training_->state().controller(), &TrainingController::snapshotReady, &attention_->state(),
            &AttentionState::setLabModel);
    connect(attention_, &AttentionPage::comparisonWanted, this, [this] {
        showPage(QStringLiteral("training"));
        training_->compareObjectives();
    });
    optimization_ = new OptimizationPage;
    addPage(tr("Optimization"), optimization_);
    finetuning_ = new FinetuningPage;
    addPage(tr("Pretrain →\nfinetune"), finetuning_);
    connect(&finetuning_->state(), &FinetuningState::labModelWanted, &training_->state().controller(),
            &TrainingController::requestSnapshot);
    connect(&training_->state().controller(), &TrainingController::snapshotReady, &finetuning_->state(),
            &FinetuningState::setLabModel);

    connect(navigation_, &QListWidget::currentRowChanged, this, [this](int row) {
        // Only the lesson on show sets how small the window may get: a hidden lesson's minimum
        // width must not push the window past a projector's screen.
        for (int i = 0; i < pages_->count(); ++i) {
            pages_->widget(i)->setSizePolicy(i == row ? QSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred)
                                                      : QSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored));
        }
        pages_->setCurrentIndex(row);
    });
    navigation_->setCurrentRow(0);
    // A click on a lesson hands it the keyboard; the arrow keys keep moving through the list.
    connect(navigation_, &QListWidget::itemClicked, this, [this] { focusPage(); });

    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(navigation_);
    layout->addWidget(pages_, 1);
    setCentralWidget(central);

    buildMenus();
    textSize_ = qApp->font().pointSizeF();
    resize(1280, 720);
}

QStringList MainWindow::pageNames() {
    return {QStringLiteral("tokenization"), QStringLiteral("architectures"),
            QStringLiteral("training"), QStringLiteral("optimization"),
            QStringLiteral("finetuning")};
}

void MainWindow::addPage(const QString& title, QWidget* page) {
    auto* entry = new QListWidgetItem(title, navigation_);
    entry->setToolTip(title.simplified());
    pages_->addWidget(page);
}

bool MainWindow::showPage(const QString& name) {
    const int index = static_cast<int>(pageNames().indexOf(name));
    if (index < 0) return false;
    navigation_->setCurrentRow(index);
    focusPage();
    return true;
}

void MainWindow::focusPage() {
    // The lesson takes the keyboard, so Space steps its stepper without a click first. (Arrows in
    // the lesson list keep the focus there: moving through the list must not be taken away.)
    if (QWidget* page = pages_->currentWidget()) page->setFocus(Qt::OtherFocusReason);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (!shownOnce_) {
        shownOnce_ = true;
        QTimer::singleShot(0, this, [this] { focusPage(); });
    }
}

void MainWindow::setTextSize(double points) {
    textSize_ = std::clamp(points, minimumTextPointSize, maximumTextPointSize);
    applyTheme(*qApp, textSize_);
    fitNavigation();
}

void MainWindow::fitNavigation() {
    // Wide enough for the longest word of a lesson's name at this text size ("Architectures"), so
    // no name is cut; the lesson itself scrolls if what is left is too narrow.
    const QFontMetrics metrics(navigation_->font());
    int widest = 0;
    for (const QString& word : {tr("Architectures"), tr("Tokenization"), tr("Optimization"), tr("finetune")})
        widest = std::max(widest, metrics.horizontalAdvance(word));
    navigation_->setFixedWidth(std::max(184, widest + 52));
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addActions(tokenization_->fileActions());
    file->addSeparator();
    QMenu* training = file->addMenu(tr("&Training"));
    training->addActions(training_->fileActions());
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* larger = view->addAction(tr("&Larger text"), this, [this] { setTextSize(textSize_ + 1); });
    larger->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction* smaller = view->addAction(tr("&Smaller text"), this, [this] { setTextSize(textSize_ - 1); });
    smaller->setShortcut(QKeySequence::ZoomOut);
    QAction* normal = view->addAction(tr("&Normal text size"), this,
                                      [this] { setTextSize(defaultTextPointSize); });
    normal->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    view->addSeparator();
    QAction* lessons = view->addAction(tr("Show the &lesson list"));
    lessons->setCheckable(true);
    lessons->setChecked(true);
    lessons->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    lessons->setToolTip(tr("Hide the list of lessons to give the lesson the whole width"));
    connect(lessons, &QAction::toggled, navigation_, &QWidget::setVisible);
    QAction* fullScreen = view->addAction(tr("&Full screen"), this, [this] {
        setWindowState(windowState() ^ Qt::WindowFullScreen);
    });
    // F11 first, so the menu shows it (the platform's FullScreen key is empty on some desktops).
    QList<QKeySequence> fullScreenKeys{QKeySequence(Qt::Key_F11)};
    if (!QKeySequence(QKeySequence::FullScreen).isEmpty() && QKeySequence(QKeySequence::FullScreen) != fullScreenKeys.front())
        fullScreenKeys << QKeySequence(QKeySequence::FullScreen);
    fullScreen->setShortcuts(fullScreenKeys);
    view->addSeparator();
    for (int i = 0; i < pageNames().size(); ++i) {
        // "&" in a lesson's name is a letter here, not a mnemonic.
        QAction* go = view->addAction(navigation_->item(i)->text().simplified().replace(QLatin1Char('&'), QStringLiteral("&&")), this,
                                      [this, i] {
                                          navigation_->setCurrentRow(i);
                                          focusPage();
                                      });
        go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About PretrainLab"), this, [this] {
        QMessageBox::about(this, tr("About PretrainLab"),
                           tr("<h3>PretrainLab %1</h3><p>How language models are pretrained and "
                              "finetuned, one step at a time: tokenization, architectures, "
                              "optimization, and pretraining versus finetuning.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

}  // namespace pretrainlab::app
