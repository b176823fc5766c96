#include "app/pages/corpus_examples.hpp"

#include <QCoreApplication>

namespace pretrainlab::app {

const std::vector<CorpusExample>& corpusExamples() {
    static const std::vector<CorpusExample> examples = {
        {QCoreApplication::translate("CorpusExamples", "Lecture: banana band ban"),
         QStringLiteral("banana band ban"), QStringLiteral("bandana banana")},
        {QCoreApplication::translate("CorpusExamples", "English paragraph"),
         QStringLiteral(
             "The students trained a small model on a laptop. The model read the text one token at "
             "a time and learned which token comes next. At first the tokens were single letters, "
             "so every word took many steps. Then the tokenizer learned to merge the letters that "
             "appear together most often: th, the, ing, and. The words became shorter and the "
             "training became faster. The students were happy, and the laptop was warm."),
         QStringLiteral("The tokenizer merged the letters of learning into longer tokens.")},
        {QCoreApplication::translate("CorpusExamples", "Languages, code, emoji"),
         QStringLiteral(
             "bioorthogonal chemistry uses bioorthogonal reactions; orthogonal vectors meet at right "
             "angles. Die Donaudampfschiffahrtsgesellschaft fuhr auf der Donau, und die Dampfschiffe "
             "waren schön. Le café est très bon à Paris. El niño come una manzana. "
             "東京は日本の首都です。日本語の文章です。 "
             "def merge(pair, words): return [w.replace(pair, ''.join(pair)) for w in words] "
             "for (int i = 0; i < n; ++i) { total += i; } "
             "🙂 🙂 🎉 👍🏽 👍🏽 — emoji are several bytes each."),
         QStringLiteral("Donaudampfschiffahrtsgesellschaftskapitän 🙂 東京 bioorthogonal += 1")},
    };
    return examples;
}

}  // namespace pretrainlab::app
