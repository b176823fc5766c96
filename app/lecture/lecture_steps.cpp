#include "app/lecture/lecture_steps.hpp"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <stdexcept>

#include "app/lessons/tokenization/corpus_examples.hpp"
#include "resources/resources.hpp"

namespace pretrainlab::app {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("LectureSteps", text); }

constexpr qint64 largestStepFile = 4 * 1024 * 1024;

// A problem in one step: the reader adds where.
struct StepProblem : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void refuse(const QString& message) { throw StepProblem(message.toStdString()); }

QString quoted(const QString& text) { return QLatin1Char('"') + text.left(40) + QLatin1Char('"'); }

QString requiredText(const QJsonObject& step, const QString& key) {
    const QJsonValue value = step.value(key);
    if (value.isUndefined()) refuse(tr("it has no \"%1\"").arg(key));
    if (!value.isString() || value.toString().trimmed().isEmpty()) refuse(tr("\"%1\" must be a text that is not empty").arg(key));
    return value.toString();
}

std::optional<int> optionalCount(const QJsonObject& step, const QString& key, int largest) {
    const QJsonValue value = step.value(key);
    if (value.isUndefined()) return std::nullopt;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number > largest || number != double(int(number))) {
        refuse(tr("\"%1\" must be a whole number from 0 to %2").arg(key).arg(largest));
    }
    return int(number);
}

std::optional<bool> optionalFlag(const QJsonObject& step, const QString& key) {
    const QJsonValue value = step.value(key);
    if (value.isUndefined()) return std::nullopt;
    if (!value.isBool()) refuse(tr("\"%1\" must be true or false").arg(key));
    return value.toBool();
}

std::optional<QString> optionalChoice(const QJsonObject& step, const QString& key, const QStringList& choices) {
    const QJsonValue value = step.value(key);
    if (value.isUndefined()) return std::nullopt;
    if (!value.isString() || !choices.contains(value.toString())) {
        refuse(tr("\"%1\" must be one of %2").arg(key, choices.join(QStringLiteral(", "))));
    }
    return value.toString();
}

// The keys each lesson's steps may use, beside lesson, view, title and caption.
QStringList lessonKeys(const QString& lesson) {
    if (lesson == QLatin1String("tokenization")) return {QStringLiteral("example"), QStringLiteral("byteLevel"), QStringLiteral("merge")};
    if (lesson == QLatin1String("architectures")) return {QStringLiteral("mask")};
    if (lesson == QLatin1String("training")) return {QStringLiteral("train")};
    return {};
}

LectureStep readStep(const QJsonValue& value) {
    if (!value.isObject()) refuse(tr("a step must be a JSON object"));
    const QJsonObject object = value.toObject();
    LectureStep step;
    step.lesson = requiredText(object, QStringLiteral("lesson"));
    const QStringList views = lectureViews(step.lesson);
    if (views.isEmpty()) {
        refuse(tr("unknown lesson %1 (the lessons: tokenization, architectures, training, optimization, finetuning)")
                   .arg(quoted(step.lesson)));
    }
    step.view = requiredText(object, QStringLiteral("view"));
    if (!views.contains(step.view)) {
        refuse(tr("unknown view %1 of %2 (its views: %3)").arg(quoted(step.view), step.lesson, views.join(QStringLiteral(", "))));
    }
    step.title = requiredText(object, QStringLiteral("title"));
    step.caption = requiredText(object, QStringLiteral("caption"));

    const QStringList allowed = QStringList{QStringLiteral("lesson"), QStringLiteral("view"), QStringLiteral("title"),
                                            QStringLiteral("caption")} +
                                lessonKeys(step.lesson);
    for (const QString& key : object.keys()) {
        if (!allowed.contains(key)) {
            refuse(tr("unknown key %1 for a step of %2 (it may have: %3)")
                       .arg(quoted(key), step.lesson, allowed.join(QStringLiteral(", "))));
        }
    }
    step.example = optionalCount(object, QStringLiteral("example"), int(corpusExamples().size()) - 1);
    step.byteLevel = optionalFlag(object, QStringLiteral("byteLevel"));
    step.merge = optionalCount(object, QStringLiteral("merge"), 100000);
    if (const auto mask = optionalChoice(object, QStringLiteral("mask"),
                                         {QStringLiteral("encoder"), QStringLiteral("decoder"), QStringLiteral("prefix-lm"),
                                          QStringLiteral("encoder-decoder")})) {
        step.mask = *mask == QLatin1String("encoder")   ? train::ModelKind::Encoder
                    : *mask == QLatin1String("decoder") ? train::ModelKind::Decoder
                    : *mask == QLatin1String("prefix-lm") ? train::ModelKind::PrefixLm
                                                          : train::ModelKind::EncoderDecoder;
    }
    if (const auto train = optionalChoice(object, QStringLiteral("train"), {QStringLiteral("decoder"), QStringLiteral("encoder")})) {
        step.train = *train == QLatin1String("decoder") ? nn::Architecture::Decoder : nn::Architecture::Encoder;
    }
    return step;
}

}  // namespace

