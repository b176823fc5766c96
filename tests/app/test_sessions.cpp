// Sessions (.pretrainlab): a session saved and opened in another window gives the same lessons bit
// for bit: the corpus, merges and trained tokenizers, the sentence and models of the attention
// lesson, every Training-lab run with its curves and probes, the paused run's model (which then
// trains on exactly as the original does), the finetuning results; saving the opened session again
// writes the same bytes. Damaged files (cut, changed, newer, parts that do not fit, not a session)
// are refused with one message naming the file, and nothing open changes.
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QListWidget>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>

#include "app/jobs/background_job.hpp"
#include "app/lessons/attention/attention_page.hpp"
#include "app/lessons/attention/lesson_state.hpp"
#include "app/lessons/file_dialogs.hpp"
#include "app/lessons/finetuning/finetuning_page.hpp"
#include "app/lessons/tokenization/lesson_state.hpp"
#include "app/lessons/tokenization/tokenization_page.hpp"
#include "app/lessons/training/training_page.hpp"
#include "app/main_window.hpp"
#include "app/session/session_actions.hpp"
#include "app/session/session_files.hpp"
#include "app/theme.hpp"
#include "core/tokenize/io/tokenizer_json.hpp"
#include "core/train/session_file.hpp"
#include "widgets/live_chart.hpp"
#include "quick_run.hpp"

using namespace pretrainlab;
using test::quickRun;
using app::MainWindow;
using app::SessionFiles;
using State = app::TrainingController::State;

namespace {

finetune::FinetuneSettings quickFinetune() {
    finetune::FinetuneSettings s;
    s.task = "sentiment";
    s.labels = 64;
    s.steps = 12;
    s.batch = 8;
    s.threads = 2;
    return s;
}

QByteArray bytesOf(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeBytes(const QString& path, const std::string& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes.data(), qint64(bytes.size()));
}

app::TrainingLabState& lab(MainWindow& window) { return window.trainingPage()->state(); }
app::TokenizationState& tokenization(MainWindow& window) { return window.tokenizationPage()->state(); }
app::FinetuningState& finetuning(MainWindow& window) { return window.finetuningPage()->state(); }
app::AttentionState& attention(MainWindow& window) { return window.attentionPage()->state(); }

// Saves the window's session to `path`; the note it gave ("" when it kept all).
QString save(MainWindow& window, const QString& path) {
    SessionFiles& files = window.sessions()->files();
    QSignalSpy saved(&files, &SessionFiles::saved);
    QSignalSpy failed(&files, &SessionFiles::failed);
    files.save(path);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(saved.count() + failed.count() > 0, 60000); }();
    if (failed.count() > 0) return QStringLiteral("failed: ") + failed.first().first().toString();
    return saved.first().at(1).toString();
}

