#include <QImage>
#include <QtTest>

#include "widgets/token_chips_view.hpp"
#include "widgets/token_colors.hpp"

using namespace pretrainlab::widgets;

class TestTokenChipsView : public QObject {
    Q_OBJECT

private slots:
    void sameTokenSameColour_differentTokensDiffer() {
        QCOMPARE(tokenColors(7, true).fill, tokenColors(7, true).fill);
        for (int id = 0; id < 40; ++id) {
            QVERIFY(tokenColors(id, true).fill != tokenColors(id + 1, true).fill);
        }
        // Text on chips stays dark on a light fill, for contrast on a projector.
        for (int id = 0; id < 40; ++id) {
            QVERIFY(tokenColors(id, true).fill.lightnessF() > 0.6);
            QVERIFY(tokenColors(id, false).fill.lightnessF() > 0.8);
        }
    }

    void drawsEveryWordAndGrowsWithThem() {
        TokenChipsView view;
        view.setAnimationDuration(0);
        view.resize(600, 400);
        std::vector<ChipWord> words;
        words.push_back({"banana", 1, true, {{"b", 1, false, false, {}, {}}, {"an", 4, true, true, "a", "n"},
                                       {"an", 4, true, true, "a", "n"}, {"a", 0, false, false, {}, {}}}});
        const int oneRow = [&] {
            view.setWords(words, 1, false);
            return view.heightForWidth(600);
        }();
        words.push_back({"band", 1, true, {{"b", 1, false, false, {}, {}}, {"an", 4, true, true, "a", "n"}, {"d", 2, false, false, {}, {}}}});
        view.setWords(words, 2, false);
        QVERIFY(view.heightForWidth(600) > oneRow);
        QCOMPARE(view.segmentationText(), QStringLiteral("b an an a\nb an d"));

        // The chips are painted: the picture holds the merged token's fill colour.
        QImage image(view.size(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        view.render(&image);
        const QColor fill = tokenColors(4, true).fill;
        bool found = false;
        for (int y = 0; y < image.height() && !found; ++y) {
            for (int x = 0; x < image.width() && !found; ++x) {
                const QColor pixel = image.pixelColor(x, y);
                found = qAbs(pixel.red() - fill.red()) <= 1 && qAbs(pixel.green() - fill.green()) <= 1 &&
                        qAbs(pixel.blue() - fill.blue()) <= 1;
            }
        }
        QVERIFY(found);
    }

    void narrowWidthWrapsLongWords() {
        TokenChipsView view;
        std::vector<ChipWord> words(1);
        words[0].word = QStringLiteral("Donaudampfschiffahrtsgesellschaft");
        words[0].count = 1;
        for (const QChar c : words[0].word) words[0].chips.push_back({QString(c), int(c.unicode()), false, false, {}, {}});
        view.setWords(words, 1, false);
        QVERIFY(view.heightForWidth(300) > view.heightForWidth(1600));
    }
};

QTEST_MAIN(TestTokenChipsView)
#include "test_token_chips_view.moc"
