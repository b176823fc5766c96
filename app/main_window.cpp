#include "app/main_window.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>
#include <optional>
#include <qcustomplot.h>

#include "app/help/help_window.hpp"
#include "app/lecture/lecture_caption.hpp"
#include "app/lecture/lecture_mode.hpp"
#include "app/lecture/lecture_steps.hpp"
#include "app/lessons/accessible_names.hpp"
#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/lessons/optimization/optimization_page.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/lessons/view_export.hpp"
#include "app/session/session_actions.hpp"
#include "app/theme.hpp"
#include "core/nn/versions.hpp"

namespace pretrainlab::app {
namespace {

// Every command of a menu, its submenus' too.
QList<QAction*> commandsOf(const QMenu* menu) {
    QList<QAction*> commands;
    for (QAction* action : menu->actions()) {
        if (action->menu()) commands += commandsOf(action->menu());
        else commands << action;
    }
    return commands;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("PretrainLab"));
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256}) icon.addFile(QStringLiteral(":/icons/pretrainlab-%1.png").arg(size));
    setWindowIcon(icon);

    navigation_ = new QListWidget;
    navigation_->setObjectName(QStringLiteral("navigation"));
    navigation_->setAccessibleName(tr("Lessons"));
    fitNavigation();
    navigation_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    pages_ = new QStackedWidget;

    tokenization_ = new TokenizationPage;
    addPage(tr("Tokenization"), tokenization_);
    attention_ = new AttentionPage;
    addPage(tr("Architectures\n& attention"), attention_);
    training_ = new TrainingPage;
    training_->setTokenizerSource([this] { return tokenization_->state().trainedBpeTokenizer(); });
    addPage(tr("Training"), training_);
    // A model's folder joins the recent files once it has opened, and its own tokenizer goes to the
    // Tokenization lesson's Real tokenizers, to split the same text as the ones trained there.
    connect(&attention_->state(), &AttentionState::realModelOpened, this, [this](const QString& folder, bool encoder) {
        rememberRecentFile(folder, FileKind::Model);
        const AttentionState& models = attention_->state();
        const auto model = encoder ? models.realEncoder() : models.realDecoder();
        if (model) tokenization_->state().showTokenizer(model->tokenizer, QString::fromStdString(model->description));
    });
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

    sessions_ = new SessionActions(SessionLessons{&tokenization_->state(), &attention_->state(), &training_->state(),
                                                  &finetuning_->state()},
                                   this);
    connect(sessions_, &SessionActions::currentFileChanged, this, [this](const QString& path) {
        setWindowTitle(tr("%1 — PretrainLab").arg(QFileInfo(path).fileName()));
    });

    lecture_ = new LectureMode(LecturePages{tokenization_, attention_, training_, optimization_, finetuning_},
                               LectureMode::Window{this, [this](const QString& lesson) { showPage(lesson); },
                                                   [this](bool hidden) {
                                                       navigation_->setVisible(!hidden && lessonList_->isChecked());
                                                       menuBar()->setVisible(!hidden);
                                                   }},
                               this);

    auto* central = new QWidget;
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    auto* layout = new QHBoxLayout;
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(navigation_);
    layout->addWidget(pages_, 1);
    column->addLayout(layout, 1);
    column->addWidget(lecture_->caption());
    setCentralWidget(central);

    buildMenus();
    // The menus' keys also work where the menu bar is hidden (lecture mode): the window holds them too.
    for (const QAction* top : menuBar()->actions()) {
        if (!top->menu()) continue;
        for (QAction* action : commandsOf(top->menu()))
            if (!action->shortcuts().isEmpty() && !actions().contains(action)) addAction(action);
    }
    textSize_ = qApp->font().pointSizeF();
    resize(1280, 720);
    nameControls(*this);  // every control a screen reader can name
    letTabMoveOn(*this);
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

namespace {

// Each lesson's tabs, by the lessons' order in pageNames().
QTabWidget* lessonTabs(QWidget* page, int lesson) {
    static const char* const names[] = {"tokenizationTabs", "attentionTabs", "trainingSide", "optimizationTabs",
                                        "finetuningTabs"};
    return lesson >= 0 && lesson < 5 ? page->findChild<QTabWidget*>(QString::fromLatin1(names[lesson])) : nullptr;
}

QString kindText(FileKind kind) {
    switch (kind) {
        case FileKind::Corpus: return MainWindow::tr("corpus");
        case FileKind::Tokenizer: return MainWindow::tr("tokenizer");
        case FileKind::Checkpoint: return MainWindow::tr("checkpoint");
        case FileKind::Lecture: return MainWindow::tr("lecture steps");
        case FileKind::Session: return MainWindow::tr("session");
        case FileKind::Model: return MainWindow::tr("model");
        case FileKind::Export: break;
    }
    return {};
}

}  // namespace

