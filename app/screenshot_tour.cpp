#include "app/screenshot_tour.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

#include "app/main_window.hpp"
#include "app/pages/tokenization_page.hpp"

namespace pretrainlab::app {
namespace {

void settle(int milliseconds) {
    QEventLoop loop;
    QTimer::singleShot(milliseconds, &loop, &QEventLoop::quit);
    loop.exec();
}

}  // namespace

int runScreenshotTour(MainWindow& window, const QString& directory, const QList<QSize>& sizes) {
    QDir().mkpath(directory);
    QTextStream out(stdout);
    int failures = 0;
    for (const QSize& size : sizes) {
        window.resize(size);
        int index = 0;
        const auto save = [&](const QString& state) {
            settle(900);  // layouts and the merge animation finish
            const QString name = QStringLiteral("%1x%2-%3-%4.png")
                                     .arg(size.width())
                                     .arg(size.height())
                                     .arg(++index, 2, 10, QLatin1Char('0'))
                                     .arg(state);
            const QString path = QDir(directory).filePath(name);
            if (window.grab().save(path)) {
                out << path << '\n';
            } else {
                out << "could not write " << path << '\n';
                ++failures;
            }
            out.flush();
        };

        TokenizationPage* tokenization = window.tokenizationPage();
        window.showPage(QStringLiteral("tokenization"));
        tokenization->setCorpus(QString::fromLatin1(TokenizationPage::defaultCorpus));
        save(QStringLiteral("tokenization-start"));
        tokenization->step();
        save(QStringLiteral("tokenization-step1"));
        tokenization->step();
        save(QStringLiteral("tokenization-step2-tie"));
        tokenization->setCorpus(QStringLiteral(
            "low low low low low lower lower newest newest newest newest newest newest widest "
            "widest widest café café naïve 日本 日本語 🙂🙂"));
        for (int i = 0; i < 6; ++i) tokenization->step();
        save(QStringLiteral("tokenization-words"));
        tokenization->setCorpus(QString::fromLatin1(TokenizationPage::defaultCorpus));

        for (const QString& page : MainWindow::pageNames()) {
            if (page == QStringLiteral("tokenization")) continue;
            window.showPage(page);
            save(page);
        }
        window.showPage(QStringLiteral("tokenization"));
    }
    return failures == 0 ? 0 : 1;
}

}  // namespace pretrainlab::app
