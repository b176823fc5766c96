#include "core/finetune/sweeps.hpp"

#include <cmath>
#include <variant>

#include "core/finetune/ablation.hpp"
#include "core/finetune/prompting.hpp"
#include "core/train/tiny_models.hpp"

namespace pretrainlab::finetune {
namespace {

CurvePoint pointOf(double x, const std::vector<double>& values) {
    CurvePoint point{x, 0, 0};
    for (const double v : values) point.mean += v / double(values.size());
    if (values.size() > 1) {
        double sum = 0;
        for (const double v : values) sum += (v - point.mean) * (v - point.mean);
        point.spread = std::sqrt(sum / double(values.size() - 1));
    }
    return point;
}

// `count` runs of `each` over seeds 0..count-1, each reporting 0..1 to its share of `progress`.
template <typename Run>
std::vector<double> overSeeds(std::size_t count, const Progress& progress, double done, double share, Run each) {
    std::vector<double> values;
    for (std::size_t seed = 0; seed < count; ++seed) {
        const double start = done + share * double(seed) / double(count);
        const Progress inner{[&](double f) { progress(start + f * share / double(count)); }, progress.shouldStop};
        values.push_back(each(std::uint64_t(seed), inner));
    }
    return values;
}

}  // namespace

std::vector<std::size_t> sizesFor(const Task& task, const std::vector<std::size_t>& wanted) {
    std::vector<std::size_t> sizes;
    bool cut = false;
    for (const std::size_t size : wanted) {
        if (size <= task.pool.size()) {
            sizes.push_back(size);
        } else {
            cut = true;
        }
    }
    if (cut && (sizes.empty() || sizes.back() < task.pool.size())) sizes.push_back(task.pool.size());
    return sizes;
}

std::vector<Curve> dataSizeCurves(nn::Architecture architecture, const DataSizePlan& plan) {
    std::vector<Curve> curves{{"pretrained", true, 0, {}}, {"from scratch", false, 0, {}}};
    const Task& task = taskNamed(plan.task);
    if (rowNotRun(AblationRow::FullAuxLm, architecture, task).empty() && plan.auxLm > 0) {
        curves.push_back({"pretrained + aux LM", true, plan.auxLm, {}});
        curves.push_back({"from scratch + aux LM", false, plan.auxLm, {}});
    }
    return curves;
}

std::vector<Curve> measureDataSize(std::shared_ptr<const train::ModelBundle> base, const DataSizePlan& plan,
                                   const std::function<void(std::size_t, const CurvePoint&)>& onPoint,
                                   const Progress& progress) {
    const Task& task = taskNamed(plan.task);
    std::vector<Curve> curves = dataSizeCurves(base->architecture(), plan);
    const std::vector<std::size_t> sizes = sizesFor(task, plan.sizes);
    const double runs = double(sizes.size() * curves.size());
    double done = 0;
    for (const std::size_t size : sizes) {
        for (std::size_t c = 0; c < curves.size(); ++c) {
            const std::vector<double> values =
                overSeeds(plan.seeds, progress, done / runs, 1.0 / runs, [&](std::uint64_t seed, const Progress& inner) {
                    FinetuneSettings settings = plan.finetune;
                    settings.task = task.name;
                    settings.labels = size;
                    settings.seed = seed;
                    settings.mode = Mode::All;
                    settings.auxLm = curves[c].auxLm;
                    Finetuner finetuner(task, base, settings, curves[c].pretrained);
                    return finetuneToEnd(finetuner, inner).accuracy;
                });
            curves[c].points.push_back(pointOf(double(size), values));
            done += 1;
            progress(done / runs);
            if (onPoint) onPoint(c, curves[c].points.back());
        }
    }
    return curves;
}

namespace {

std::string pct(double accuracy) { return std::to_string(int(std::lround(100 * accuracy))); }

const Curve* curveNamed(const std::vector<Curve>& curves, bool pretrained, bool aux) {
    for (const Curve& c : curves) {
        if (c.pretrained == pretrained && (c.auxLm > 0) == aux) return &c;
    }
    return nullptr;
}

}  // namespace

std::string dataSizeInWords(const std::vector<Curve>& curves) {
    const Curve* pretrained = curveNamed(curves, true, false);
    const Curve* scratch = curveNamed(curves, false, false);
    if (!pretrained || !scratch) return {};
    const std::size_t n = std::min(pretrained->points.size(), scratch->points.size());
    if (n == 0) return {};
    std::size_t widest = 0, narrowest = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double gap = pretrained->points[i].mean - scratch->points[i].mean;
        if (gap > pretrained->points[widest].mean - scratch->points[widest].mean) widest = i;
        if (gap < pretrained->points[narrowest].mean - scratch->points[narrowest].mean) narrowest = i;
    }
    const auto at = [&](std::size_t i) {
        return std::to_string(std::size_t(pretrained->points[i].x)) + " labels (" + pct(pretrained->points[i].mean) + " vs " +
               pct(scratch->points[i].mean) + ")";
    };
    std::string text = "Pretraining's lead is largest at " + at(widest) + " and smallest at " + at(narrowest) + ".";
    const Curve* withAux = curveNamed(curves, true, true);
    if (withAux && !withAux->points.empty()) {
        const auto delta = [&](std::size_t i) {
            const double d = 100.0 * (withAux->points[i].mean - pretrained->points[i].mean);
            const double noise = 100.0 * std::max(withAux->points[i].spread, pretrained->points[i].spread);
            const std::string size = std::to_string(std::size_t(withAux->points[i].x)) + " labels";
            if (std::abs(d) <= std::max(noise, 2.0)) return "within the spread over seeds at " + size;
            return std::string(d > 0 ? "+" : "") + std::to_string(int(std::lround(d))) + " points at " + size;
        };
        const std::size_t last = std::min(withAux->points.size(), pretrained->points.size()) - 1;
        text += " The auxiliary LM changed the pretrained model's accuracy " + delta(0);
        if (last > 0) text += " and " + delta(last);
        text += ".";
    }
    return text;
}