QStringList lectureViews(const QString& lesson) {
    if (lesson == QLatin1String("tokenization"))
        return {QStringLiteral("merges"), QStringLiteral("tokenize"), QStringLiteral("tradeoff"), QStringLiteral("compare")};
    if (lesson == QLatin1String("architectures"))
        return {QStringLiteral("masks"), QStringLiteral("weights"), QStringLiteral("generation"), QStringLiteral("zero-shot"),
                QStringLiteral("loss")};
    if (lesson == QLatin1String("training"))
        return {QStringLiteral("setup"), QStringLiteral("guesses"), QStringLiteral("runs")};
    if (lesson == QLatin1String("optimization"))
        return {QStringLiteral("playground"), QStringLiteral("network"), QStringLiteral("stability"), QStringLiteral("memory"),
                QStringLiteral("accumulation"), QStringLiteral("precision")};
    if (lesson == QLatin1String("finetuning"))
        return {QStringLiteral("finetune"), QStringLiteral("ablation"), QStringLiteral("data-size"), QStringLiteral("features"),
                QStringLiteral("pretraining"), QStringLiteral("architectures")};
    return {};
}

std::optional<LectureSteps> parseLectureSteps(const QByteArray& json, const QString& source, QString* error) {
    const auto fail = [&](const QString& message) -> std::optional<LectureSteps> {
        if (error) *error = source + QStringLiteral(": ") + message;
        return std::nullopt;
    };
    QJsonParseError parse{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parse);
    if (parse.error != QJsonParseError::NoError) {
        return fail(tr("not valid JSON at byte %1: %2").arg(parse.offset).arg(parse.errorString()));
    }
    if (!document.isObject()) return fail(tr("a lecture step file is a JSON object with \"format\" and \"steps\""));
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("pretrainlab-lecture")) {
        return fail(tr("not a lecture step file (\"format\" must be \"pretrainlab-lecture\")"));
    }
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isDouble() || version.toDouble() < 1 || version.toDouble() > 1e6 ||
        version.toDouble() != double(int(version.toDouble()))) {
        return fail(tr("\"version\" must be a whole number from 1"));
    }
    if (version.toInt() > lectureFormatVersion) {
        return fail(tr("written for a newer PretrainLab (format version %1; this one reads version %2)")
                        .arg(version.toInt())
                        .arg(lectureFormatVersion));
    }
    const QJsonValue list = root.value(QStringLiteral("steps"));
    if (!list.isArray() || list.toArray().isEmpty()) return fail(tr("\"steps\" must be a list of at least one step"));
    LectureSteps steps;
    steps.title = root.value(QStringLiteral("title")).toString();
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        try {
            steps.steps.push_back(readStep(array.at(i)));
        } catch (const StepProblem& problem) {
            return fail(tr("step %1: %2").arg(i + 1).arg(QString::fromStdString(problem.what())));
        }
    }
    return steps;
}

std::optional<LectureSteps> readLectureSteps(const QString& path, QString* error) {
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("could not open %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > largestStepFile) {
        if (error) *error = tr("%1: %2 bytes is too large for a lecture step file (at most 4 MB)").arg(name).arg(file.size());
        return std::nullopt;
    }
    return parseLectureSteps(file.readAll(), name, error);
}

LectureSteps shippedLectureSteps() {
    QString error;
    std::optional<LectureSteps> steps = parseLectureSteps(resources::read(QStringLiteral(":/lecture/steps.json")),
                                                          QStringLiteral("steps.json"), &error);
    if (!steps) qFatal("the shipped lecture steps are broken: %s", qPrintable(error));
    return *steps;
}

}  // namespace pretrainlab::app
