#include "app/session/tokenization_part.hpp"

#include <stdexcept>

#include "app/session/session_json.hpp"
#include "core/tokenize/word_counts.hpp"

namespace pretrainlab::app::session {
namespace {

const std::string lessonPart = "tokenization/lesson.json";
const std::string characterWordsPart = "tokenization/character-words";
const std::string byteWordsPart = "tokenization/byte-words";
const std::string bpePart = "tokenization/bpe-tokenizer.json";
const std::string wordPiecePart = "tokenization/wordpiece-tokenizer.json";

const std::string& partIn(const train::SessionParts& parts, const std::string& name) {
    const auto found = parts.find(name);
    if (found == parts.end()) throw std::invalid_argument("the part '" + name + "' is missing");
    return found->second;
}

}  // namespace

void addTokenization(train::SessionParts& parts, const TokenizationState::Saved& saved) {
    const Json lesson{{"example", saved.exampleIndex},
                      {"name", utf8(saved.name)},
                      {"preview", utf8(saved.preview)},
                      {"from_file", saved.fromFile},
                      {"bytes", saved.bytes},
                      {"byte_level", saved.byteLevel},
                      {"tie_rule", std::string(tieBreakName(saved.tieRule))},
                      {"bpe_merges", saved.bpeMerges},
                      {"wordpiece_merges", saved.wordPieceMerges}};
    parts[lessonPart] = lesson.dump(1) + "\n";
    parts[characterWordsPart] = wordCountsBytes(*saved.characterWords);
    parts[byteWordsPart] = wordCountsBytes(*saved.byteWords);
    parts[bpePart] = saved.bpeTokenizerJson;
    parts[wordPiecePart] = saved.wordPieceTokenizerJson;
}

std::optional<TokenizationState::Saved> tokenizationFrom(const train::SessionParts& parts) {
    if (!parts.count(lessonPart)) return std::nullopt;
    const Json lesson = Json::parse(partIn(parts, lessonPart));
    TokenizationState::Saved saved;
    saved.exampleIndex = at(lesson, "example").get<int>();
    if (saved.exampleIndex < -1) throw std::invalid_argument("\"example\" is not an example's number");
    saved.name = text(at(lesson, "name"));
    saved.preview = text(at(lesson, "preview"));
    saved.fromFile = at(lesson, "from_file").get<bool>();
    saved.bytes = at(lesson, "bytes").get<std::uint64_t>();
    saved.byteLevel = at(lesson, "byte_level").get<bool>();
    const std::optional<TieBreak> rule = parseTieBreak(at(lesson, "tie_rule").get<std::string>());
    if (!rule) throw std::invalid_argument("unknown tie rule " + at(lesson, "tie_rule").dump());
    saved.tieRule = *rule;
    saved.bpeMerges = at(lesson, "bpe_merges").get<std::size_t>();
    saved.wordPieceMerges = at(lesson, "wordpiece_merges").get<std::size_t>();
    saved.characterWords = std::make_shared<const WordCounts>(wordCountsFromBytes(partIn(parts, characterWordsPart), characterWordsPart));
    saved.byteWords = std::make_shared<const WordCounts>(wordCountsFromBytes(partIn(parts, byteWordsPart), byteWordsPart));
    saved.bpeTokenizerJson = partIn(parts, bpePart);
    saved.wordPieceTokenizerJson = partIn(parts, wordPiecePart);
    if (saved.bpeTokenizerJson.empty() || saved.wordPieceTokenizerJson.empty()) {
        throw std::invalid_argument("a trained tokenizer's part is empty");
    }
    return saved;
}

}  // namespace pretrainlab::app::session
