// pretrainlab: the desktop app.
#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/lecture/lecture_mode.hpp"
#include "app/main_window.hpp"
#include "app/lessons/attention/attention_page.hpp"
#include "app/session/session_actions.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/screenshot_tour.hpp"
#include "app/theme.hpp"

namespace {

QList<QSize> parseSizes(const QString& text, bool* ok) {
    QList<QSize> sizes;
    *ok = true;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList numbers = part.trimmed().split(QLatin1Char('x'));
        bool widthOk = false;
        bool heightOk = false;
        const int width = numbers.value(0).toInt(&widthOk);
        const int height = numbers.value(1).toInt(&heightOk);
        if (numbers.size() != 2 || !widthOk || !heightOk || width < 320 || height < 240) {
            *ok = false;
            return {};
        }
        sizes << QSize(width, height);
    }
    *ok = !sizes.isEmpty();
    return sizes;
}

int usageError(const QString& message) {
    std::fprintf(stderr, "pretrainlab: %s\n", qPrintable(message));
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace pretrainlab::app;
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PretrainLab"));
    QApplication::setOrganizationName(QStringLiteral("PretrainLab"));
    QApplication::setApplicationVersion(QStringLiteral(PRETRAINLAB_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.pretrainlab.PretrainLab"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("PretrainLab: how language models are pretrained and finetuned."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption pageOption(
        QStringLiteral("page"),
        QStringLiteral("Open this lesson: %1.").arg(MainWindow::pageNames().join(QStringLiteral(", "))),
        QStringLiteral("name"));
    const QCommandLineOption corpusOption(QStringLiteral("corpus"),
                                          QStringLiteral("Words for the BPE stepper."),
                                          QStringLiteral("text"));
    const QCommandLineOption tokenizerOption(
        QStringLiteral("tokenizer"),
        QStringLiteral("Open this tokenizer file (tokenizer.json, vocab.json, tiktoken ranks, vocab.txt) "
                       "beside the ones trained in the Tokenization lesson."),
        QStringLiteral("path"));
    const QCommandLineOption modelOption(
        QStringLiteral("model"),
        QStringLiteral("Open a pretrained GPT-2 or BERT (a folder in Hugging Face's layout: config.json, "
                       "model.safetensors and its tokenizer) in Architectures & attention; may be given twice."),
        QStringLiteral("folder"));
    const QCommandLineOption textSizeOption(QStringLiteral("text-size"),
                                            QStringLiteral("Base text size in points."),
                                            QStringLiteral("points"));
    const QCommandLineOption screenshotsOption(
        QStringLiteral("screenshots"),
        QStringLiteral("Save screenshots of every page into this folder, then quit."),
        QStringLiteral("folder"));
    const QCommandLineOption sizesOption(
        QStringLiteral("screenshot-sizes"),
        QStringLiteral("Window sizes for --screenshots (default 1280x720,1920x1080)."),
        QStringLiteral("WxH,..."), QStringLiteral("1280x720,1920x1080"));
    const QCommandLineOption themeOption(QStringLiteral("theme"),
                                         QStringLiteral("The colours: light, dark or contrast (black on white for a projector)."),
                                         QStringLiteral("name"));
    const QCommandLineOption lectureOption(QStringLiteral("lecture"),
                                           QStringLiteral("Start in lecture mode: the lecture's walk-through, full screen."));
    const QCommandLineOption lectureStepsOption(
        QStringLiteral("lecture-steps"),
        QStringLiteral("Start in lecture mode with this step file instead of the one that comes with the app."),
        QStringLiteral("file"));
    parser.addOptions({pageOption, corpusOption, tokenizerOption, modelOption, textSizeOption, screenshotsOption, sizesOption,
                       lectureOption, lectureStepsOption, themeOption});
    parser.addPositionalArgument(QStringLiteral("session"),
                                 QStringLiteral("A session file (.pretrainlab) to open: what a class built, saved with File > Save session."),
                                 QStringLiteral("[session]"));
    parser.process(app);

    const bool screenshots = parser.isSet(screenshotsOption);
    QSettings settings;
    // A saved size out of range (an edited settings file) falls back to the nearest one offered.
    double textSize = screenshots ? defaultTextPointSize
                                  : std::clamp(settings.value(QStringLiteral("view/textSize"), defaultTextPointSize)
                                                   .toDouble(),
                                               minimumTextPointSize, maximumTextPointSize);
    if (!std::isfinite(textSize)) textSize = defaultTextPointSize;
    if (parser.isSet(textSizeOption)) {
        bool ok = false;
        textSize = parser.value(textSizeOption).toDouble(&ok);
        if (!ok || textSize < minimumTextPointSize || textSize > maximumTextPointSize) {
            return usageError(QStringLiteral("--text-size expects a number of points from %1 to %2")
                                          .arg(minimumTextPointSize)
                                          .arg(maximumTextPointSize));
        }
    }
    QString theme = screenshots ? QStringLiteral("light") : settings.value(QStringLiteral("view/theme")).toString();
    if (parser.isSet(themeOption)) {
        theme = parser.value(themeOption);
        if (!themeNames().contains(theme)) {
            return usageError(QStringLiteral("--theme expects one of: %1").arg(themeNames().join(QStringLiteral(", "))));
        }
    }
    applyTheme(app, textSize, theme);

    MainWindow window;
    if (!screenshots) window.restoreSettings();
    if (parser.isSet(pageOption) && !window.showPage(parser.value(pageOption))) {
        return usageError(QStringLiteral("--page expects one of: %1")
                                      .arg(MainWindow::pageNames().join(QStringLiteral(", "))));
    }
    if (parser.positionalArguments().size() > 1) return usageError(QStringLiteral("open one session file at a time"));
    if (parser.isSet(corpusOption)) window.tokenizationPage()->state().setCorpus(parser.value(corpusOption));
    if (parser.isSet(tokenizerOption) && !screenshots) {
        window.tokenizationPage()->state().openTokenizerFile(parser.value(tokenizerOption));
    }
    if (parser.isSet(modelOption) && !screenshots) {
        if (!parser.isSet(pageOption)) window.showPage(QStringLiteral("architectures"));
        window.attentionPage()->state().openRealModels(parser.values(modelOption));
    }

    if (screenshots) {
        bool ok = false;
        const QList<QSize> sizes = parseSizes(parser.value(sizesOption), &ok);
        if (!ok) {
            return usageError(QStringLiteral("--screenshot-sizes expects sizes like 1280x720,1920x1080"));
        }
        window.show();
        int status = 0;
        QTimer::singleShot(0, &window, [&] {
            status = runScreenshotTour(window, parser.value(screenshotsOption), sizes, parser.value(tokenizerOption));
            QApplication::quit();
        });
        app.exec();
        return status;
    }

    QObject::connect(&app, &QApplication::aboutToQuit, &window, [&] { window.saveSettings(); });
    if (parser.isSet(lectureStepsOption)) {
        QString error;
        if (!window.lecture()->loadSteps(parser.value(lectureStepsOption), &error)) {
            return usageError(QStringLiteral("--lecture-steps: %1").arg(error));
        }
    }
    window.show();
    if (!parser.positionalArguments().isEmpty()) window.sessions()->open(parser.positionalArguments().first(), false);
    if (parser.isSet(lectureOption) || parser.isSet(lectureStepsOption)) window.lecture()->enter(0);
    return app.exec();
}
