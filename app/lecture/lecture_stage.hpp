#pragma once

#include <cstddef>
#include <optional>

#include "app/lecture/lecture_steps.hpp"

namespace pretrainlab::app {

class AttentionPage;
class FinetuningPage;
class OptimizationPage;
class TokenizationPage;
class TrainingPage;

// The lessons a lecture step acts on.
struct LecturePages {
    TokenizationPage* tokenization = nullptr;
    AttentionPage* attention = nullptr;
    TrainingPage* training = nullptr;
    OptimizationPage* optimization = nullptr;
    FinetuningPage* finetuning = nullptr;
};

// Puts the step's lesson into the step's state: its view, then what the step names. A run the
// step asks for starts only with `startRuns` and when the Training lab has none going; it takes
// the Setup form's settings with the step's architecture (the form keeps that architecture). False when the lesson was busy
// with work of its own (now cancelled): apply the step again once the lesson is idle.
bool applyLectureStep(const LectureStep& step, const LecturePages& pages, bool startRuns);

struct TrainingCountdown {
    std::size_t done = 0;
    std::size_t total = 0;
};
// The Training lab's run while it prepares or trains; nothing once it has ended.
std::optional<TrainingCountdown> liveTraining(const LecturePages& pages);

}  // namespace pretrainlab::app
