#pragma once

#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

#include "core/nn/transformer.hpp"
#include "core/train/inspect_masks.hpp"

namespace pretrainlab::app {

// One step of the lecture walk-through: a lesson's view put into a prepared state, with the
// lecture's point as a caption. A step sets only what it names.
struct LectureStep {
    QString lesson;  // a page name: tokenization, architectures, training, optimization, finetuning
    QString view;    // one of lectureViews(lesson)
    QString title;
    QString caption;
    // Tokenization
    std::optional<int> example;  // the corpus menu's index
    std::optional<bool> byteLevel;
    std::optional<int> merge;
    // Architectures & attention
    std::optional<train::ModelKind> mask;
    // Training lab: a toy-world run of this architecture, started in the background
    std::optional<nn::Architecture> train;
};

struct LectureSteps {
    QString title;
    std::vector<LectureStep> steps;
};

inline constexpr int lectureFormatVersion = 1;

// The views a step may name for a lesson, in the lesson's tab order (empty for an unknown lesson).
QStringList lectureViews(const QString& lesson);

// Reads a step file's JSON. On a problem, returns nothing and sets *error to a message that names
// the source and the step ("steps.json: step 7: unknown view \"mask\" of architectures; ...").
std::optional<LectureSteps> parseLectureSteps(const QByteArray& json, const QString& source, QString* error);
std::optional<LectureSteps> readLectureSteps(const QString& path, QString* error);
// The walk-through that comes with the app (resources/lecture/steps.json).
LectureSteps shippedLectureSteps();

}  // namespace pretrainlab::app