void MainWindow::restoreSettings() {
    const QSettings settings;
    if (const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray(); !geometry.isEmpty())
        restoreGeometry(geometry);
    lessonList_->setChecked(settings.value(QStringLiteral("view/lessonList"), true).toBool());
    const QStringList names = pageNames();
    for (int i = 0; i < names.size(); ++i) {
        QTabWidget* tabs = lessonTabs(pages_->widget(i), i);
        const int tab = settings.value(QStringLiteral("view/tab/") + names[i], -1).toInt();
        if (tabs && tab >= 0 && tab < tabs->count()) tabs->setCurrentIndex(tab);
    }
    const QString lesson = settings.value(QStringLiteral("view/lesson")).toString();
    if (names.contains(lesson)) showPage(lesson);
}

void MainWindow::saveSettings() {
    // Lecture mode's full screen is not the window's own size: keep the one from before it.
    const QByteArray geometry = lecture_->isActive() ? lecture_->geometryBefore() : saveGeometry();
    lecture_->leave();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), geometry);
    settings.setValue(QStringLiteral("view/textSize"), textSize_);
    settings.setValue(QStringLiteral("view/theme"), currentTheme());
    settings.setValue(QStringLiteral("view/lessonList"), lessonList_->isChecked());
    const QStringList names = pageNames();
    settings.setValue(QStringLiteral("view/lesson"), names.value(navigation_->currentRow()));
    for (int i = 0; i < names.size(); ++i) {
        if (const QTabWidget* tabs = lessonTabs(pages_->widget(i), i))
            settings.setValue(QStringLiteral("view/tab/") + names[i], tabs->currentIndex());
    }
}

void MainWindow::fillRecentMenu() {
    recentMenu_->clear();
    const QList<RecentFile> files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QFileInfo info(files[i].path);
        QAction* open = recentMenu_->addAction(QStringLiteral("&%1  %2  (%3)")
                                                   .arg(i + 1)
                                                   .arg(info.fileName().replace(QLatin1Char('&'), QStringLiteral("&&")),
                                                        kindText(files[i].kind)),
                                               this, [this, path = files[i].path] { openRecentFile(path); });
        open->setToolTip(files[i].path);
        open->setStatusTip(files[i].path);
    }
    if (files.isEmpty()) recentMenu_->addAction(tr("No recent files"))->setEnabled(false);
    recentMenu_->addSeparator();
    QAction* clear = recentMenu_->addAction(tr("&Clear the list"), this, [] { clearRecentFiles(); });
    clear->setEnabled(!files.isEmpty());
}

void MainWindow::openModel(const QString& folder) {
    showPage(QStringLiteral("architectures"));
    if (!attention_->state().openRealModels({folder})) {
        QMessageBox::information(this, tr("Open model"),
                                 tr("The attention lesson is still working (see its progress): open %1 when it has "
                                    "finished, or cancel its work first.")
                                     .arg(QFileInfo(folder).fileName()));
    }
}

void MainWindow::openRecentFile(const QString& path) {
    std::optional<FileKind> kind;
    for (const RecentFile& file : recentFiles())
        if (file.path == path) kind = file.kind;
    if (!kind) return;
    if (!QFileInfo::exists(path)) {
        forgetRecentFile(path);
        QMessageBox::information(this, tr("Open recent"),
                                 tr("%1 is no longer there, so it was taken off the recent files.").arg(path));
        return;
    }
    if ((*kind == FileKind::Corpus || *kind == FileKind::Tokenizer) && tokenization_->state().isBusy()) {
        QMessageBox::information(this, tr("Open recent"),
                                 tr("The Tokenization lesson is still working (see its progress): open %1 when it "
                                    "has finished, or cancel its work first.")
                                     .arg(QFileInfo(path).fileName()));
        return;
    }
    rememberRecentFile(path, *kind);  // to the top of the list
    switch (*kind) {
        case FileKind::Corpus:
            showPage(QStringLiteral("tokenization"));
            tokenization_->state().openCorpusFile(path);
            break;
        case FileKind::Tokenizer:
            showPage(QStringLiteral("tokenization"));
            tokenization_->showTab(TokenizationPage::CompareTabIndex);
            tokenization_->state().openTokenizerFile(path);
            break;
        case FileKind::Checkpoint:
            showPage(QStringLiteral("training"));
            training_->state().openCheckpoint(path);
            break;
        case FileKind::Lecture:
            startLecture(path);
            break;
        case FileKind::Session:
            sessions_->open(path);
            break;
        case FileKind::Model:
            openModel(path);
            break;
        case FileKind::Export: break;
    }
}

