#include "app/session/finetuning_part.hpp"

#include <stdexcept>

#include "app/session/session_json.hpp"

namespace pretrainlab::app::session {
namespace {

using Source = FinetuningState::Source;

const char* sourceName(Source source) {
    switch (source) {
        case Source::ShippedEncoder: return "shipped encoder";
        case Source::TrainingLab: return "training lab";
        case Source::File: return "file";
        case Source::ShippedDecoder: break;
    }
    return "shipped decoder";
}

Source sourceFrom(const Json& json) {
    for (const Source source : {Source::ShippedDecoder, Source::ShippedEncoder, Source::TrainingLab, Source::File}) {
        if (json == sourceName(source)) return source;
    }
    throw std::invalid_argument("unknown model source " + json.dump());
}

Json numbers(const std::vector<double>& values) { return column(values, number); }

std::vector<double> numbersFrom(const Json& json) {
    std::vector<double> values;
    for (const Json& v : json) values.push_back(numberFrom(v));
    return values;
}

Json runJson(const FinetuneRun& run) {
    Json answers = Json::array();
    for (const finetune::Answer& a : run.evaluation.answers) {
        answers.push_back({a.predicted, a.right, number(a.probability), number(a.rightProbability)});
    }
    return {{"name", utf8(run.name)},
            {"settings", finetune::finetuneSettingsJson(run.settings)},
            {"pretrained", run.pretrained},
            {"base", utf8(run.base)},
            {"loss_steps", numbers(run.lossSteps)},
            {"loss", numbers(run.loss)},
            {"accuracy_steps", numbers(run.accuracySteps)},
            {"accuracy", numbers(run.accuracy)},
            {"finished", run.finished},
            {"evaluation", {{"accuracy", number(run.evaluation.accuracy)},
                            {"answers", answers},
                            {"confusion", run.evaluation.confusion}}}};
}

FinetuneRun runFrom(const Json& json) {
    FinetuneRun run;
    run.name = text(at(json, "name"));
    run.settings = finetune::finetuneSettingsFrom(at(json, "settings"));
    run.pretrained = at(json, "pretrained").get<bool>();
    run.base = text(at(json, "base"));
    run.lossSteps = numbersFrom(at(json, "loss_steps"));
    run.loss = numbersFrom(at(json, "loss"));
    run.accuracySteps = numbersFrom(at(json, "accuracy_steps"));
    run.accuracy = numbersFrom(at(json, "accuracy"));
    if (run.lossSteps.size() != run.loss.size() || run.accuracySteps.size() != run.accuracy.size()) {
        throw std::invalid_argument("a finetuning run's curve has more steps than values, or fewer");
    }
    run.finished = at(json, "finished").get<bool>();
    const Json& evaluation = at(json, "evaluation");
    run.evaluation.accuracy = numberFrom(at(evaluation, "accuracy"));
    for (const Json& a : at(evaluation, "answers")) {
        run.evaluation.answers.push_back({a.at(0).get<int>(), a.at(1).get<int>(), numberFrom(a.at(2)), numberFrom(a.at(3))});
    }
    run.evaluation.confusion = at(evaluation, "confusion").get<std::vector<std::vector<std::size_t>>>();
    return run;
}

finetune::AblationRow rowFrom(const Json& json) {
    for (const finetune::AblationRow row : finetune::ablationRows()) {
        if (json == std::string(finetune::rowName(row))) return row;
    }
    throw std::invalid_argument("unknown ablation row " + json.dump());
}

Json pointJson(const finetune::CurvePoint& p) { return {number(p.x), number(p.mean), number(p.spread)}; }
finetune::CurvePoint pointFrom(const Json& json) {
    return {numberFrom(json.at(0)), numberFrom(json.at(1)), numberFrom(json.at(2))};
}

Json memoryJson(const optim::TrainingMemory& m) {
    return {{"parameters", m.parameters}, {"gradients", m.gradients}, {"optimizer_state", m.optimizerState},
            {"master_weights", m.masterWeights}};
}
optim::TrainingMemory memoryFrom(const Json& json) {
    optim::TrainingMemory m;
    m.parameters = at(json, "parameters").get<std::size_t>();
    m.gradients = at(json, "gradients").get<std::size_t>();
    m.optimizerState = at(json, "optimizer_state").get<std::size_t>();
    m.masterWeights = at(json, "master_weights").get<std::size_t>();
    return m;
}

}  // namespace

std::string finetuningJson(const FinetuningState::Results& results, Source source) {
    Json runs = Json::array();
    for (const FinetuneRun& run : results.runs) runs.push_back(runJson(run));
    Json ablation = Json::array();
    for (const finetune::AblationCell& cell : results.ablation) {
        ablation.push_back({{"row", std::string(finetune::rowName(cell.row))},
                            {"task", cell.task},
                            {"labels", cell.labels},
                            {"accuracies", numbers(cell.accuracies)},
                            {"not_run", cell.notRun},
                            {"diverged", cell.diverged}});
    }
    Json dataSize = Json::array();
    for (const finetune::Curve& curve : results.dataSize) {
        dataSize.push_back({{"name", curve.name}, {"pretrained", curve.pretrained}, {"aux_lm", number(curve.auxLm)},
                            {"points", column(curve.points, pointJson)}});
    }
    Json pretraining = Json::array();
    for (const finetune::PretrainingPoint& p : results.pretraining) {
        pretraining.push_back({{"steps", p.steps},
                               {"held_out_loss", number(p.heldOutLoss)},
                               {"finetuned", pointJson(p.finetuned)},
                               {"zero_shot", p.zeroShot ? number(*p.zeroShot) : Json(nullptr)}});
    }
    Json architectures = Json::array();
    for (const FinetuningState::ArchitectureResult& a : results.architectures) {
        architectures.push_back({{"name", utf8(a.name)},
                                 {"accuracy", number(a.accuracy)},
                                 {"probe_accuracy", number(a.probeAccuracy)},
                                 {"parameters", a.parameters},
                                 {"full", memoryJson(a.full)},
                                 {"probe", memoryJson(a.probe)}});
    }
    return Json{{"source", sourceName(source)},     {"runs", runs},
                {"ablation", ablation},             {"data_size", dataSize},
                {"pretraining", pretraining},       {"architectures", architectures}}
               .dump(1) +
           "\n";
}

SavedFinetuning finetuningFrom(const std::string& bytes) {
    const Json json = Json::parse(bytes);
    SavedFinetuning saved;
    saved.source = sourceFrom(at(json, "source"));
    FinetuningState::Results& r = saved.results;
    for (const Json& run : at(json, "runs")) r.runs.push_back(runFrom(run));
    for (const Json& c : at(json, "ablation")) {
        finetune::AblationCell cell;
        cell.row = rowFrom(at(c, "row"));
        cell.task = at(c, "task").get<std::string>();
        cell.labels = at(c, "labels").get<std::size_t>();
        cell.accuracies = numbersFrom(at(c, "accuracies"));
        cell.notRun = at(c, "not_run").get<std::string>();
        cell.diverged = at(c, "diverged").get<bool>();
        r.ablation.push_back(std::move(cell));
    }
    for (const Json& c : at(json, "data_size")) {
        finetune::Curve curve;
        curve.name = at(c, "name").get<std::string>();
        curve.pretrained = at(c, "pretrained").get<bool>();
        curve.auxLm = numberFrom(at(c, "aux_lm"));
        for (const Json& p : at(c, "points")) curve.points.push_back(pointFrom(p));
        r.dataSize.push_back(std::move(curve));
    }
    for (const Json& p : at(json, "pretraining")) {
        finetune::PretrainingPoint point;
        point.steps = at(p, "steps").get<std::size_t>();
        point.heldOutLoss = numberFrom(at(p, "held_out_loss"));
        point.finetuned = pointFrom(at(p, "finetuned"));
        if (!at(p, "zero_shot").is_null()) point.zeroShot = numberFrom(p.at("zero_shot"));
        r.pretraining.push_back(point);
    }
    for (const Json& a : at(json, "architectures")) {
        FinetuningState::ArchitectureResult result;
        result.name = text(at(a, "name"));
        result.accuracy = numberFrom(at(a, "accuracy"));
        result.probeAccuracy = numberFrom(at(a, "probe_accuracy"));
        result.parameters = at(a, "parameters").get<std::size_t>();
        result.full = memoryFrom(at(a, "full"));
        result.probe = memoryFrom(at(a, "probe"));
        r.architectures.push_back(std::move(result));
    }
    return saved;
}

}  // namespace pretrainlab::app::session
