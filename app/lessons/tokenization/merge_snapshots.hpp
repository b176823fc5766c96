#pragma once

// Core's training and encoding states turned into what the Tokenization lesson's widgets draw.

#include <QString>
#include <memory>
#include <vector>

#include "core/tokenize/bpe_stepper.hpp"
#include "core/tokenize/encode_trace.hpp"
#include "core/tokenize/tokenizer.hpp"
#include "widgets/byte_view.hpp"
#include "widgets/merge_panel.hpp"
#include "widgets/tokenize_view.hpp"

namespace pretrainlab::app {

// The tables show the strongest pairs and the chips the first words; a large corpus has far more.
constexpr std::size_t shownCandidates = 200;
constexpr std::size_t shownWords = 300;

QString tieRuleTitle(TieBreak rule);

// Why the tie rule picked the next pair, with what it compared: ids, strings, or the word where
// the pair first appears. Empty when the next merge is not a tie.
QString tieNote(const BpeTrainer& trainer, const MergeStep& next);

// Brings `rules` in line with the stepper's history, touching only the rows that changed.
void syncRules(const BpeStepper& stepper, std::vector<widgets::RuleRow>& rules);

widgets::MergePanelSnapshot panelSnapshot(BpeStepper& stepper,
                                          std::shared_ptr<const std::vector<widgets::RuleRow>> rules);

// A word or piece as a label: spaces, tabs and line breaks made visible.
QString visibleText(const std::string& bytes);

// The frames of BPE encoding a text (before any merge, then after each), ready to animate.
// What encoding drops: "3 characters never seen in training, … : ï 🍌 é", and the byte-level fix.
QString missingNote(const std::vector<std::string>& missing, bool byteLevel);
std::vector<widgets::EncodingFrame> encodingFrames(const Tokenizer& tokenizer, const EncodingTrace& trace,
                                                   const QString& label);

// A text through any tokenizer as one row of chips with ids, a gap between pre-tokenized pieces,
// and [CLS] ... [SEP] when the tokenizer adds them.
widgets::ChipWord tokenRow(const Tokenizer& tokenizer, const std::string& text, const QString& label,
                           bool withSpecialTokens);

// Each character of `text` with its UTF-8 bytes and their GPT-2 symbols.
std::vector<widgets::ByteCell> byteCells(const QString& text);

}  // namespace pretrainlab::app
