#pragma once

#include <QColor>

namespace pretrainlab::widgets {

// Each token keeps one colour for the whole run, so a student can follow "an" from step to step.
// Neighbouring ids get hues far apart (golden-angle spacing); single characters are pale and
// merged tokens stronger, so longer tokens stand out as merges accumulate.
struct TokenColors {
    QColor fill;
    QColor border;
    QColor text;
};

TokenColors tokenColors(int tokenId, bool isMerged);

}  // namespace pretrainlab::widgets
