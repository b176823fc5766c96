#include "core/finetune/tasks.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/common/settings_table.hpp"
#include "core/data/toyworld.hpp"

namespace pretrainlab::finetune {
namespace {

constexpr std::size_t heldOutSize = 200;
constexpr std::size_t poolLimit = 4096;

using data::ToyWorld;

std::string joined(std::initializer_list<std::string> parts) {
    std::string text;
    for (const std::string& part : parts) {
        if (part.empty()) continue;
        if (!text.empty()) text += ' ';
        text += part;
    }
    return text;
}

std::string keyOf(const Example& e) {
    std::string key = e.text + '\x1f' + e.second;
    for (const std::string& choice : e.choices) key += '\x1f' + choice;
    return key;
}

// Draws examples until `count` distinct ones (or `attempts` draws), none of them in `taken`.
template <typename Draw>
std::vector<Example> distinct(Draw draw, std::size_t count, std::set<std::string>& taken, std::size_t attempts = 200000) {
    std::vector<Example> out;
    for (std::size_t i = 0; i < attempts && out.size() < count; ++i) {
        Example e = draw();
        if (taken.insert(keyOf(e)).second) out.push_back(std::move(e));
    }
    return out;
}

// Held-out first (it wins any sentence both would draw), then the pool; each half of each class
// where the draw can be asked for a class.
template <typename Draw>
void fill(Task& task, Draw drawHeldOut, Draw drawPool) {
    std::set<std::string> taken;
    task.heldOut = distinct(drawHeldOut, heldOutSize, taken);
    task.pool = distinct(drawPool, poolLimit, taken);
}

template <typename T>
const T& pick(const std::vector<T>& options, std::mt19937_64& random) {
    return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(random)];
}

bool coin(std::mt19937_64& random) { return std::bernoulli_distribution(0.5)(random); }

// ---- the tasks ----

Task sentiment() {
    Task task{"sentiment", "Sentiment", "like SST-2",
              "reading a review to its end: \"but\" and \"not\" turn it", TaskForm::Single,
              {"negative", "positive"}, {"bad", "good"}, {}, {}};
    const ToyWorld world(0, 0);
    std::size_t next = 0;
    std::vector<data::SentimentExample> held = world.sentiment(4000, 202);
    std::vector<data::SentimentExample> pooled = world.sentiment(40000, 101);
    fill(task, std::function<Example()>([&] {
             const data::SentimentExample& e = held[next++ % held.size()];
             return Example{e.text, {}, {}, e.label, {}};
         }),
         std::function<Example()>([&, i = std::size_t(0)]() mutable {
             const data::SentimentExample& e = pooled[i++ % pooled.size()];
             return Example{e.text, {}, {}, e.label, {}};
         }));
    return task;
}

Task acceptability() {
    Task task{"acceptability", "Acceptability", "like CoLA",
              "agreement across a relative clause, which pretraining on correct English teaches", TaskForm::Single,
              {"wrong", "right"}, {"bad", "good"}, {}, {}};
    const ToyWorld world(0, 0);
    const auto draw = [&world](std::uint64_t seed) {
        return std::function<Example()>([&world, random = std::mt19937_64(seed)]() mutable {
            const data::ProbeItem item = world.trainingItem(data::ProbeCategory::Syntax, random);
            const bool right = coin(random);
            const std::string be = right ? item.answer : (item.answer == "is" ? "are" : "is");
            return Example{joined({item.prefix, be, item.suffix}), {}, {}, right ? 1 : 0, {}};
        });
    };
    fill(task, draw(303), draw(404));
    return task;
}

// A person, and the pronoun-free way the pair task names them.
std::vector<std::string> personNames() {
    std::vector<std::string> names;
    for (const ToyWorld::Name& person : ToyWorld::names()) names.push_back(person.name);
    for (const char* who : {"the boy", "the girl", "the man", "the woman", "my sister", "my brother", "the farmer",
                            "the teacher"}) {
        names.emplace_back(who);
    }
    return names;
}

Task facts() {
    Task task{"facts", "Same country?", "like RTE or MNLI",
              "knowing which city is in which country; the held-out pairs ask about countries the labelled ones never "
              "name",
              TaskForm::Pair, {"no", "yes"}, {"not", "true"}, {}, {}};
    const std::vector<ToyWorld::CountryFacts> countries = ToyWorld::countryFacts();
    const std::vector<std::string> people = personNames();
    // Where someone is: in the capital, in the country, or in "the capital of" the country.
    const auto place = [](const ToyWorld::CountryFacts& c, int form) {
        return form == 0 ? c.capital : form == 1 ? c.name : "the capital of " + c.name;
    };
    const std::vector<std::pair<int, int>> forms{{0, 1}, {1, 0}, {0, 2}, {2, 0}};  // the country word never in both
    const auto draw = [&](std::size_t firstCountry, std::uint64_t seed) {
        return std::function<Example()>([&, firstCountry, random = std::mt19937_64(seed)]() mutable {
            const auto country = [&] {
                return countries[firstCountry + std::uniform_int_distribution<std::size_t>(0, 4)(random)];
            };
            const ToyWorld::CountryFacts a = country();
            const bool same = coin(random);
            ToyWorld::CountryFacts b = a;
            while (!same && b.name == a.name) b = country();
            const std::string who = pick(people, random);
            const std::string verb = coin(random) ? "is" : "was";
            const auto [formA, formB] = pick(forms, random);
            return Example{joined({who, verb, "in", place(a, formA), "."}), joined({who, verb, "in", place(b, formB), "."}), {},
                           same ? 1 : 0, {}};
        });
    };
    fill(task, draw(5, 505), draw(0, 606));
    return task;
}

Task tagging() {
    Task task{"tagging", "Names and places", "like CoNLL NER",
              "telling a country from its capital and a name from a word, for names the labelled sentences never use",
              TaskForm::Tagging, {"other", "person", "country", "city", "animal"}, {}, {}, {}};
    const std::vector<ToyWorld::CountryFacts> countries = ToyWorld::countryFacts();
    const std::vector<ToyWorld::Name> people = ToyWorld::names();
    // Split: countries 0-4 and half the people label the pool; the held-out sentences name the others.
    std::map<std::string, std::pair<int, int>> words;  // word -> (tag, split: 0 pool, 1 held out, -1 both)
    for (std::size_t i = 0; i < countries.size(); ++i) {
        const int split = i < 5 ? 0 : 1;
        words[countries[i].name] = {2, split};
        words[countries[i].capital] = {3, split};
    }
    for (std::size_t i = 0; i < people.size(); ++i) words[people[i].name] = {1, (i % 8) < 4 ? 0 : 1};
    for (const auto& [one, many] : ToyWorld::animalWords()) words[one] = words[many] = {4, -1};
    const ToyWorld world(0, 0);
    const std::vector<std::string> names = personNames();
    const std::vector<std::pair<std::string, std::string>> animals = ToyWorld::animalWords();
    const auto draw = [&](int split, std::uint64_t seed) {
        return std::function<Example()>([&, split, random = std::mt19937_64(seed)]() mutable {
            for (;;) {
                std::string sentence;
                const auto place = [&] {
                    const ToyWorld::CountryFacts& c = pick(countries, random);
                    return coin(random) ? c.capital : c.name;
                };
                const auto animal = [&] {
                    const auto& [one, many] = pick(animals, random);
                    return coin(random) ? "the " + one : "two " + many;
                };
                switch (std::uniform_int_distribution<int>(0, 4)(random)) {
                    case 0: {
                        const data::ProbeCategory categories[] = {data::ProbeCategory::Knowledge, data::ProbeCategory::Coreference,
                                                                  data::ProbeCategory::Commonsense, data::ProbeCategory::Syntax};
                        sentence = world.trainingItem(categories[std::uniform_int_distribution<int>(0, 3)(random)], random).sentence();
                        break;
                    }
                    case 1: sentence = joined({pick(names, random), coin(random) ? "is" : "was", "in", place(), "."}); break;
                    case 2: sentence = joined({pick(names, random), "watched", pick(names, random), "in", place(), "."}); break;
                    case 3: sentence = joined({pick(names, random), "fed", animal(), "in", place(), "."}); break;
                    default:
                        sentence = joined({pick(names, random), "and", pick(names, random), "found", animal(), "near", place(), "."});
                        break;
                }
                Example e{sentence, {}, {}, 0, {}};
                bool named = false, fits = true;
                std::istringstream in(sentence);
                for (std::string word; in >> word;) {
                    const auto it = words.find(word);
                    const int tag = it == words.end() ? 0 : it->second.first;
                    if (it != words.end() && it->second.second >= 0) {
                        named = true;
                        fits = fits && it->second.second == split;
                    }
                    e.tags.push_back(tag);
                }
                if (named && fits) return e;
            }
        });
    };
    fill(task, draw(1, 707), draw(0, 808));
    return task;
}

Task choice() {
    Task task{"choice", "Which ending?", "like SWAG",
              "which feeling a cause brings; the held-out contexts use causes the labelled ones never show",
              TaskForm::MultipleChoice, {}, {}, {}, {}};
    const std::vector<std::pair<std::string, std::string>> causes = ToyWorld::causesAndFeelings();
    std::vector<std::string> feelings;
    for (const auto& [happened, feeling] : causes) {
        if (std::find(feelings.begin(), feelings.end(), feeling) == feelings.end()) feelings.push_back(feeling);
    }
    struct Who {
        std::string name;
        bool female;
    };
    std::vector<Who> who;
    for (const ToyWorld::Name& person : ToyWorld::names()) who.push_back({person.name, person.female});
    for (const Who& someone : {Who{"the boy", false}, Who{"the girl", true}, Who{"the man", false}, Who{"the woman", true}}) {
        who.push_back(someone);
    }
    // Each feeling has two causes: the pool shows the first of each, the held-out set the second.
    const auto draw = [&](std::size_t parity, std::uint64_t seed) {
        return std::function<Example()>([&, parity, random = std::mt19937_64(seed)]() mutable {
            std::size_t index = 2 * std::uniform_int_distribution<std::size_t>(0, causes.size() / 2 - 1)(random) + parity;
            const auto& [happened, feeling] = causes[index];
            const Who& person = pick(who, random);
            std::string event = happened;
            const std::string possessive = person.female ? "her" : "his";
            if (const auto at = event.find("{possessive}"); at != std::string::npos) event.replace(at, 12, possessive);
            const std::string context =
                joined({person.name, event, coin(random) ? ", so" : "and now", person.female ? "she" : "he", "is"});
            std::vector<std::string> endings{feeling};
            while (endings.size() < 4) {
                const std::string& other = pick(feelings, random);
                if (std::find(endings.begin(), endings.end(), other) == endings.end()) endings.push_back(other);
            }
            std::shuffle(endings.begin(), endings.end(), random);
            Example e{context, {}, {}, 0, {}};
            for (std::size_t i = 0; i < endings.size(); ++i) {
                if (endings[i] == feeling) e.label = int(i);
                e.choices.push_back(endings[i] + " .");
            }
            return e;
        });
    };
    fill(task, draw(1, 909), draw(0, 1010));
    return task;
}

}  // namespace

