#include "app/lessons/tokenization/corpus_examples.hpp"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include "resources/resources.hpp"

namespace pretrainlab::app {

const std::vector<CorpusExample>& corpusExamples() {
    static const std::vector<CorpusExample> examples = [] {
        std::vector<CorpusExample> list;
        const QJsonObject index = resources::readJson(QStringLiteral(":/corpora/examples.json"));
        for (const QJsonValue& entry : index.value(QLatin1String("examples")).toArray()) {
            const QJsonObject example = entry.toObject();
            QString text = QString::fromUtf8(
                resources::read(QStringLiteral(":/corpora/") + example.value(QLatin1String("file")).toString()));
            while (text.endsWith(QLatin1Char('\n'))) text.chop(1);  // a file's last line break is not corpus
            list.push_back({QCoreApplication::translate("CorpusExamples",
                                                        example.value(QLatin1String("name")).toString().toUtf8().constData()),
                            text, example.value(QLatin1String("sample")).toString()});
        }
        return list;
    }();
    return examples;
}

}  // namespace pretrainlab::app
