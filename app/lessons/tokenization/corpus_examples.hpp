#pragma once

#include <QString>
#include <vector>

namespace pretrainlab::app {

struct CorpusExample {
    QString name;
    QString text;
    QString sampleToTokenize;  // a sentence for the "Tokenize new text" tab
};

// The corpora the lesson ships (resources/corpora): the lecture's banana example, a short English
// paragraph, and a multilingual one with the lecture's long words, code and emoji.
const std::vector<CorpusExample>& corpusExamples();

}  // namespace pretrainlab::app
