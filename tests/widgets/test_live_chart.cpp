// The live chart: points arrive in batches, smoothing is TensorBoard's debiased moving average,
// log scale, hover text, following new points.
#include <QtTest>

#include <cmath>
#include <qcustomplot.h>

#include "widgets/live_chart.hpp"

using pretrainlab::widgets::LiveChart;

class TestLiveChart : public QObject {
    Q_OBJECT

private slots:
    void takesThousandsOfPointsInBatches() {
        LiveChart::Options options;
        options.smoothingSlider = true;
        LiveChart chart(QStringLiteral("Loss"), QStringLiteral("cross-entropy"), options);
        chart.resize(800, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const int series = chart.addSeries(QStringLiteral("training"), Qt::blue, true);
        QElapsedTimer timer;
        timer.start();
        for (int batch = 0; batch < 200; ++batch) {
            std::vector<double> x, y;
            for (int i = 0; i < 100; ++i) {
                const int step = batch * 100 + i + 1;
                x.push_back(step);
                y.push_back(5.0 / std::sqrt(double(step)) + 0.1 * ((step * 7919) % 13) / 13.0);
            }
            chart.appendPoints(series, x, y);
            chart.refresh();
            chart.plot()->replot();  // as the timer's queued replot would
        }
        QCOMPARE(chart.pointCount(series), 20000);
        QCOMPARE(chart.plot()->graph(0)->dataCount(), 20000);  // the faint raw curve
        QVERIFY(chart.plot()->xAxis->range().upper >= 20000);
        qInfo() << "200 batches of 100 points with a replot each:" << timer.elapsed() << "ms";
    }

    void smoothingIsADebiasedMovingAverage() {
        LiveChart chart(QStringLiteral("Loss"), QStringLiteral("loss"), {});
        const int series = chart.addSeries(QStringLiteral("training"), Qt::blue, true);
        chart.setSmoothing(0.9);
        chart.appendPoints(series, {1, 2, 3}, {4.0, 2.0, 3.0});
        // m1 = 0.1·4, m2 = 0.9 m1 + 0.1·2, m3 = 0.9 m2 + 0.1·3; shown: m_t / (1 − 0.9^t)
        const double m1 = 0.4, m2 = 0.9 * m1 + 0.2, m3 = 0.9 * m2 + 0.3;
        QVERIFY(std::abs(chart.shownValue(series, 0) - 4.0) < 1e-12);
        QVERIFY(std::abs(chart.shownValue(series, 1) - m2 / (1 - 0.81)) < 1e-12);
        QVERIFY(std::abs(chart.shownValue(series, 2) - m3 / (1 - 0.729)) < 1e-12);
        chart.setSmoothing(0);
        QCOMPARE(chart.shownValue(series, 1), 2.0);
        const int plain = chart.addSeries(QStringLiteral("held-out"), Qt::red, false);
        chart.setSmoothing(0.5);
        chart.appendPoints(plain, {1, 2}, {4.0, 2.0});
        QCOMPARE(chart.shownValue(plain, 1), 2.0);  // only smoothed series are averaged
    }

    void hoverShowsTheNearestPointOfVisibleSeries() {
        LiveChart chart(QStringLiteral("Loss"), QStringLiteral("loss"), {});
        const int a = chart.addSeries(QStringLiteral("run A"), Qt::blue);
        const int b = chart.addSeries(QStringLiteral("run B"), Qt::red);
        chart.appendPoints(a, {10, 20, 30}, {1.5, 1.25, 1.125});
        chart.appendPoints(b, {10, 20, 30}, {2.5, 2.25, 2.125});
        const QString text = chart.hoverText(21);
        QVERIFY2(text.contains("Step 20") && text.contains("run A: 1.25") && text.contains("run B: 2.25"), qPrintable(text));
        chart.setSeriesVisible(b, false);
        QVERIFY(!chart.hoverText(21).contains("run B"));
        QVERIFY(chart.hoverText(29).contains("run A: 1.125"));
    }

    void logScaleAndFollowing() {
        LiveChart::Options options;
        options.logToggle = true;
        LiveChart chart(QStringLiteral("Loss"), QStringLiteral("loss"), options);
        chart.resize(600, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const int s = chart.addSeries(QStringLiteral("x"), Qt::blue);
        chart.appendPoints(s, {1, 2, 3}, {100, 10, 1});
        chart.refresh();
        chart.setLogScale(true);
        QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(chart.plot()->yAxis->range().lower > 0);
        QTest::mousePress(chart.plot(), Qt::LeftButton, {}, QPoint(300, 150));
        QTest::mouseRelease(chart.plot(), Qt::LeftButton, {}, QPoint(300, 150));
        QVERIFY(!chart.isFollowing());
        chart.appendPoints(s, {4}, {0.5});
        chart.refresh();
        QVERIFY(chart.plot()->xAxis->range().upper < 4);  // the user's view stays
        chart.followNewPoints();
        QVERIFY(chart.plot()->xAxis->range().upper >= 4);
    }
};

QTEST_MAIN(TestLiveChart)
#include "test_live_chart.moc"