std::vector<PretrainingPoint> measurePretraining(const PretrainingPlan& plan,
                                                 const std::function<void(const PretrainingPoint&)>& onPoint,
                                                 const Progress& progress) {
    const Task& task = taskNamed(plan.task);
    const std::size_t last = plan.checkpoints.empty() ? 0 : plan.checkpoints.back();
    // Pretrained as the attention lesson's tiny model of the architecture is, over the plan's length.
    train::TinyModelRecipe recipe = train::tinyModelRecipe(plan.architecture);
    recipe.steps = std::max<std::size_t>(last, 1);
    train::TrainingSession session(train::tinyModelRun(recipe, plan.finetune.threads));
    // The share of the work: pretraining steps and the finetuning runs at each checkpoint (each
    // counted as 100 steps).
    const double total = double(last) + 100.0 * double(plan.checkpoints.size() * plan.seeds);
    double done = 0;
    std::vector<PretrainingPoint> points;
    for (const std::size_t checkpoint : plan.checkpoints) {
        while (session.stepsDone() < checkpoint) {
            if (progress.stopRequested()) throw Cancelled();
            if (std::holds_alternative<train::Divergence>(session.step())) break;
            done += 1;
            progress(done / total);
        }
        const std::shared_ptr<const train::ModelBundle> snapshot =
            train::snapshotOf(session, "pretrained " + std::to_string(session.stepsDone()) + " steps");
        PretrainingPoint point;
        point.steps = session.stepsDone();
        point.heldOutLoss = session.heldOutLoss().value_or(0.0);
        const double share = 100.0 * double(plan.seeds) / total;
        const std::vector<double> values =
            overSeeds(plan.seeds, progress, done / total, share, [&](std::uint64_t seed, const Progress& inner) {
                FinetuneSettings finetune = plan.finetune;
                finetune.task = task.name;
                finetune.labels = plan.labels;
                finetune.seed = seed;
                Finetuner finetuner(task, snapshot, finetune, true);
                return finetuneToEnd(finetuner, inner).accuracy;
            });
        done += 100.0 * double(plan.seeds);
        point.finetuned = pointOf(double(point.steps), values);
        if (const std::optional<PromptScore> score = zeroShot(task, *snapshot)) point.zeroShot = score->accuracy;
        points.push_back(point);
        if (onPoint) onPoint(point);
        progress(done / total);
    }
    return points;
}

}  // namespace pretrainlab::finetune
