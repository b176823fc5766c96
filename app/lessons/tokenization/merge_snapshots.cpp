#include "app/lessons/tokenization/merge_snapshots.hpp"

#include <QCoreApplication>
#include <QLocale>
#include <algorithm>

#include "core/text/byte_level.hpp"
#include "core/tokenize/bpe_encoder.hpp"
#include "core/text/utf8.hpp"

namespace pretrainlab::app {
namespace {

QString qt(const std::string& text) { return QString::fromStdString(text); }

QString tr(const char* text) { return QCoreApplication::translate("TokenizationPage", text); }

}  // namespace

QString tieRuleTitle(TieBreak rule) {
    switch (rule) {
        case TieBreak::HuggingFace: return tr("Smallest ids");
        case TieBreak::Lexicographic: return tr("Dictionary order");
        case TieBreak::FirstOccurrence: return tr("First in corpus");
    }
    return {};
}

QString tieNote(const BpeTrainer& trainer, const MergeStep& next) {
    if (next.ties.size() < 2) return {};
    const Vocabulary& vocabulary = trainer.vocabulary();
    constexpr std::size_t listed = 4;
    const std::size_t shown = std::min(next.ties.size(), listed);
    const QString more = next.ties.size() > listed ? QStringLiteral(" < …") : QString();
    QStringList keys;
    for (std::size_t i = 0; i < shown; ++i) {
        const TokenPair pair = next.ties[i];
        if (next.tieRule == TieBreak::HuggingFace) {
            keys << QStringLiteral("(%1, %2)").arg(pair.left).arg(pair.right);
        } else {
            keys << QStringLiteral("(%1, %2)").arg(qt(vocabulary.token(pair.left)), qt(vocabulary.token(pair.right)));
        }
    }
    const QString winner = qt(next.left) + QStringLiteral(" + ") + qt(next.right);
    const QString what = next.criterion == MergeCriterion::Likelihood ? tr("score") : tr("count");
    const QString head = tr("Tie: %1 pairs have the same %2.").arg(next.ties.size()).arg(what);
    switch (next.tieRule) {
        case TieBreak::HuggingFace:
            return head + QLatin1Char(' ') +
                   tr("Smallest ids first: %1%2, so %3 is merged.").arg(keys.join(QStringLiteral(" < ")), more, winner);
        case TieBreak::Lexicographic:
            return head + QLatin1Char(' ') +
                   tr("Dictionary order: %1%2, so %3 is merged.").arg(keys.join(QStringLiteral(" < ")), more, winner);
        case TieBreak::FirstOccurrence: {
            const std::optional<std::size_t> word = trainer.firstWordWith(next.pair);
            return head + QLatin1Char(' ') +
                   tr("%1 appears first in the corpus (in “%2”), so it is merged.")
                       .arg(winner, word ? visibleText(trainer.wordText(*word)) : QString());
        }
    }
    return head;
}

void syncRules(const BpeStepper& stepper, std::vector<widgets::RuleRow>& rules) {
    const std::vector<MergeStep>& history = stepper.history();
    if (rules.size() > history.size()) rules.resize(history.size());
    // A row whose merge changed (another tie rule replayed) is rebuilt from there on.
    std::size_t same = rules.size();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].merged != qt(history[i].newToken) || rules[i].left != qt(history[i].left)) {
            same = i;
            break;
        }
    }
    rules.resize(same);
    for (std::size_t i = rules.size(); i < history.size(); ++i) {
        const MergeStep& step = history[i];
        rules.push_back({static_cast<int>(step.step), qt(step.left), qt(step.right), qt(step.newToken), step.count,
                         step.score, step.ties.size() > 1});
    }
}

QString visibleText(const std::string& bytes) {
    QString text = QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
    text.replace(QLatin1Char(' '), QChar(0x2423));    // ␣
    text.replace(QLatin1Char('\n'), QChar(0x23CE));   // ⏎
    text.replace(QLatin1Char('\t'), QChar(0x21E5));   // ⇥
    text.replace(QLatin1Char('\r'), QString());
    return text;
}