void MainWindow::stepTab(int delta) {
    const int lesson = navigation_->currentRow();
    QTabWidget* tabs = lessonTabs(pages_->widget(lesson), lesson);
    if (!tabs || tabs->count() == 0) return;
    int index = tabs->currentIndex();
    for (int tried = 0; tried < tabs->count(); ++tried) {  // past tabs that are switched off
        index = (index + delta + tabs->count()) % tabs->count();
        if (tabs->isTabEnabled(index)) break;
    }
    tabs->setCurrentIndex(index);
}

QString MainWindow::currentLesson() const { return pageNames().value(navigation_->currentRow()); }

QString MainWindow::currentView() const {
    const int lesson = navigation_->currentRow();
    const QTabWidget* tabs = lessonTabs(pages_->widget(lesson), lesson);
    return tabs ? lectureViews(currentLesson()).value(tabs->currentIndex()) : QString();
}

QTabWidget* MainWindow::lessonTabWidget(const QString& lesson) const {
    const int index = int(pageNames().indexOf(lesson));
    return index < 0 ? nullptr : lessonTabs(pages_->widget(index), index);
}

QWidget* MainWindow::currentViewWidget() const {
    const int lesson = navigation_->currentRow();
    QWidget* page = pages_->widget(lesson);
    if (page == training_) return training_;
    QTabWidget* tabs = lessonTabs(page, lesson);
    return tabs && tabs->currentWidget() ? &viewContent(*tabs->currentWidget()) : page;
}

HelpWindow* MainWindow::helpWindow() {
    if (!help_) help_ = new HelpWindow([this] { return shortcutsHtml(); }, this);
    return help_;
}

QString MainWindow::shortcutsHtml() const {
    QString html = QStringLiteral("<h2>%1</h2>").arg(tr("Keyboard shortcuts"));
    const auto row = [](const QString& keys, const QString& what) {
        return QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
    };
    const auto plain = [](QString text) { return text.remove(QRegularExpression(QStringLiteral("&(?!&)"))).replace(QStringLiteral("&&"), QStringLiteral("&")).simplified(); };
    // Every menu command with keys, read off the menus themselves.
    for (const QAction* top : menuBar()->actions()) {
        const QMenu* menu = top->menu();
        if (!menu) continue;
        QString rows;
        for (const QAction* action : commandsOf(menu)) {
            QStringList keys;
            for (const QKeySequence& key : action->shortcuts()) {
                if (key[0].key() != Qt::Key_Backtab) keys << key.toString(QKeySequence::NativeText);  // Shift+Tab's twin
            }
            if (!keys.isEmpty()) rows += row(keys.join(tr(" or ")), plain(action->text()));
        }
        if (!rows.isEmpty()) html += QStringLiteral("<h3>%1</h3><table cellpadding=\"3\">%2</table>").arg(plain(top->text()), rows);
    }
    html += QStringLiteral("<h3>%1</h3><table cellpadding=\"3\">%2%3%4</table>")
                .arg(tr("Lecture mode"), row(tr("Space, → or PgDown"), tr("next step")),
                     row(tr("← or PgUp"), tr("step back")), row(tr("Esc"), tr("leave lecture mode")));
    html += QStringLiteral("<h3>%1</h3><table cellpadding=\"3\">%2%3%4%5</table>")
                .arg(tr("Tokenization: merge by merge; Optimization: Adam on a surface"), row(tr("Space or →"), tr("step")),
                     row(tr("Backspace or ←"), tr("step back")), row(tr("P"), tr("play or pause")), row(tr("Home"), tr("reset")));
    html += QStringLiteral("<h3>%1</h3><table cellpadding=\"3\">%2</table>")
                .arg(tr("Everywhere"), row(tr("Tab, Shift+Tab"), tr("the next or previous control")));
    return html;
}

QString MainWindow::aboutText() const {
    return tr("<h3>PretrainLab %1</h3><p>How language models are pretrained and finetuned, one step at a time: "
              "tokenization, architectures, optimization, and pretraining versus finetuning.</p>"
              "<p>Qt %2 (built with %3)<br>%4<br>QCustomPlot %5</p>")
        .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             QString::fromStdString(nn::linearAlgebraVersions()).toHtmlEscaped(), QStringLiteral(QCUSTOMPLOT_VERSION_STR));
}

void MainWindow::openLectureSteps() {
    const QString path = openFileName(this, tr("Open lecture steps"), tr("Lecture steps (*.json);;All files (*)"), FileKind::Lecture);
    if (!path.isEmpty()) startLecture(path);
}

void MainWindow::startLecture(const QString& path) {
    QString error;
    if (!lecture_->loadSteps(path, &error)) {
        QMessageBox::warning(this, tr("Lecture steps"), tr("These lecture steps cannot be used.\n\n%1").arg(error));
        return;
    }
    lecture_->enter(0);
}

