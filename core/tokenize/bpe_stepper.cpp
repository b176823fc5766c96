#include "core/tokenize/bpe_stepper.hpp"

namespace pretrainlab {

BpeStepper::BpeStepper(WordCounts corpus, BpeOptions options, TraceRequest trace)
    : corpus_(std::move(corpus)), options_(std::move(options)), trace_(trace) {
    rebuild();
}

void BpeStepper::rebuild() {
    trainer_ = std::make_unique<BpeTrainer>(corpus_, options_);
    trainer_->keepUndoLog(true);
    history_.clear();
    next_.reset();
}

const MergeStep* BpeStepper::next() {
    if (!next_) next_ = trainer_->peek(trace_);
    return *next_ ? &**next_ : nullptr;
}

bool BpeStepper::atEnd() { return next() == nullptr; }

bool BpeStepper::forward(const TraceRequest& trace) {
    // A cached preview already carries the full trace of this very merge: keep it.
    const bool havePreview = next_ && *next_;
    std::optional<MergeStep> made = trainer_->step(havePreview ? TraceRequest::none() : trace);
    if (!made) return false;
    if (havePreview) {
        const std::uint64_t totalTokens = made->totalTokensAfter;
        made = std::move(**next_);
        made->totalTokensAfter = totalTokens;
    }
    history_.push_back(std::move(*made));
    next_.reset();
    return true;
}

bool BpeStepper::stepForward() { return forward(trace_); }

bool BpeStepper::stepBack() {
    if (history_.empty()) return false;
    goTo(history_.size() - 1);
    return true;
}

void BpeStepper::checkIn(const Progress& progress, std::size_t done, std::size_t total) {
    if ((done & 63) != 0) return;
    if (progress.stopRequested()) throw Cancelled();
    if (total > 0) progress(static_cast<double>(done) / static_cast<double>(total));
}

void BpeStepper::goTo(std::size_t mergesDone, const Progress& progress) {
    if (mergesDone < history_.size()) {
        const std::size_t back = history_.size() - mergesDone;
        if (back <= mergesDone + 1) {
            // Nearer the current state than the start: take merges back one by one.
            trainer_->undo(back);
            history_.resize(mergesDone);
            next_.reset();
            return;
        }
        std::vector<MergeStep> kept(std::make_move_iterator(history_.begin()),
                                    std::make_move_iterator(history_.begin() +
                                                            static_cast<std::ptrdiff_t>(mergesDone)));
        rebuild();
        for (std::size_t i = 0; i < kept.size(); ++i) {
            trainer_->step();
            history_.push_back(std::move(kept[i]));
            checkIn(progress, i + 1, kept.size());
        }
        return;
    }
    // Merges passed over in a jump are recorded without a trace (the pair-count table, and the
    // ties, which cost a scan of every pair at the winning count late in training); the one
    // landed on gets the full trace.
    const TraceRequest jumpTrace = TraceRequest::none();
    const std::size_t from = history_.size();
    while (history_.size() < mergesDone) {
        if (!forward(history_.size() + 1 == mergesDone ? trace_ : jumpTrace)) break;
        checkIn(progress, history_.size() - from, mergesDone - from);
    }
}

void BpeStepper::goToVocabularySize(std::size_t size, const Progress& progress) {
    const auto sizeAfter = [this](std::size_t merges) {
        return merges == 0 ? trainer_->alphabetSize() + options_.specialTokens.size()
                           : history_[merges - 1].vocabSizeAfter;
    };
    for (std::size_t merges = 0; merges <= history_.size(); ++merges) {
        if (sizeAfter(merges) >= size) {
            goTo(merges, progress);
            return;
        }
    }
    // Forward; the last merge gets the full trace, like a single step.
    const TraceRequest jumpTrace = TraceRequest::none();
    const std::size_t from = trainer_->vocabulary().size();
    while (trainer_->vocabulary().size() + 1 < size && forward(jumpTrace)) {
        checkIn(progress, trainer_->vocabulary().size() - from, size - from);
    }
    if (trainer_->vocabulary().size() < size) forward(trace_);
}

void BpeStepper::setTieBreak(TieBreak rule, const Progress& progress) {
    if (rule == options_.tieBreak) return;
    const std::size_t mergesDone = history_.size();
    options_.tieBreak = rule;
    rebuild();
    goTo(mergesDone, progress);
}

}  // namespace pretrainlab
