#pragma once

#include <QWidget>

class QLabel;
class QSlider;

namespace pretrainlab::app {

// A named hyperparameter on a slider with its value beside it: linear (three decimals), log (two
// significant digits, a rate a lecturer can say) or β (1 − 10^(−4t): 0, 0.9, 0.99, 0.999 and
// 0.9999 sit exactly on it). The slider keeps the object name given, for tests.
class ParameterSlider : public QWidget {
    Q_OBJECT
public:
    enum class Scale { Linear, Log, Beta };

    ParameterSlider(const QString& label, const QString& name, double low, double high, Scale scale, double initial,
                    const QString& tip, QWidget* parent = nullptr);

    double value() const;
    // Moves the slider to the position nearest `value` without emitting changed().
    void setValue(double value);

signals:
    void changed();

private:
    QSlider* slider_ = nullptr;
    QLabel* shown_ = nullptr;
    double low_, high_;
    Scale scale_;
};

}  // namespace pretrainlab::app