// Opens `path` in the window: "" when it opened, else the message it failed with.
QString open(MainWindow& window, const QString& path) {
    SessionFiles& files = window.sessions()->files();
    QSignalSpy opened(&files, &SessionFiles::opened);
    QSignalSpy failed(&files, &SessionFiles::failed);
    files.open(path);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(opened.count() + failed.count() > 0, 60000); }();
    return failed.count() > 0 ? failed.first().first().toString() : QString();
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void compareRuns(const app::RunHistory& a, const app::RunHistory& b) {
    QCOMPARE(b.count(), a.count());
    for (int r = 0; r < a.count(); ++r) {
        const app::Run& x = a.at(r);
        const app::Run& y = b.at(r);
        QCOMPARE(y.id, x.id);
        QCOMPARE(y.name, x.name);
        QCOMPARE(y.colour, x.colour);
        QCOMPARE(y.visible, x.visible);
        QCOMPARE(int(y.origin.kind), int(x.origin.kind));
        QCOMPARE(y.settings.toJson(), x.settings.toJson());
        QCOMPARE(y.steps.size(), x.steps.size());
        for (std::size_t i = 0; i < x.steps.size(); ++i) {
            const train::StepMetrics& m = x.steps[i].metrics;
            const train::StepMetrics& n = y.steps[i].metrics;
            QCOMPARE(n.step, m.step);
            QVERIFY(sameBits(n.loss, m.loss) && sameBits(n.tokenLoss, m.tokenLoss) && sameBits(n.learningRate, m.learningRate) &&
                    sameBits(n.gradientNorm, m.gradientNorm) && sameBits(n.seconds, m.seconds) &&
                    sameBits(n.tokensPerSecond, m.tokensPerSecond) && sameBits(n.lossScale, m.lossScale) &&
                    sameBits(y.steps[i].tokensWithLossSoFar, x.steps[i].tokensWithLossSoFar));
            QCOMPARE(n.tokens, m.tokens);
            QCOMPARE(n.tokensWithLoss, m.tokensWithLoss);
            QCOMPARE(n.clipped, m.clipped);
        }
        QCOMPARE(y.heldOut.size(), x.heldOut.size());
        for (std::size_t i = 0; i < x.heldOut.size(); ++i) {
            QCOMPARE(y.heldOut[i].step, x.heldOut[i].step);
            QVERIFY(sameBits(y.heldOut[i].loss, x.heldOut[i].loss));
        }
        QCOMPARE(y.probes.size(), x.probes.size());
        for (std::size_t i = 0; i < x.probes.size(); ++i) {
            const train::ProbeReport& p = x.probes[i]->report;
            const train::ProbeReport& q = y.probes[i]->report;
            QCOMPARE(y.probes[i]->step, x.probes[i]->step);
            QCOMPARE(q.items, p.items);
            for (std::size_t c = 0; c < p.accuracy.size(); ++c) QVERIFY(sameBits(q.accuracy[c], p.accuracy[c]));
            QCOMPARE(q.outcomes.size(), p.outcomes.size());
            for (std::size_t o = 0; o < p.outcomes.size(); ++o) {
                QCOMPARE(q.outcomes[o].item.sentence(), p.outcomes[o].item.sentence());
                QCOMPARE(q.outcomes[o].item.candidates, p.outcomes[o].item.candidates);
                QCOMPARE(q.outcomes[o].correct, p.outcomes[o].correct);
                QVERIFY(sameBits(q.outcomes[o].answerProbability, p.outcomes[o].answerProbability));
                QCOMPARE(q.outcomes[o].top.size(), p.outcomes[o].top.size());
                for (std::size_t t = 0; t < p.outcomes[o].top.size(); ++t) {
                    QCOMPARE(q.outcomes[o].top[t].token, p.outcomes[o].top[t].token);
                    QVERIFY(sameBits(q.outcomes[o].top[t].probability, p.outcomes[o].top[t].probability));
                }
            }
        }
    }
}

// The lab's model as a checkpoint's two weight files (weights, optimizer state), saved now.
QByteArray checkpointBytes(MainWindow& window, const QString& path) {
    QSignalSpy saved(&lab(window).controller(), &app::TrainingController::saved);
    lab(window).saveCheckpoint(path);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(saved.count() > 0, 60000); }();
    return bytesOf(path) + bytesOf(QString(path).replace(".safetensors", ".optimizer.safetensors"));
}

}  // namespace

