#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "core/common/progress.hpp"
#include "core/tokenize/bpe_trainer.hpp"

namespace pretrainlab {

// BPE one merge at a time, forwards and back, for the lesson. It drives a BpeTrainer (the same
// code that trains in one go) and keeps the traced record of every merge made so far. Going back
// takes merges back with the trainer's undo log, or, when the start is nearer, replays the
// earlier merges from it: training is deterministic, so both land on the same state.
class BpeStepper {
public:
    BpeStepper(WordCounts corpus, BpeOptions options,
               TraceRequest trace = TraceRequest::full());

    // The merge the next step would make, with its trace; nullptr when training is over.
    const MergeStep* next();

    bool stepForward();  // false (and nothing changes) when training is over
    bool stepBack();     // false at the start
    // Long moves report to `progress` and throw Cancelled when it asks to stop, leaving the
    // stepper at some state between (the caller may go back where it was).
    void goTo(std::size_t mergesDone, const Progress& progress = {});
    void reset() { goTo(0); }
    // Moves to the first state whose vocabulary has at least `size` tokens (or as far as
    // training goes), forwards or back.
    void goToVocabularySize(std::size_t size, const Progress& progress = {});

    // Changes the tie rule and replays the same number of merges under it.
    void setTieBreak(TieBreak rule, const Progress& progress = {});

    std::size_t position() const { return history_.size(); }
    bool atEnd();
    // Steps 1..position(); steps reached by a jump carry no pair-count trace.
    const std::vector<MergeStep>& history() const { return history_; }
    const BpeTrainer& trainer() const { return *trainer_; }
    const WordCounts& corpus() const { return corpus_; }
    const BpeOptions& options() const { return options_; }

private:
    void rebuild();
    bool forward(const TraceRequest& trace);
    // Every 64 merges: reports how far along and stops if asked.
    static void checkIn(const Progress& progress, std::size_t done, std::size_t total);

    WordCounts corpus_;
    BpeOptions options_;
    TraceRequest trace_;
    std::unique_ptr<BpeTrainer> trainer_;
    std::vector<MergeStep> history_;
    std::optional<std::optional<MergeStep>> next_;  // cached peek: outer = computed at all
};

}  // namespace pretrainlab
