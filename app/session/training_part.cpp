#include "app/session/training_part.hpp"

#include <map>
#include <stdexcept>

#include "app/session/session_json.hpp"
#include "widgets/view_palette.hpp"

namespace pretrainlab::app::session {
namespace {

constexpr int maxSeriesColours = 64;

const char* originName(RunOrigin::Kind kind) {
    switch (kind) {
        case RunOrigin::Kind::Checkpoint: return "checkpoint";
        case RunOrigin::Kind::Comparison: return "comparison";
        case RunOrigin::Kind::Form: break;
    }
    return "form";
}

RunOrigin::Kind originKind(const Json& json) {
    for (const RunOrigin::Kind kind : {RunOrigin::Kind::Form, RunOrigin::Kind::Checkpoint, RunOrigin::Kind::Comparison}) {
        if (json == originName(kind)) return kind;
    }
    throw std::invalid_argument("unknown origin " + json.dump());
}

// The palette's series index of a colour (-1: none), so that a session opened in another theme
// gives each run its colour there.
int seriesIndex(const QColor& colour) {
    for (int i = 0; i < maxSeriesColours; ++i) {
        if (widgets::viewPalette().seriesColour(i) == colour) return i;
    }
    return -1;
}

Json stepsJson(const std::vector<StepPoint>& steps) {
    const auto col = [&steps](auto get) { return column(steps, get); };
    return {{"step", col([](const StepPoint& p) { return Json(p.metrics.step); })},
            {"loss", col([](const StepPoint& p) { return number(p.metrics.loss); })},
            {"token_loss", col([](const StepPoint& p) { return number(p.metrics.tokenLoss); })},
            {"sequence_loss", col([](const StepPoint& p) { return number(p.metrics.sequenceLoss); })},
            {"lr", col([](const StepPoint& p) { return number(p.metrics.learningRate); })},
            {"gradient_norm", col([](const StepPoint& p) { return number(p.metrics.gradientNorm); })},
            {"clipped", col([](const StepPoint& p) { return Json(p.metrics.clipped); })},
            {"tokens", col([](const StepPoint& p) { return Json(p.metrics.tokens); })},
            {"tokens_with_loss", col([](const StepPoint& p) { return Json(p.metrics.tokensWithLoss); })},
            {"seconds", col([](const StepPoint& p) { return number(p.metrics.seconds); })},
            {"tokens_per_second", col([](const StepPoint& p) { return number(p.metrics.tokensPerSecond); })},
            {"loss_scale", col([](const StepPoint& p) { return number(p.metrics.lossScale); })},
            {"skipped", col([](const StepPoint& p) { return Json(p.metrics.skipped); })},
            {"underflow_share", col([](const StepPoint& p) { return number(p.metrics.underflowShare); })},
            {"tokens_with_loss_so_far", col([](const StepPoint& p) { return number(p.tokensWithLossSoFar); })}};
}

std::vector<StepPoint> stepsFrom(const Json& json) {
    const std::size_t rows = at(json, "step").size();
    std::vector<StepPoint> steps(rows);
    const auto each = [&](const char* key, auto set) {
        const Json& values = columnOf(json, key, rows);
        for (std::size_t i = 0; i < rows; ++i) set(steps[i], values[i]);
    };
    each("step", [](StepPoint& p, const Json& v) { p.metrics.step = v.get<std::size_t>(); });
    each("loss", [](StepPoint& p, const Json& v) { p.metrics.loss = numberFrom(v); });
    each("token_loss", [](StepPoint& p, const Json& v) { p.metrics.tokenLoss = numberFrom(v); });
    each("sequence_loss", [](StepPoint& p, const Json& v) { p.metrics.sequenceLoss = numberFrom(v); });
    each("lr", [](StepPoint& p, const Json& v) { p.metrics.learningRate = numberFrom(v); });
    each("gradient_norm", [](StepPoint& p, const Json& v) { p.metrics.gradientNorm = numberFrom(v); });
    each("clipped", [](StepPoint& p, const Json& v) { p.metrics.clipped = v.get<bool>(); });
    each("tokens", [](StepPoint& p, const Json& v) { p.metrics.tokens = v.get<nn::Index>(); });
    each("tokens_with_loss", [](StepPoint& p, const Json& v) { p.metrics.tokensWithLoss = v.get<nn::Index>(); });
    each("seconds", [](StepPoint& p, const Json& v) { p.metrics.seconds = numberFrom(v); });
    each("tokens_per_second", [](StepPoint& p, const Json& v) { p.metrics.tokensPerSecond = numberFrom(v); });
    each("loss_scale", [](StepPoint& p, const Json& v) { p.metrics.lossScale = numberFrom(v); });
    each("skipped", [](StepPoint& p, const Json& v) { p.metrics.skipped = v.get<bool>(); });
    each("underflow_share", [](StepPoint& p, const Json& v) { p.metrics.underflowShare = numberFrom(v); });
    each("tokens_with_loss_so_far", [](StepPoint& p, const Json& v) { p.tokensWithLossSoFar = numberFrom(v); });
    for (std::size_t i = 1; i < rows; ++i) {
        if (steps[i].metrics.step <= steps[i - 1].metrics.step) throw std::invalid_argument("the steps are not in order");
    }
    return steps;
}

Json itemJson(const data::ProbeItem& item) {
    return {{"category", static_cast<int>(item.category)}, {"prefix", item.prefix}, {"answer", item.answer},
            {"suffix", item.suffix}, {"candidates", item.candidates}};
}

data::ProbeItem itemFrom(const Json& json) {
    data::ProbeItem item;
    const int category = at(json, "category").get<int>();
    if (category < 0 || category >= data::probeCategoryCount) throw std::invalid_argument("unknown probe category");
    item.category = static_cast<data::ProbeCategory>(category);
    item.prefix = at(json, "prefix").get<std::string>();
    item.answer = at(json, "answer").get<std::string>();
    item.suffix = at(json, "suffix").get<std::string>();
    item.candidates = at(json, "candidates").get<std::vector<std::string>>();
    return item;
}

// The probe items once per run (every snapshot asks the same ones), the outcomes by item number.
Json probesJson(const std::vector<std::shared_ptr<const ProbeSnapshot>>& probes, Json& items) {
    std::map<std::string, std::size_t> numbers;
    Json snapshots = Json::array();
    for (const auto& snapshot : probes) {
        Json outcomes = Json::array();
        for (const train::ProbeOutcome& outcome : snapshot->report.outcomes) {
            Json item = itemJson(outcome.item);
            const auto [found, added] = numbers.try_emplace(item.dump(), numbers.size());
            if (added) items.push_back(std::move(item));
            Json top = Json::array();
            for (const train::Prediction& p : outcome.top) top.push_back({p.token, number(p.probability)});
            outcomes.push_back({{"item", found->second}, {"top", top}, {"p", number(outcome.answerProbability)},
                                {"correct", outcome.correct}});
        }
        const train::ProbeReport& r = snapshot->report;
        snapshots.push_back({{"step", snapshot->step},
                             {"accuracy", column(std::vector<double>(r.accuracy.begin(), r.accuracy.end()), number)},
                             {"items", r.items},
                             {"chance", column(std::vector<double>(r.chance.begin(), r.chance.end()), number)},
                             {"outcomes", outcomes}});
    }
    return snapshots;
}

std::vector<std::shared_ptr<const ProbeSnapshot>> probesFrom(const Json& json, const Json& itemsJson) {
    std::vector<data::ProbeItem> items;
    for (const Json& item : itemsJson) items.push_back(itemFrom(item));
    std::vector<std::shared_ptr<const ProbeSnapshot>> probes;
    for (const Json& s : json) {
        auto snapshot = std::make_shared<ProbeSnapshot>();
        snapshot->step = at(s, "step").get<std::size_t>();
        train::ProbeReport& r = snapshot->report;
        const Json& accuracy = columnOf(s, "accuracy", data::probeCategoryCount);
        const Json& counts = columnOf(s, "items", data::probeCategoryCount);
        const Json& chance = columnOf(s, "chance", data::probeCategoryCount);
        for (std::size_t c = 0; c < data::probeCategoryCount; ++c) {
            r.accuracy[c] = numberFrom(accuracy[c]);
            r.items[c] = counts[c].get<int>();
            r.chance[c] = numberFrom(chance[c]);
        }
        for (const Json& o : at(s, "outcomes")) {
            train::ProbeOutcome outcome;
            const std::size_t item = at(o, "item").get<std::size_t>();
            if (item >= items.size()) throw std::invalid_argument("a probe outcome names an item that is not listed");
            outcome.item = items[item];
            for (const Json& p : at(o, "top")) outcome.top.push_back({p.at(0).get<std::string>(), numberFrom(p.at(1))});
            outcome.answerProbability = numberFrom(at(o, "p"));
            outcome.correct = at(o, "correct").get<bool>();
            r.outcomes.push_back(std::move(outcome));
        }
        probes.push_back(std::move(snapshot));
    }
    return probes;
}

}  // namespace

std::string runsJson(const SavedRuns& saved) {
    Json list = Json::array();
    for (const Run& run : saved.runs) {
        Json items = Json::array();
        Json probes = probesJson(run.probes, items);
        list.push_back({{"id", run.id},
                        {"name", utf8(run.name)},
                        {"colour", utf8(run.colour.name())},
                        {"colour_index", seriesIndex(run.colour)},
                        {"visible", run.visible},
                        {"origin", {{"kind", originName(run.origin.kind)}, {"file", utf8(run.origin.file)}}},
                        {"settings", Json::parse(run.settings.toJson())},
                        {"steps", stepsJson(run.steps)},
                        {"held_out", {{"step", column(run.heldOut, [](const HeldOutPoint& p) { return Json(p.step); })},
                                      {"loss", column(run.heldOut, [](const HeldOutPoint& p) { return number(p.loss); })}}},
                        {"probe_items", items},
                        {"probes", probes}});
    }
    // Compact: the probe snapshots make most of it (a few hundred kilobytes for a minute of training).
    return Json{{"loss_by_tokens_with_loss", saved.lossByTokensWithLoss},
                {"ended", saved.ended},
                {"problem", utf8(saved.problem)},
                {"runs", list}}
               .dump() +
           "\n";
}

SavedRuns runsFrom(const std::string& bytes) {
    const Json json = Json::parse(bytes);
    SavedRuns saved;
    saved.lossByTokensWithLoss = at(json, "loss_by_tokens_with_loss").get<bool>();
    saved.ended = at(json, "ended").get<std::string>();
    if (saved.ended != "" && saved.ended != "stopped" && saved.ended != "diverged") {
        throw std::invalid_argument("\"ended\" is neither \"stopped\" nor \"diverged\"");
    }
    saved.problem = text(at(json, "problem"));
    std::vector<int> ids;
    for (const Json& r : at(json, "runs")) {
        Run run;
        run.id = at(r, "id").get<int>();
        if (run.id < 1 || std::find(ids.begin(), ids.end(), run.id) != ids.end()) {
            throw std::invalid_argument("two runs share the number " + std::to_string(run.id));
        }
        ids.push_back(run.id);
        run.name = text(at(r, "name"));
        const int index = at(r, "colour_index").get<int>();
        saved.colourIndex.push_back(index >= 0 && index < maxSeriesColours ? index : -1);
        run.colour = QColor(text(at(r, "colour")));
        if (!run.colour.isValid()) throw std::invalid_argument("run " + std::to_string(run.id) + " has no colour");
        run.visible = at(r, "visible").get<bool>();
        run.origin.kind = originKind(at(at(r, "origin"), "kind"));
        run.origin.file = text(at(at(r, "origin"), "file"));
        run.settings = train::RunSettings::fromJson(at(r, "settings").dump(), "run " + std::to_string(run.id) + "'s settings");
        run.steps = stepsFrom(at(r, "steps"));
        const Json& heldOut = at(r, "held_out");
        const std::size_t rows = at(heldOut, "step").size();
        const Json& losses = columnOf(heldOut, "loss", rows);
        for (std::size_t i = 0; i < rows; ++i) run.heldOut.push_back({heldOut.at("step")[i].get<std::size_t>(), numberFrom(losses[i])});
        run.probes = probesFrom(at(r, "probes"), at(r, "probe_items"));
        saved.runs.push_back(std::move(run));
    }
    return saved;
}

}  // namespace pretrainlab::app::session
