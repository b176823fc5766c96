#include "app/lessons/attention/zero_shot_tab.hpp"

#include <QCoreApplication>
#include <optional>

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <utility>
#include <vector>
#include <QVBoxLayout>
#include <cmath>

#include "app/jobs/latest_job.hpp"
#include "app/lessons/token_html.hpp"
#include "core/train/inspect_scoring.hpp"
#include "widgets/score_bars.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app {
namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

// "⚠ 2 words the model does not know: movie, terrible …" (empty when it knows them all).
QString unknownWarning(const train::ModelBundle& model, const std::string& text) {
    const std::vector<std::string> unknown = model.unknownWords(text);
    if (unknown.empty()) return {};
    QStringList words;
    for (const std::string& word : unknown) words << fromStd(word).toHtmlEscaped();
    const std::optional<std::string>& unk = model.tokenizer.config().unknownToken;
    // How the model reads them: as its unknown token (or spelled out), or with characters dropped.
    const QString how = unk ? QCoreApplication::translate("ZeroShotTab", "as %1 or letter by letter")
                                  .arg(fromStd(*unk).toHtmlEscaped())
                            : QCoreApplication::translate("ZeroShotTab", "with characters it has no token for dropped");
    return (unknown.size() == 1
                ? QCoreApplication::translate("ZeroShotTab", "⚠ 1 word the model does not know: <b>%1</b>. It reads it "
                                                             "%2, so this verdict rests on the words it knows.")
                      .arg(words.front(), how)
                : QCoreApplication::translate("ZeroShotTab", "⚠ %1 words the model does not know: <b>%2</b>. It reads "
                                                             "them %3, so this verdict rests on the words it knows.")
                      .arg(unknown.size())
                      .arg(words.join(QStringLiteral(", ")), how));
}

// What one task's bars and verdict show.
struct Scored {
    QStringList labels;
    std::vector<double> values;
    QString verdict;
    QString warning;  // words outside the model's vocabulary
    int best = -1;
};

}  // namespace

ZeroShotTab::ZeroShotTab(AttentionState& state, QWidget* parent) : QWidget(parent), state_(state) {
    setObjectName(QStringLiteral("zeroShotTab"));
    job_ = new LatestJob(this);
    auto* scoreButton = new QPushButton(tr("Score"));
    scoreButton->setObjectName(QStringLiteral("scoreZeroShot"));
    scoreButton->setToolTip(tr("Score again with the current decoder"));
    auto* intro = wrappedLabel(tr("Zero-shot prediction, as in GPT-2: no finetuning, the decoder only scores texts. Each "
                                  "number sums the model's log-probabilities of the tokens, log p(w<sub>i</sub> | "
                                  "w<sub>1</sub> … w<sub>i−1</sub>) (acceptability: their mean per token)."),
                               true);
    auto* head = new QHBoxLayout;
    head->addWidget(intro, 1);
    head->addWidget(scoreButton);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(head);
    layout->addLayout(buildTasks(), 1);

    connect(scoreButton, &QPushButton::clicked, this, &ZeroShotTab::score);
    for (QLineEdit* line : {sentimentText_, positiveWord_, negativeWord_, question_, choices_}) {
        connect(line, &QLineEdit::editingFinished, this, &ZeroShotTab::score);
    }
    connect(threshold_, &QDoubleSpinBox::valueChanged, this, &ZeroShotTab::score);
    connect(&state_, &AttentionState::modelsChanged, this, [this] {
        followModel();
        score();
    });
    followModel();
    score();
}