void MainWindow::setTheme(const QString& name) {
    const QString before = currentTheme();
    applyTheme(*qApp, textSize_, name);
    if (currentTheme() != before) training_->state().recolourRuns();
    for (QAction* choose : themeMenu_->actions()) choose->setChecked(choose->data().toString() == currentTheme());
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
    file->addActions(sessions_->actions());
    file->addSeparator();
    // Each lesson's files in a menu of its own: the File menu stays short enough for a projector's
    // screen at the largest text size.
    QMenu* tokenization = file->addMenu(tr("T&okenization"));
    tokenization->addActions(tokenization_->fileActions());
    QMenu* training = file->addMenu(tr("&Training"));
    training->addActions(training_->fileActions());
    QAction* model = file->addAction(tr("Open &model…"), this, [this] {
        const QString folder = openFolderName(this, tr("Open a GPT-2 or BERT model's folder"), FileKind::Model);
        if (!folder.isEmpty()) openModel(folder);
    });
    model->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    model->setToolTip(tr("A pretrained GPT-2 or BERT in Hugging Face's layout (config.json, model.safetensors and its "
                         "tokenizer), shown beside the tiny models in Architectures & attention"));
    file->addSeparator();
    QAction* exportView = file->addAction(tr("E&xport this view as PNG or PDF…"), this, [this] {
        QWidget* view = currentViewWidget();
        if (!view) return;
        QString path = saveFileName(this, tr("Export this view"),
                                    QStringLiteral("%1-%2.png").arg(currentLesson(), currentView().isEmpty() ? QStringLiteral("view") : currentView()),
                                    tr("PNG image (*.png);;PDF (*.pdf)"), FileKind::Export);
        if (path.isEmpty()) return;
        if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".png");
        if (const QString problem = app::exportView(*view, path); !problem.isEmpty())
            QMessageBox::warning(this, tr("Export failed"), problem);
    });
    exportView->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportView->setToolTip(tr("Save everything the view on show displays, also what is scrolled out of sight"));
    file->addSeparator();
    recentMenu_ = file->addMenu(tr("Open &recent"));
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    fillRecentMenu();
    file->addAction(tr("Open l&ecture steps…"), this, &MainWindow::openLectureSteps)
        ->setToolTip(tr("A lecture walk-through of your own: a step file like resources/lecture/steps.json"));
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
    themeMenu_ = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(themeMenu_);
    for (const QString& name : themeNames()) {
        QAction* choose = themeMenu_->addAction(themeTitle(name), this, [this, name] { setTheme(name); });
        choose->setCheckable(true);
        choose->setChecked(name == currentTheme());
        choose->setData(name);
        themes->addAction(choose);
    }
    view->addSeparator();
    QAction* lecture = view->addAction(tr("L&ecture mode"), this, [this] { lecture_->enter(lecture_->current()); });
    lecture->setShortcut(QKeySequence(Qt::Key_F5));
    lecture->setToolTip(tr("Walk through the lecture step by step, full screen, with a caption for each step"));
    view->addSeparator();
    QAction* lessons = view->addAction(tr("Show the &lesson list"));
    lessonList_ = lessons;
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
    // The lesson's tabs from anywhere in the window (a tab widget alone takes Ctrl+Tab only while
    // the keyboard is inside it, not after Ctrl+2 or a click in the lesson list).
    QAction* nextTab = view->addAction(tr("Ne&xt tab"), this, [this] { stepTab(1); });
    nextTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    QAction* previousTab = view->addAction(tr("Pre&vious tab"), this, [this] { stepTab(-1); });
    // Shift+Tab arrives as Backtab from some keyboards, as Tab with Shift from others.
    previousTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab),
                               QKeySequence(Qt::CTRL | Qt::Key_PageUp)});
    addActions({nextTab, previousTab});  // also in lecture mode, where the menus are hidden

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* viewHelp = help->addAction(tr("&Help for this view"), this, [this] {
        helpWindow()->showView(currentLesson(), currentView());
        helpWindow()->show();
        helpWindow()->raise();
        helpWindow()->activateWindow();
    });
    viewHelp->setShortcut(QKeySequence(Qt::Key_F1));
    addAction(viewHelp);  // also in lecture mode, where the menus are hidden
    help->addAction(tr("&Glossary"), this, [this] {
        helpWindow()->showGlossary();
        helpWindow()->show();
        helpWindow()->raise();
    });
    help->addAction(tr("&Keyboard shortcuts"), this, [this] {
        helpWindow()->showShortcuts();
        helpWindow()->show();
        helpWindow()->raise();
    })->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    help->addSeparator();
    help->addAction(tr("&About PretrainLab"), this, [this] { QMessageBox::about(this, tr("About PretrainLab"), aboutText()); });
}

}  // namespace pretrainlab::app