class TestSessions : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PretrainLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_sessions"));
        QSettings().clear();
        app::applyTheme(*qApp, app::defaultTextPointSize);
    }

    void aSessionOpensAsItWasSaved() {
        QTemporaryDir folder;
        const QString first = folder.filePath("class.pretrainlab");
        const QString again = folder.filePath("again.pretrainlab");

        MainWindow a;
        a.resize(1280, 720);
        // Tokenization: an example, byte level, another tie rule, the two trainers at different merges.
        app::TokenizationState& tokens = tokenization(a);
        tokens.chooseExample(1);
        tokens.setByteLevel(true);
        tokens.setTieBreak(TieBreak::Lexicographic);
        for (int i = 0; i < 6; ++i) QVERIFY(tokens.step());
        for (int i = 0; i < 3; ++i) QVERIFY(tokens.step(app::TokenizationState::Side::Bpe));
        // Architectures: a sentence of the class's own.
        attention(a).setSentence(QStringLiteral("the cats that my sister feeds are sleeping ."));
        // Training lab: a finished run, then one paused half way (its model is kept).
        lab(a).controller().setEvaluationInterval(10);
        lab(a).start(quickRun(30, 1));
        QTRY_COMPARE_WITH_TIMEOUT(lab(a).controller().state(), State::Finished, 60000);
        // Pretrain → finetune: a live run from the shipped decoder.
        QVERIFY(finetuning(a).startRuns(quickFinetune(), true, false));
        QTRY_VERIFY_WITH_TIMEOUT(!finetuning(a).job().busy(), 60000);
        QCOMPARE(finetuning(a).runs().size(), std::size_t(1));
        lab(a).start(quickRun(2000, 2));
        QTRY_VERIFY_WITH_TIMEOUT(lab(a).controller().stepsDone() >= 25, 60000);
        lab(a).setRunVisible(0, false);

        QCOMPARE(save(a, first), QString());
        QCOMPARE(lab(a).controller().state(), State::Paused);  // saving paused the run
        QCOMPARE(a.sessions()->currentFile(), first);
        QVERIFY(a.windowTitle().startsWith("class.pretrainlab"));
        const std::size_t pausedAt = lab(a).currentRun()->lastStep();
        QCOMPARE(lab(a).controller().stepsDone(), pausedAt);

        MainWindow b;
        b.resize(1280, 720);
        QCOMPARE(open(b, first), QString());
        QCOMPARE(b.sessions()->currentFile(), first);

        // The Tokenization lesson.
        app::TokenizationState& opened = tokenization(b);
        QCOMPARE(opened.exampleIndex(), 1);
        QCOMPARE(opened.byteLevel(), true);
        QCOMPARE(int(opened.tieRule()), int(TieBreak::Lexicographic));
        QCOMPARE(opened.bpe()->position(), tokens.bpe()->position());
        QCOMPARE(opened.wordPiece()->position(), tokens.wordPiece()->position());
        QCOMPARE(opened.bpe()->position(), std::size_t(9));
        QCOMPARE(opened.bpeRules()->size(), tokens.bpeRules()->size());
        for (std::size_t i = 0; i < tokens.bpeRules()->size(); ++i) {
            QCOMPARE((*opened.bpeRules())[i].merged, (*tokens.bpeRules())[i].merged);
        }
        QCOMPARE(tokenizerJson(*opened.trainedBpeTokenizer()), tokenizerJson(*tokens.trainedBpeTokenizer()));
        QCOMPARE(tokenizerJson(*opened.trainedWordPieceTokenizer()), tokenizerJson(*tokens.trainedWordPieceTokenizer()));
        QCOMPARE(opened.corpus().characterWords->size(), tokens.corpus().characterWords->size());
        // What the views show of it: the corpus bar's settings, the runs' list and curves.
        QVERIFY(b.tokenizationPage()->findChild<QCheckBox*>("byteLevelCheck")->isChecked());
        QCOMPARE(b.tokenizationPage()->findChild<QComboBox*>("tieRuleCombo")->currentIndex(),
                 a.tokenizationPage()->findChild<QComboBox*>("tieRuleCombo")->currentIndex());
        QCOMPARE(b.tokenizationPage()->findChild<QComboBox*>("exampleCombo")->currentIndex(), 1);
        QCOMPARE(b.trainingPage()->findChild<QListWidget*>("runList")->count(), 2);
        QCOMPARE(b.trainingPage()->findChild<QListWidget*>("runList")->item(0)->checkState(), Qt::Unchecked);
        auto* loss = b.trainingPage()->findChild<widgets::LiveChart*>("lossChart");
        QCOMPARE(loss->pointCount(0), int(lab(b).runs().at(0).steps.size()));
        QCOMPARE(loss->pointCount(2), int(lab(b).runs().at(1).steps.size()));
        // The attention lesson's sentence.
        QCOMPARE(attention(b).sentence(), attention(a).sentence());
        // Every run, point by point; the paused one ready to go on.
        compareRuns(lab(a).runs(), lab(b).runs());
        if (QTest::currentTestFailed()) return;
        QTRY_COMPARE_WITH_TIMEOUT(lab(b).controller().state(), State::Paused, 60000);
        QCOMPARE(lab(b).controller().stepsDone(), pausedAt);
        QCOMPARE(checkpointBytes(b, folder.filePath("b.safetensors")), checkpointBytes(a, folder.filePath("a.safetensors")));
        // The finetuning results.
        QCOMPARE(finetuning(b).runs().size(), std::size_t(1));
        const app::FinetuneRun& x = finetuning(a).runs()[0];
        const app::FinetuneRun& y = finetuning(b).runs()[0];
        QCOMPARE(y.name, x.name);
        QCOMPARE(y.loss, x.loss);
        QCOMPARE(y.accuracy, x.accuracy);
        QVERIFY(sameBits(y.evaluation.accuracy, x.evaluation.accuracy));
        QCOMPARE(y.evaluation.confusion, x.evaluation.confusion);
        QCOMPARE(y.evaluation.answers.size(), x.evaluation.answers.size());

        // Saved again, the opened session is the same file.
        QCOMPARE(save(b, again), QString());
        QVERIFY(bytesOf(again) == bytesOf(first));

        // Both go on from the pause: the opened run trains exactly as the original does.
        for (int i = 0; i < 12; ++i) {
            lab(a).stepOnce();
            lab(b).stepOnce();
        }
        QTRY_VERIFY_WITH_TIMEOUT((lab(a).pullUpdates(), lab(a).currentRun()->lastStep() == pausedAt + 12), 60000);
        QTRY_VERIFY_WITH_TIMEOUT((lab(b).pullUpdates(), lab(b).currentRun()->lastStep() == pausedAt + 12), 60000);
        const std::vector<app::StepPoint>& p = lab(a).currentRun()->steps;
        const std::vector<app::StepPoint>& q = lab(b).currentRun()->steps;
        QCOMPARE(q.size(), p.size());
        for (std::size_t i = 0; i < p.size(); ++i) {
            QCOMPARE(q[i].metrics.step, p[i].metrics.step);
            QVERIFY2(sameBits(q[i].metrics.loss, p[i].metrics.loss), qPrintable(QString::number(i)));
            QVERIFY(sameBits(q[i].tokensWithLossSoFar, p[i].tokensWithLossSoFar));
        }
    }

    void damagedSessionsAreRefusedAndNothingChanges() {
        QTemporaryDir folder;
        const QString good = folder.filePath("good.pretrainlab");
        {
            MainWindow a;
            tokenization(a).chooseExample(0);
            for (int i = 0; i < 4; ++i) tokenization(a).step();
            lab(a).controller().setEvaluationInterval(0);
            lab(a).start(quickRun(20, 3));
            QTRY_COMPARE_WITH_TIMEOUT(lab(a).controller().state(), State::Finished, 60000);
            QCOMPARE(save(a, good), QString());
        }
        // The window a damaged file is opened in, and what it holds.
        MainWindow b;
        tokenization(b).chooseExample(2);
        tokenization(b).step();
        attention(b).setSentence(QStringLiteral("my sister is sleeping ."));
        lab(b).controller().setEvaluationInterval(5);
        lab(b).start(quickRun(15, 7));
        QTRY_COMPARE_WITH_TIMEOUT(lab(b).controller().state(), State::Finished, 60000);
        const QString before = folder.filePath("before.pretrainlab");
        QCOMPARE(save(b, before), QString());

        const std::string bytes = bytesOf(good).toStdString();
        const train::SessionParts parts = train::readSessionFile(good.toStdString());
        const auto variant = [&](const QString& name, const std::string& content) {
            const QString path = folder.filePath(name);
            writeBytes(path, content);
            return path;
        };
        const auto withPart = [&](const std::string& name, const std::string& content) {
            train::SessionParts changed = parts;
            changed[name] = content;
            return train::sessionFileBytes(changed);
        };
        std::string newer = bytes;
        const std::size_t version = newer.find("\"version\":\"1\"");
        QVERIFY(version != std::string::npos);
        newer[version + 11] = '2';
        std::string flipped = bytes;
        flipped[flipped.size() - 100] = static_cast<char>(flipped[flipped.size() - 100] ^ 1);
        std::string runs = parts.at("training/runs.json");
        const std::size_t steps = runs.find("\"step\":[");
        QVERIFY(steps != std::string::npos);
        runs.replace(steps, 8, "\"step\":[0,");

        struct Case {
            QString path;
            QString says;
        };
        const std::vector<Case> cases{
            {variant("cut.pretrainlab", bytes.substr(0, bytes.size() / 2)), "not a whole PretrainLab session file"},
            {variant("header.pretrainlab", bytes.substr(0, 20)), "not a whole PretrainLab session file"},
            {variant("flipped.pretrainlab", flipped), "is not what was saved"},
            {variant("newer.pretrainlab", newer), "saved by a newer PretrainLab"},
            {variant("text.pretrainlab", "hello, class"), "not a whole PretrainLab session file"},
            {variant("tokenizer.pretrainlab", withPart("tokenization/bpe-tokenizer.json", parts.at("tokenization/wordpiece-tokenizer.json"))),
             "not the one its corpus and merges make"},
            {variant("merges.pretrainlab",
                     withPart("tokenization/lesson.json", [&] {
                         std::string lesson = parts.at("tokenization/lesson.json");
                         lesson.replace(lesson.find("\"bpe_merges\": 4"), 15, "\"bpe_merges\": 400000");
                         return lesson;
                     }())),
             "allows only"},
            {variant("words.pretrainlab", withPart("tokenization/character-words", "xyz")), "cut short"},
            {variant("runs.pretrainlab", withPart("training/runs.json", runs)), "does not fit"},
            {variant("json.pretrainlab", withPart("finetuning/results.json", "{\"source\": ")), "finetuning/results.json"},
            {variant("model.pretrainlab", withPart("training/checkpoint.safetensors", parts.at("training/checkpoint.optimizer.safetensors"))),
             "training/checkpoint"},
            {folder.filePath("missing.pretrainlab"), "No such file"},
            {folder.path(), "it is a directory"},
        };
        for (const Case& c : cases) {
            const QString message = open(b, c.path);
            QVERIFY2(message.contains(c.says), qPrintable(c.path + ": " + message));
            QVERIFY2(message.contains(QFileInfo(c.path).fileName()), qPrintable(message));
            QVERIFY2(message.startsWith("The session was not opened"), qPrintable(message));
        }
        // Nothing the window held has changed: saved again, it is the same file.
        const QString after = folder.filePath("after.pretrainlab");
        QCOMPARE(save(b, after), QString());
        QVERIFY(bytesOf(after) == bytesOf(before));
        QCOMPARE(lab(b).runs().count(), 1);
        QCOMPARE(lab(b).controller().state(), State::Finished);
        // And the good file still opens, over a run that is training; saved again, it is the same file
        // (its finished run is not evaluated a second time).
        lab(b).controller().setEvaluationInterval(10);
        lab(b).start(quickRun(3000, 4));
        QTRY_VERIFY_WITH_TIMEOUT(lab(b).controller().stepsDone() >= 3, 60000);
        QCOMPARE(open(b, good), QString());
        QCOMPARE(lab(b).runs().count(), 1);
        QCOMPARE(tokenization(b).bpe()->position(), std::size_t(4));
        QTRY_COMPARE_WITH_TIMEOUT(lab(b).controller().state(), State::Finished, 60000);
        const QString resaved = folder.filePath("resaved.pretrainlab");
        QCOMPARE(save(b, resaved), QString());
        QVERIFY(bytesOf(resaved) == bytesOf(good));
    }

    // Runs of every kind come back as they were: on random tokens (no tokenizer), stopped half
    // way, and continued from a checkpoint file but not stepped yet.
    void runsOfEveryKindComeBack() {
        QTemporaryDir folder;
        MainWindow a;
        lab(a).controller().setEvaluationInterval(5);
        train::RunSettings random = quickRun(10, 5);
        random.corpus.clear();
        random.model.vocabulary = 64;
        lab(a).start(random);
        QTRY_COMPARE_WITH_TIMEOUT(lab(a).controller().state(), State::Finished, 60000);
        const QString first = folder.filePath("random.pretrainlab");
        QCOMPARE(save(a, first), QString());
        {
            MainWindow b;
            QCOMPARE(open(b, first), QString());
            compareRuns(lab(a).runs(), lab(b).runs());
            QTRY_COMPARE_WITH_TIMEOUT(lab(b).controller().state(), State::Finished, 60000);
            const QString again = folder.filePath("random-again.pretrainlab");
            QCOMPARE(save(b, again), QString());
            QVERIFY(bytesOf(again) == bytesOf(first));
        }
        // Continued from a checkpoint file (at its end), not stepped: its run has no points.
        const QString checkpoint = folder.filePath("random.safetensors");
        QVERIFY(!checkpointBytes(a, checkpoint).isEmpty());
        lab(a).openCheckpoint(checkpoint);
        QTRY_VERIFY_WITH_TIMEOUT(lab(a).controller().hasSession(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(lab(a).controller().state(), State::Finished, 60000);
        QVERIFY(lab(a).currentRun()->steps.empty());
        const QString resumed = folder.filePath("resumed.pretrainlab");
        QCOMPARE(save(a, resumed), QString());
        {
            MainWindow b;
            QCOMPARE(open(b, resumed), QString());
            QCOMPARE(lab(b).runs().count(), 2);
            QTRY_COMPARE_WITH_TIMEOUT(lab(b).controller().state(), State::Finished, 60000);
            QCOMPARE(lab(b).controller().stepsDone(), std::size_t(10));
        }
        // Stopped half way: it stays stopped.
        lab(a).start(quickRun(3000, 6));
        QTRY_VERIFY_WITH_TIMEOUT(lab(a).controller().stepsDone() >= 5, 60000);
        lab(a).stop();
        QTRY_COMPARE_WITH_TIMEOUT(lab(a).controller().state(), State::Stopped, 60000);
        const QString stopped = folder.filePath("stopped.pretrainlab");
        QCOMPARE(save(a, stopped), QString());
        MainWindow b;
        QCOMPARE(open(b, stopped), QString());
        QTRY_COMPARE_WITH_TIMEOUT(lab(b).controller().state(), State::Stopped, 60000);
        compareRuns(lab(a).runs(), lab(b).runs());
    }

    void theFileMenuOffersSessions() {
        QTemporaryDir folder;
        MainWindow window;
        QMenu* file = nullptr;
        for (QAction* action : window.menuBar()->actions())
            if (action->text() == "&File") file = action->menu();
        QVERIFY(file);
        QAction* openAction = nullptr;
        QAction* saveAction = nullptr;
        QMenu* recent = nullptr;
        for (QAction* action : file->actions()) {
            if (action->text() == "Open &session…") openAction = action;
            if (action->text() == "Sa&ve session…") saveAction = action;
            if (action->text() == "Recent sess&ions") recent = action->menu();
        }
        QVERIFY(openAction && saveAction && recent);
        QCOMPARE(openAction->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
        QCOMPARE(saveAction->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
        const QString path = folder.filePath("lesson.pretrainlab");
        QCOMPARE(save(window, path), QString());
        emit recent->aboutToShow();
        QVERIFY(!recent->actions().isEmpty());
        QCOMPARE(recent->actions().first()->toolTip(), path);
        QCOMPARE(app::recentFiles().first().kind, app::FileKind::Session);
        QVERIFY(window.windowTitle().startsWith("lesson.pretrainlab"));
        // A session is one of the recent files too, opened again as a session.
        QCOMPARE(app::recentFiles().first().path, path);
    }
};

QTEST_MAIN(TestSessions)
#include "test_sessions.moc"