const std::vector<std::string>& taskNames() {
    static const std::vector<std::string> names{"sentiment", "acceptability", "facts", "tagging", "choice"};
    return names;
}

Task makeTask(const std::string& name) {
    if (name == "sentiment") return sentiment();
    if (name == "acceptability") return acceptability();
    if (name == "facts") return facts();
    if (name == "tagging") return tagging();
    if (name == "choice") return choice();
    throw std::invalid_argument("no task named '" + name + "': the tasks are " + listInWords(taskNames()));
}

const Task& taskNamed(const std::string& name) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<const Task>> made;
    const std::lock_guard lock(mutex);
    std::unique_ptr<const Task>& task = made[name];
    if (!task) task = std::make_unique<const Task>(makeTask(name));
    return *task;
}

std::vector<Example> labelledSet(const Task& task, std::size_t count, std::uint64_t seed) {
    if (count > task.pool.size()) {
        throw std::invalid_argument("the " + task.name + " task has " + std::to_string(task.pool.size()) +
                                    " labelled examples; " + std::to_string(count) + " were asked for");
    }
    if (count == 0) throw std::invalid_argument("finetuning needs at least one labelled example");
    std::vector<std::size_t> order(task.pool.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 random(seed ^ 0x1abe11edULL);
    std::shuffle(order.begin(), order.end(), random);
    std::vector<Example> chosen;
    chosen.reserve(count);
    for (std::size_t i = 0; i < count; ++i) chosen.push_back(task.pool[order[i]]);
    return chosen;
}

}  // namespace pretrainlab::finetune