// The three tasks side by side, each a box with its texts above its bars and verdict.
QLayout* ZeroShotTab::buildTasks() {
    const QJsonObject& texts = state_.texts();
    const QJsonObject sentiment = texts.value(QLatin1String("sentiment")).toObject();
    const QJsonObject choice = texts.value(QLatin1String("choice")).toObject();
    const QJsonObject acceptability = texts.value(QLatin1String("acceptability")).toObject();
    const auto box = [](const QString& title, const QString& explanation) {
        auto* group = new QGroupBox(title);
        auto* layout = new QVBoxLayout(group);
        layout->addWidget(wrappedLabel(explanation, true));
        return group;
    };
    const auto edit = [](const QString& text, const char* name) {
        auto* line = new QLineEdit(text);
        line->setObjectName(QLatin1String(name));
        return line;
    };
    auto* sentimentBox = box(tr("Sentiment"), tr("Which continuation is more likely, the positive word or the negative "
                                                 "one? log p(word | text) decides."));
    sentimentText_ = edit(sentiment.value(QLatin1String("text")).toString(), "sentimentText");
    positiveWord_ = edit(sentiment.value(QLatin1String("positive")).toString(), "positiveWord");
    negativeWord_ = edit(sentiment.value(QLatin1String("negative")).toString(), "negativeWord");
    auto* words = new QFormLayout;
    words->addRow(tr("Text"), sentimentText_);
    words->addRow(tr("Positive"), positiveWord_);
    words->addRow(tr("Negative"), negativeWord_);
    static_cast<QVBoxLayout*>(sentimentBox->layout())->addLayout(words);

    auto* choiceBox = box(tr("Multiple choice"), tr("Each answer appended to the question; the answer with the highest "
                                                    "log-probability wins."));
    question_ = edit(choice.value(QLatin1String("question")).toString(), "question");
    choices_ = edit(choice.value(QLatin1String("answers")).toString(), "choices");
    auto* choiceForm = new QFormLayout;
    choiceForm->addRow(tr("Question"), question_);
    choiceForm->addRow(tr("Answers"), choices_);
    static_cast<QVBoxLayout*>(choiceBox->layout())->addLayout(choiceForm);

    auto* acceptableBox = box(tr("Acceptability"), tr("A sentence is accepted when its mean log-probability per token "
                                                      "(from the second token on) is above the threshold."));
    QStringList sentences;
    for (const QJsonValue& sentence : acceptability.value(QLatin1String("sentences")).toArray()) sentences << sentence.toString();
    sentences_ = new QPlainTextEdit(sentences.join(QLatin1Char('\n')));
    sentences_->setObjectName(QStringLiteral("sentences"));
    sentences_->setMaximumHeight(sentences_->fontMetrics().height() * 5);
    threshold_ = new QDoubleSpinBox;
    threshold_->setObjectName(QStringLiteral("threshold"));
    threshold_->setRange(-50, 0);
    threshold_->setSingleStep(0.25);
    threshold_->setValue(acceptability.value(QLatin1String("threshold")).toDouble());
    // The sentences under their label, with the group's whole width; the threshold beside its own.
    QLabel* sentencesLabel = wrappedLabel(tr("Sentences (one a line)"));
    sentencesLabel->setBuddy(sentences_);
    auto* thresholdRow = new QFormLayout;
    thresholdRow->addRow(tr("Threshold"), threshold_);
    auto* acceptableLayout = static_cast<QVBoxLayout*>(acceptableBox->layout());
    acceptableLayout->addWidget(sentencesLabel);
    acceptableLayout->addWidget(sentences_);
    acceptableLayout->addLayout(thresholdRow);

    auto* row = new QHBoxLayout;
    const std::array<QGroupBox*, 3> groups{sentimentBox, choiceBox, acceptableBox};
    for (std::size_t i = 0; i < groups.size(); ++i) {
        bars_[i] = new widgets::ScoreBars;
        bars_[i]->setObjectName(QStringLiteral("zeroShot%1").arg(i));
        bars_[i]->setKind(widgets::ScoreBars::Kind::LogProbability);
        verdicts_[i] = wrappedLabel({});
        verdicts_[i]->setObjectName(QStringLiteral("zeroShotVerdict%1").arg(i));
        auto* layout = static_cast<QVBoxLayout*>(groups[i]->layout());
        layout->addWidget(bars_[i], 1);
        layout->addWidget(verdicts_[i]);
        row->addWidget(groups[i], 1);
    }
    return row;
}

// A real GPT-2 reads the lecture's prompts in English, a tiny decoder the toy world's words: each
// task's texts take the other defaults while they all still hold this one's (the user's stay).
void ZeroShotTab::followModel() {
    const bool real = state_.isReal(state_.decoder());
    if (real == decoderReal_) return;
    // A task's texts go together (a text and its two words, a question and its answers): they
    // switch only while none of them is the user's own.
    const auto followTask = [&](const std::vector<std::pair<QLineEdit*, const char*>>& fields) {
        for (const auto& [line, key] : fields) {
            if (line->text() != state_.defaultText(QLatin1String(key), decoderReal_)) return;
        }
        for (const auto& [line, key] : fields) line->setText(state_.defaultText(QLatin1String(key), real));
    };
    followTask({{sentimentText_, "sentiment/text"}, {positiveWord_, "sentiment/positive"}, {negativeWord_, "sentiment/negative"}});
    followTask({{question_, "choice/question"}, {choices_, "choice/answers"}});
    const auto threshold = [this](bool isReal) {
        return state_.texts(isReal).value(QLatin1String("acceptability")).toObject().value(QLatin1String("threshold")).toDouble();
    };
    const QString sentences = QStringLiteral("acceptability/sentences");
    if (sentences_->toPlainText() == state_.defaultText(sentences, decoderReal_) &&
        std::abs(threshold_->value() - threshold(decoderReal_)) < 1e-9) {
        sentences_->setPlainText(state_.defaultText(sentences, real));
        const QSignalBlocker quiet(threshold_);  // scored once, by the caller
        threshold_->setValue(threshold(real));
    }
    decoderReal_ = real;
}