widgets::MergePanelSnapshot panelSnapshot(BpeStepper& stepper,
                                          std::shared_ptr<const std::vector<widgets::RuleRow>> rules) {
    const BpeTrainer& trainer = stepper.trainer();
    const Vocabulary& vocabulary = trainer.vocabulary();
    widgets::MergePanelSnapshot shot;
    shot.mergesDone = static_cast<int>(stepper.position());
    shot.vocabularySize = static_cast<int>(vocabulary.size());
    shot.alphabetSize = static_cast<int>(trainer.alphabetSize() + trainer.options().specialTokens.size());
    shot.totalTokens = trainer.totalTokens();
    shot.candidatesTotal = static_cast<int>(trainer.distinctPairs());
    shot.wordsTotal = trainer.wordCount();
    shot.rules = std::move(rules);

    const MergeStep* next = stepper.next();
    shot.finished = next == nullptr;
    if (next) {
        shot.nextLeft = qt(next->left);
        shot.nextRight = qt(next->right);
        shot.nextMerged = qt(next->newToken);
        shot.nextCount = next->count;
        shot.nextLeftCount = next->leftCount;
        shot.nextRightCount = next->rightCount;
        shot.nextScore = next->criterion == MergeCriterion::Likelihood ? next->score : 0.0;
        for (const PairCount& pair : next->pairCounts) {
            widgets::CandidateRow row;
            row.left = qt(vocabulary.token(pair.pair.left));
            row.right = qt(vocabulary.token(pair.pair.right));
            row.count = pair.count;
            row.leftCount = pair.leftCount;
            row.rightCount = pair.rightCount;
            row.score = pair.likelihoodScore();
            row.isNext = pair.pair == next->pair;
            row.isTied = !row.isNext && std::find(next->ties.begin(), next->ties.end(), pair.pair) != next->ties.end();
            shot.candidates.push_back(row);
        }
        shot.tieNote = tieNote(trainer, *next);
    }

    const MergeStep* last = stepper.history().empty() ? nullptr : &stepper.history().back();
    const std::size_t firstMergedId = trainer.options().specialTokens.size() + trainer.alphabetSize();
    const std::size_t words = std::min(trainer.wordCount(), shownWords);
    for (std::size_t w = 0; w < words; ++w) {
        widgets::ChipWord word;
        word.word = visibleText(trainer.wordText(w));
        word.count = trainer.wordFrequency(w);
        for (const TokenId id : trainer.wordTokens(w)) {
            widgets::TokenChip chip;
            chip.text = qt(vocabulary.token(id));
            chip.tokenId = static_cast<int>(id);
            chip.isMerged = id >= firstMergedId;
            if (last && id == last->newId) {
                chip.justMerged = true;
                chip.leftPart = qt(last->left);
                chip.rightPart = qt(last->right);
            }
            word.chips.push_back(std::move(chip));
        }
        shot.words.push_back(std::move(word));
    }
    return shot;
}

namespace {

widgets::TokenChip chipFor(const Tokenizer& tokenizer, TokenId id) {
    widgets::TokenChip chip;
    chip.text = qt(tokenizer.vocabulary().token(id));
    chip.tokenId = static_cast<int>(id);
    chip.isMerged = utf8::countCharacters(tokenizer.vocabulary().token(id)) > 1;
    return chip;
}

}  // namespace

QString missingNote(const std::vector<std::string>& missing, bool byteLevel) {
    QStringList distinct;
    for (const std::string& symbol : missing) {
        const QString text = byteLevel ? visibleText(symbol) : qt(symbol);
        if (!distinct.contains(text)) distinct << text;
    }
    const QString which = distinct.join(QLatin1Char(' '));
    const auto count = missing.size();
    if (byteLevel) return tr("%1 bytes this vocabulary lacks, dropped: %2").arg(count).arg(which);
    const QString head = count == 1 ? tr("1 character never seen in training, so it has no token and is dropped")
                         : std::size_t(distinct.size()) == count
                             ? tr("%1 characters never seen in training, so they have no token and are dropped").arg(count)
                             : tr("%1 characters (%2 different) never seen in training, so they have no token and are "
                                  "dropped")
                                   .arg(count)
                                   .arg(distinct.size());
    return head + QStringLiteral(": ") + which +
           tr(" · byte-level BPE starts from all 256 bytes and never meets an unknown character");
}

namespace {

const widgets::TokenChip gap{QString(), -1, false, false, {}, {}, false};

}  // namespace

