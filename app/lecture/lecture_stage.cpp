#include "app/lecture/lecture_stage.hpp"

#include "app/jobs/background_job.hpp"
#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/attention/lesson_state.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/lessons/finetuning/lesson_state.hpp"
#include "app/lessons/optimization/optimization_page.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/training/training_page.hpp"

namespace pretrainlab::app {
namespace {

using State = TrainingController::State;

bool trainingLive(State state) { return state == State::Preparing || state == State::Running || state == State::Paused; }

bool applyTokenization(const LectureStep& step, TokenizationPage& page) {
    page.showTab(TokenizationPage::Tab(lectureViews(step.lesson).indexOf(step.view)));
    TokenizationState& state = page.state();
    if (state.isBusy()) {  // a large corpus still counting or training: the step replaces it
        state.cancelWork();
        return false;
    }
    if (step.example) state.chooseExample(*step.example);
    if (step.byteLevel && state.byteLevel() != *step.byteLevel) state.setByteLevel(*step.byteLevel);
    if (step.merge) state.goToMerge(*step.merge);
    return true;
}

void applyTraining(const LectureStep& step, TrainingPage& page, bool startRuns) {
    const auto index = lectureViews(step.lesson).indexOf(step.view);
    page.showSideTab(TrainingPage::SideTab(index));
    if (!step.train || !startRuns || trainingLive(page.state().controller().state())) return;
    train::RunSettings settings = page.settings();
    if (settings.model.architecture != *step.train) {
        settings.model.architecture = *step.train;
        page.setSettings(settings);
    }
    page.start();
    // A setup the form refuses shows the form with its problem; a run shows the step's view.
    if (trainingLive(page.state().controller().state())) page.showSideTab(TrainingPage::SideTab(index));
}

}  // namespace

bool applyLectureStep(const LectureStep& step, const LecturePages& pages, bool startRuns) {
    const auto view = lectureViews(step.lesson).indexOf(step.view);
    if (step.lesson == QLatin1String("tokenization")) {
        return applyTokenization(step, *pages.tokenization);
    } else if (step.lesson == QLatin1String("architectures")) {
        pages.attention->showView(AttentionPage::View(view));
        // Weights, generation and scores need trained models: without any yet, the ones that come
        // with the app (the Finetuning lesson's base models), so the lecture never waits here.
        AttentionState& models = pages.attention->state();
        if (step.view != QLatin1String("masks") && models.source() == AttentionState::Source::TinyModels &&
            (!models.encoder() || !models.decoder()) && !models.job().busy()) {
            const FinetuningState& shipped = pages.finetuning->state();
            if (shipped.shipped(nn::Architecture::Encoder) && shipped.shipped(nn::Architecture::Decoder))
                models.setTinyModels(shipped.shipped(nn::Architecture::Encoder), shipped.shipped(nn::Architecture::Decoder));
        }
        if (step.mask) pages.attention->setMaskKind(*step.mask);
    } else if (step.lesson == QLatin1String("training")) {
        applyTraining(step, *pages.training, startRuns);
    } else if (step.lesson == QLatin1String("optimization")) {
        pages.optimization->showView(OptimizationPage::View(view));
    } else if (step.lesson == QLatin1String("finetuning")) {
        pages.finetuning->showView(FinetuningPage::View(view));
    }
    return true;
}

std::optional<TrainingCountdown> liveTraining(const LecturePages& pages) {
    TrainingLabState& lab = pages.training->state();
    const Run* run = lab.currentRun();
    if (!run || !trainingLive(lab.controller().state())) return std::nullopt;
    return TrainingCountdown{lab.controller().stepsDone(), run->settings.steps};
}

}  // namespace pretrainlab::app