bool ZeroShotTab::busy() const { return job_->busy(); }

void ZeroShotTab::score() {
    const auto model = state_.decoder();
    if (!model) {
        job_->drop();
        for (std::size_t i = 0; i < bars_.size(); ++i) {
            bars_[i]->setMessage(tr("Needs a decoder: train the tiny models, or take a decoder from the Training lab."));
            verdicts_[i]->clear();
        }
        return;
    }
    const std::string text = sentimentText_->text().toStdString();
    const std::string positive = positiveWord_->text().trimmed().toStdString();
    const std::string negative = negativeWord_->text().trimmed().toStdString();
    const std::string question = question_->text().toStdString();
    std::vector<std::string> answers, sentences;
    for (const QString& answer : choices_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!answer.trimmed().isEmpty()) answers.push_back(answer.trimmed().toStdString());
    }
    for (const QString& sentence : sentences_->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (!sentence.trimmed().isEmpty()) sentences.push_back(sentence.trimmed().toStdString());
    }
    const double threshold = threshold_->value();
    job_->request(
        [this, model, text, positive, negative, question, answers, sentences, threshold](const Progress&) -> LatestJob::Apply {
            std::array<Scored, 3> out;
            const train::SentimentScore sentiment = train::scoreSentiment(*model, text, positive, negative);
            out[0].labels << fromStd(positive) << fromStd(negative);
            out[0].values = {sentiment.positive, sentiment.negative};
            out[0].best = train::bestScore(out[0].values);
            out[0].warning = unknownWarning(*model, text + " " + positive + " " + negative);
            if (sentiment.verdict() >= 0) {
                out[0].verdict = (sentiment.verdict() == 0 ? tr("→ <b>positive</b>: “%1” is more likely by a factor of %2")
                                                           : tr("→ <b>negative</b>: “%1” is more likely by a factor of %2"))
                                     .arg(out[0].labels[sentiment.verdict()].toHtmlEscaped())
                                     .arg(std::exp(std::abs(sentiment.positive - sentiment.negative)), 0, 'f', 1);
            }
            for (const std::string& answer : answers) out[1].labels << fromStd(answer);
            out[1].values = train::scoreChoices(*model, question, answers);
            out[1].best = train::bestScore(out[1].values);
            std::string choiceText = question;
            for (const std::string& answer : answers) choiceText += " " + answer;
            out[1].warning = unknownWarning(*model, choiceText);
            if (out[1].best >= 0) out[1].verdict = tr("→ <b>%1</b>").arg(out[1].labels[out[1].best].toHtmlEscaped());
            const std::vector<train::AcceptabilityScore> acceptable = train::scoreAcceptability(*model, sentences, threshold);
            int acceptedCount = 0;
            for (std::size_t i = 0; i < sentences.size(); ++i) {
                out[2].labels << (acceptable[i].accepted ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + fromStd(sentences[i]);
                out[2].values.push_back(acceptable[i].meanLogProbability);
                acceptedCount += acceptable[i].accepted ? 1 : 0;
            }
            out[2].best = train::bestScore(out[2].values);
            std::string allSentences;
            for (const std::string& sentence : sentences) allSentences += sentence + " ";
            out[2].warning = unknownWarning(*model, allSentences);
            out[2].verdict = tr("%1 of %2 accepted (✓) at the threshold, the dashed line").arg(acceptedCount).arg(sentences.size());
            return [this, out, threshold] {
                emit problem({});
                const std::array<QString, 3> titles{tr("log p(word | text)"), tr("log p(answer | question)"),
                                                    tr("mean log p per token")};
                for (std::size_t i = 0; i < out.size(); ++i) {
                    bars_[i]->setBars(out[i].labels, out[i].values, out[i].best);
                    bars_[i]->setTitle(titles[i]);
                    verdicts_[i]->setText(out[i].warning.isEmpty()
                                              ? out[i].verdict
                                              : out[i].verdict + QStringLiteral("<br><span style=\"color:%1\">%2</span>")
                                                                     .arg(widgets::viewPalette().errorText.name(), out[i].warning));
                }
                bars_[Acceptability]->setThreshold(threshold, true);
            };
        },
        [this](const QString& message) { emit problem(message); });
}

}  // namespace pretrainlab::app