std::vector<widgets::EncodingFrame> encodingFrames(const Tokenizer& tokenizer, const EncodingTrace& trace,
                                                   const QString& label) {
    const QLocale locale;
    const auto row = [&](const std::vector<std::vector<TokenId>>& pieces, const EncodingStep* step) {
        widgets::ChipWord tokens;
        tokens.showsCount = false;
        std::size_t count = 0;
        std::size_t missing = 0;  // missing symbols keep their order in every frame: they never merge
        for (std::size_t p = 0; p < pieces.size(); ++p) {
            if (p > 0) tokens.chips.push_back(gap);
            for (const TokenId id : pieces[p]) {
                if (id == BpeEncoder::missingSymbol) {
                    widgets::TokenChip chip;
                    chip.text = missing < trace.missing.size() ? qt(trace.missing[missing]) : QStringLiteral("?");
                    chip.unknown = true;
                    ++missing;
                    tokens.chips.push_back(std::move(chip));
                    continue;
                }
                widgets::TokenChip chip = chipFor(tokenizer, id);
                if (step && id == step->merged) {
                    chip.justMerged = true;
                    chip.leftPart = qt(tokenizer.vocabulary().token(step->pair.left));
                    chip.rightPart = qt(tokenizer.vocabulary().token(step->pair.right));
                }
                tokens.chips.push_back(std::move(chip));
                ++count;
            }
        }
        tokens.word = label + QStringLiteral(" · ") + locale.toString(static_cast<qulonglong>(count));
        return tokens;
    };
    std::vector<widgets::EncodingFrame> frames;
    const bool bytes = tokenizer.config().byteLevel;
    std::size_t symbols = 0;
    for (const auto& piece : trace.initial) symbols += piece.size();
    symbols -= trace.missing.size();
    QString first = bytes ? tr("Before any merge: one token per byte (%1)").arg(symbols)
                          : tr("Before any merge: one token per character (%1)").arg(symbols);
    if (!trace.missing.empty()) first += QStringLiteral(" · ") + missingNote(trace.missing, bytes);
    frames.push_back({first, row(trace.initial, nullptr)});
    for (std::size_t s = 0; s < trace.steps.size(); ++s) {
        const EncodingStep& step = trace.steps[s];
        const QString where = step.occurrences == 1 ? tr("in 1 place") : tr("in %1 places").arg(step.occurrences);
        frames.push_back({tr("Merge rule %1: %2 + %3 → %4, %5")
                              .arg(step.rank + 1)
                              .arg(qt(tokenizer.vocabulary().token(step.pair.left)),
                                   qt(tokenizer.vocabulary().token(step.pair.right)),
                                   qt(tokenizer.vocabulary().token(step.merged)), where),
                          row(step.pieces, &step)});
    }
    if (frames.size() > 1) frames.back().caption += tr(" · done: no learned merge applies any more");
    return frames;
}

widgets::ChipWord tokenRow(const Tokenizer& tokenizer, const std::string& text, const QString& label,
                           bool withSpecialTokens) {
    widgets::ChipWord row;
    row.showsCount = false;
    std::size_t count = 0;
    const auto add = [&](TokenId id) {
        row.chips.push_back(chipFor(tokenizer, id));
        ++count;
    };
    if (withSpecialTokens) {
        for (const TokenId id : tokenizer.config().prefixTokens) add(id);
    }
    const std::vector<std::string> pieces = tokenizer.pieces(text);
    for (std::size_t p = 0; p < pieces.size(); ++p) {
        if (p > 0 || (withSpecialTokens && !tokenizer.config().prefixTokens.empty())) row.chips.push_back(gap);
        for (const TokenId id : tokenizer.encode(pieces[p])) add(id);
    }
    if (withSpecialTokens && !tokenizer.config().suffixTokens.empty()) {
        row.chips.push_back(gap);
        for (const TokenId id : tokenizer.config().suffixTokens) add(id);
    }
    row.word = label + QStringLiteral(" · ") + QLocale().toString(static_cast<qulonglong>(count));
    return row;
}

std::vector<widgets::ByteCell> byteCells(const QString& text) {
    const QByteArray bytes = text.toUtf8();
    const std::string_view view(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    std::vector<widgets::ByteCell> cells;
    std::size_t pos = 0;
    while (pos < view.size()) {
        const std::size_t start = pos;
        const char32_t codePoint = utf8::decode(view, pos);
        widgets::ByteCell cell;
        cell.character = codePoint == U' '    ? QString(QChar(0x2423))
                         : codePoint == U'\n' ? QString(QChar(0x23CE))
                         : codePoint == U'\t' ? QString(QChar(0x21E5))
                                              : QString::fromUtf8(view.data() + start, static_cast<qsizetype>(pos - start));
        cell.codePoint = QStringLiteral("U+%1").arg(static_cast<uint>(codePoint), 4, 16, QLatin1Char('0')).toUpper();
        for (std::size_t i = start; i < pos; ++i) {
            const auto byte = static_cast<std::uint8_t>(view[i]);
            cell.bytes << QStringLiteral("%1").arg(byte, 2, 16, QLatin1Char('0')).toUpper();
            cell.symbols << qt(byte_level::symbols()[byte]);
        }
        cells.push_back(std::move(cell));
    }
    return cells;
}

}  // namespace pretrainlab::app
