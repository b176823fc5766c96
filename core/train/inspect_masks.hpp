#pragma once

// Which positions each kind of model may attend to, T5's span corruption of a sentence, and which
// tokens produce loss under masked LM and under next-token prediction: what the attention
// lesson's Masks and Loss views show.

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/objectives.hpp"
#include "core/nn/tensor.hpp"
#include "core/tokenize/tokenizer.hpp"

namespace pretrainlab::train {

// The model kinds of the lecture's comparison, by what their self-attention may see.
enum class ModelKind { Encoder, Decoder, EncoderDecoder, PrefixLm };

// Query × key: allowed[q · keys + k] is 1 when query position q may look at key position k.
struct MaskPattern {
    std::string title;  // "Encoder self-attention", "Cross-attention", ...
    nn::Index queries = 0;
    nn::Index keys = 0;
    std::vector<std::uint8_t> allowed;
    bool decoderQueries = false;  // the rows are the decoder's positions (else the encoder's)
    bool decoderKeys = false;     // the columns are the decoder's positions

    bool allows(nn::Index query, nn::Index key) const { return allowed[std::size_t(query * keys + key)] != 0; }
    // The complement: 1 where the query may not look.
    std::vector<std::uint8_t> hidden() const;
};

// The self-attention of an encoder or a decoder (one matrix), a prefix LM whose first
// `prefixLength` positions see each other (one), or an encoder-decoder with `encoderLength` input
// and `decoderLength` output positions (three: encoder self, decoder self, cross).
std::vector<MaskPattern> maskPatterns(ModelKind kind, nn::Index encoderLength, nn::Index decoderLength = 0,
                                      nn::Index prefixLength = 0);

// T5's span corruption of one sentence, for showing an encoder-decoder: a span near the middle
// (a fifth of the sentence, at least one token) becomes <X_0> in the encoder's input; the decoder
// reads <s> <X_0> span and writes <X_0> span <X_1>.
struct SpanExample {
    std::vector<std::int32_t> encoderInput;
    std::vector<std::int32_t> decoderInput;
    std::vector<std::int32_t> decoderTarget;
    nn::Index spanStart = 0;
    nn::Index spanLength = 0;
};
SpanExample spanExample(const std::vector<std::int32_t>& tokens, const data::SpecialTokens& specials);

// ---- Which tokens produce loss ---------------------------------------------------------------

// What the encoder reads at a picked position: [MASK], a random token, or the token itself.
enum class Corruption : std::uint8_t { None, Mask, Random, Kept };

struct LossTokens {
    std::vector<std::string> text;         // the sentence's tokens
    // Masked LM (BERT): [CLS] text [SEP] with about `rate` of the text's tokens picked.
    std::vector<std::string> maskedInput;  // what the encoder reads at each text position
    std::vector<std::uint8_t> masked;      // 1 where the text token produces loss
    std::vector<Corruption> corruption;    // per text position (a random draw of the token itself
                                           // reads as Kept: the encoder cannot tell them apart)
    std::size_t maskedCount = 0;
    std::size_t maskCount = 0, randomCount = 0, keptCount = 0;  // maskedCount split by corruption
    // Next-token prediction (GPT): every token after the first is predicted from those before it.
    std::size_t nextTokenCount = 0;
};
// `maskShare` and `randomShare` as in data::MaskingOptions (BERT's by default), or 1 and 0 for
// "[MASK] only".
LossTokens lossTokens(const std::vector<std::int32_t>& tokens, const Tokenizer& tokenizer, double rate,
                      std::uint64_t seed, double maskShare = data::MaskingOptions{}.maskShare,
                      double randomShare = data::MaskingOptions{}.randomShare);

}  // namespace pretrainlab::train
