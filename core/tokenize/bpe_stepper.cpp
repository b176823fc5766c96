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

void BpeStepper::goTo(std::size_t mergesDone) {
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
        for (std::size_t i = 0; i < kept.size(); ++i) trainer_->step();
        history_ = std::move(kept);
        return;
    }
    // Merges passed over in a jump are recorded without the pair-count table; the one landed
    // on gets the full trace.
    const TraceRequest jumpTrace{false, 0, trace_.ties};
    while (history_.size() < mergesDone) {
        if (!forward(history_.size() + 1 == mergesDone ? trace_ : jumpTrace)) break;
    }
}

void BpeStepper::goToVocabularySize(std::size_t size) {
    const auto sizeAfter = [this](std::size_t merges) {
        return merges == 0 ? trainer_->alphabetSize() + options_.specialTokens.size()
                           : history_[merges - 1].vocabSizeAfter;
    };
    for (std::size_t merges = 0; merges <= history_.size(); ++merges) {
        if (sizeAfter(merges) >= size) {
            goTo(merges);
            return;
        }
    }
    const TraceRequest jumpTrace{false, 0, trace_.ties};
    while (trainer_->vocabulary().size() < size && forward(jumpTrace)) {
    }
}

void BpeStepper::setTieBreak(TieBreak rule) {
    if (rule == options_.tieBreak) return;
    const std::size_t mergesDone = history_.size();
    options_.tieBreak = rule;
    rebuild();
    goTo(mergesDone);
}

}  // namespace pretrainlab
